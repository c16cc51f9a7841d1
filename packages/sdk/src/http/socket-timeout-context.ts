/**
 * Runs a connection's 'timeout' listeners in the context of the request in flight on it, for
 * the framework integrations: Fastify's `onTimeout` hooks and the server's own timeout callback
 * (`server.setTimeout(ms, callback)`, `server.on('timeout')`) run from a listener on the socket
 * itself, not on the request or the response (whose events event-context.ts binds), and Node
 * emits the socket's 'timeout' from a timer in the connection's context: lines logged there had no
 * request_id or trace_id. A keep-alive socket serves one request after another, so each request
 * takes the socket over at its start and lets it go at its end; a timeout while the connection is
 * idle runs outside any request (Node re-arms the socket's timer from the response's 'finish',
 * inside the request's context, which it would otherwise keep).
 */
import type { Socket } from 'node:net';
import type { ContextStorage, RequestStore } from '../context/request-context.js';

const kStore = Symbol('driftwatch.timeoutStore');
const kStorage = Symbol('driftwatch.timeoutStorage');

type Bound = Socket & {
  [kStore]?: RequestStore | undefined;
  [kStorage]?: ContextStorage;
};

/** Makes `socket`'s 'timeout' listeners run in `store` until `releaseSocketTimeout`. */
export function socketTimeoutInContext(
  socket: Socket,
  storage: ContextStorage,
  store: RequestStore,
): void {
  const bound = socket as Bound;
  if (bound[kStorage] === undefined) {
    const emit = socket.emit;
    socket.emit = function emitTimeoutInContext(
      this: Bound,
      event: string | symbol,
      ...args: unknown[]
    ): boolean {
      const current = this[kStore];
      const currentStorage = this[kStorage];
      if (event !== 'timeout' || currentStorage === undefined) {
        return Reflect.apply(emit, this, [event, ...args]) as boolean;
      }
      return (
        current === undefined
          ? currentStorage.exit(Reflect.apply, emit, this, [event, ...args])
          : currentStorage.run(current, Reflect.apply, emit, this, [event, ...args])
      ) as boolean;
    } as Socket['emit'];
  }
  bound[kStorage] = storage;
  bound[kStore] = store;
}

/** At the end of the request of `store`: the socket's 'timeout' no longer runs in it. */
export function releaseSocketTimeout(socket: Socket | null, store: RequestStore): void {
  const bound = socket as Bound | null;
  if (bound !== null && bound[kStore] === store) bound[kStore] = undefined;
}
