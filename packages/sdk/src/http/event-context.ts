/**
 * Runs a request's and its response's event listeners in the request's context (the Fastify
 * plugin's and the Express middleware's). Node emits their events from the socket's reads and
 * writes, in the context where the connection was accepted: a body chunk that arrives in a later
 * read, the body's 'end' (read by events, or by a multipart or raw-stream parser), the request's
 * 'close', the response's 'finish' and 'close'. Lines logged there had no request_id or trace_id,
 * nor had a handler that runs after a middleware that goes on from such an event. Unlike its
 * socket (kept alive for the next request), the request and the response serve one request
 * alone, so binding them is always right.
 */
import type { EventEmitter } from 'node:events';
import type { ContextStorage, RequestStore } from '../context/request-context.js';

type Emit = EventEmitter['emit'];

/** Makes `emitter`'s events run its listeners inside `store`. */
export function emitInContext(
  emitter: EventEmitter,
  storage: ContextStorage,
  store: RequestStore,
): void {
  const emit = emitter.emit;
  emitter.emit = function emitInRequestContext(this: EventEmitter, ...args: Parameters<Emit>) {
    return storage.run(store, Reflect.apply, emit, this, args) as boolean;
  } as Emit;
}
