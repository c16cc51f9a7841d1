/**
 * Fastify's `handlerTimeout` (5.12) arms its timer in route.js before any hook runs, outside the
 * request context: what runs when it fires (the handler's `request.signal` abort listeners,
 * Fastify's error reply and its "Request timed out" line, the destroy of a response already
 * streaming) would log without the request's ids.
 */
import type { Monitor, RequestStore } from '@driftwatch/sdk';

/**
 * The timer's first act is to abort `request.signal`, which runs its listeners at once: the
 * context is entered there, for the rest of that timer callback. `enterWith` binds the store to
 * the callback that is running, Fastify's timer for this request alone, and to what it schedules;
 * nothing else runs in it. When the client's leaving aborts the signal instead, the request's
 * 'close' is already emitted in the context (see the plugin's onRequest hook).
 *
 * Node aborts a signal through its `dispatchEvent`, looked up on the signal: an own one, set
 * here, enters the context before any listener runs, those that an `onRequest` hook registered
 * before the plugin added first included. A listener, the first the plugin can add, stays as
 * the fallback should a Node version dispatch otherwise.
 */
export function enterContextOnAbort(
  signal: AbortSignal,
  storage: Monitor['contextStorage'],
  store: RequestStore,
): void {
  const enter = (): void => {
    if (storage.getStore() !== store) storage.enterWith(store);
  };
  const dispatch = signal.dispatchEvent;
  signal.dispatchEvent = function dispatchInRequestContext(this: AbortSignal, event: Event) {
    if (event.type === 'abort') enter();
    return dispatch.call(this, event);
  };
  signal.addEventListener('abort', enter, { once: true });
}
