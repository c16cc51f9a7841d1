/**
 * kafkajs 2.2.4, its last release, keeps a connected client's process busy and alive when idle:
 * - its request queue re-arms a 1 ms timer for ever once a broker has answered, with nothing
 *   pending (tulios/kafkajs#1704): about 1,000 wake-ups a second per broker connection;
 * - its request-timeout interval (100 ms per connection) and its broker sockets are ref'd, so a
 *   host that is done cannot exit without `monitor.shutdown()`.
 * The transport's own send deadline timer holds the process while a send is in flight, so
 * kafkajs's timers and sockets need not: they are unref'd here, and the queue only schedules a
 * check when a request is pending or the broker throttles. Applied once, and only to the kafkajs
 * version whose internals this was written against.
 */
import { createRequire } from 'node:module';
import { connectKafkaSocket } from '@driftwatch/schema';
import type { ISocketFactory } from 'kafkajs';

const PATCHED_VERSION = '2.2.4';

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  scheduleCheckPendingRequests(): void;
  scheduleRequestTimeoutCheck(): void;
}

let applied: boolean | undefined;

/**
 * Makes kafkajs's request queue quiet when idle (see above). True when applied, false for a
 * kafkajs version it does not know (left as it is).
 */
export function quietKafkajsWhenIdle(): boolean {
  if (applied !== undefined) return applied;
  applied = false;
  try {
    const require = createRequire(import.meta.url);
    const { version } = require('kafkajs/package.json') as { version: string };
    if (version !== PATCHED_VERSION) return false;
    const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
      prototype: RequestQueueInternals;
    };
    const queue = RequestQueue.prototype;
    const scheduleCheck = queue.scheduleCheckPendingRequests;
    const scheduleTimeoutCheck = queue.scheduleRequestTimeoutCheck;
    if (typeof scheduleCheck !== 'function' || typeof scheduleTimeoutCheck !== 'function') {
      return false;
    }
    queue.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
      // Nothing waits and no throttle ends later: no check to schedule (a push schedules one).
      if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
      scheduleCheck.call(this);
    };
    queue.scheduleRequestTimeoutCheck = function (this: RequestQueueInternals) {
      scheduleTimeoutCheck.call(this);
      this.requestTimeoutIntervalId?.unref();
    };
    applied = true;
  } catch {
    // A kafkajs laid out differently: it keeps its own behaviour.
  }
  return applied;
}

/** kafkajs's socket factory, with sockets that do not hold the process by themselves. */
export const unrefSocketFactory: ISocketFactory = (options) => {
  const socket = connectKafkaSocket(options);
  socket.unref();
  return socket;
};
