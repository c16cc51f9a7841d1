/**
 * The request context for an upgraded connection's own events (the Fastify plugin's and the
 * Express middleware's). AsyncLocalStorage follows where a socket was made, so the events of a
 * WebSocket's socket (and the `message` events a WebSocket library emits from them) ran outside
 * the upgrade request's context: lines logged there had no request_id or trace_id. A socket that
 * came through the server's `upgrade` event serves that one session, so its events are emitted
 * inside the request's context; a keep-alive socket is never bound (its next request has other
 * ids).
 */
import type { IncomingMessage } from 'node:http';
import type { ContextStorage } from '../context/request-context.js';
import type { RequestHandle } from './request-instrumentation.js';

const kBound = Symbol('driftwatch.upgradeContext');

type BindableSocket = IncomingMessage['socket'] & { [kBound]?: true };

/** Runs `raw.socket`'s event listeners in `handle`'s context when `raw` is an upgrade request. */
export function bindUpgradeSocket(
  raw: IncomingMessage & { upgrade?: boolean },
  storage: ContextStorage,
  handle: RequestHandle,
): void {
  // Node sets `upgrade` only for a request it handed to an `upgrade` listener (with none, an
  // Upgrade header is an ordinary request on a keep-alive socket).
  const socket = raw.socket as BindableSocket | null;
  if (raw.upgrade !== true || socket === null || socket[kBound] === true) return;
  socket[kBound] = true;
  const store = handle.store;
  const emit = socket.emit;
  socket.emit = function emitInRequestContext(
    this: BindableSocket,
    ...args: Parameters<BindableSocket['emit']>
  ) {
    return storage.run(store, Reflect.apply, emit, this, args) as boolean;
  } as BindableSocket['emit'];
}
