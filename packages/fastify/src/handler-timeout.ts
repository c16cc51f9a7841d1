/**
 * Fastify's `handlerTimeout` (5.12) arms its timer in route.js before any hook runs, outside the
 * request context: what runs when it fires (the handler's `request.signal` abort listeners,
 * Fastify's error reply and its "Request timed out" line, the destroy of a response already
 * streaming) would log without the request's ids.
 */
import type { Monitor, RequestStore } from '@driftwatch/sdk';

/**
 * The timer's first act is to abort `request.signal`, whose listeners run at once: the first one,
 * added here, enters the request context for the rest of that timer callback. `enterWith` binds
 * the store to the callback that is running, Fastify's timer for this request alone, and to what
 * it schedules; nothing else runs in it. When the client's leaving aborts the signal instead, the
 * request's 'close' is already emitted in the context (see the plugin's onRequest hook).
 */
export function enterContextOnAbort(
  signal: AbortSignal,
  storage: Monitor['contextStorage'],
  store: RequestStore,
): void {
  signal.addEventListener(
    'abort',
    () => {
      if (storage.getStore() !== store) storage.enterWith(store);
    },
    { once: true },
  );
}
