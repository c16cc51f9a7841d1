/** Exponential backoff with full jitter, and a sleep that an AbortSignal cuts short. */

/** A random wait in [0, min(max, initial·2^attempt)) ms ("full jitter"). */
export function fullJitterBackoffMs(attempt: number, initialMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(Math.random() * ceiling);
}

/** The most a Retry-After wait is spread by: a tenth of it, at most this. */
const MAX_RETRY_AFTER_SPREAD_MS = 1000;

/**
 * The wait before the next attempt: the backoff, and at least what a Retry-After asked for,
 * spread at random over the next tenth of it (at most a second). Every process a collector
 * answered with "Retry-After: 5" as it restarted would otherwise come back in the same
 * millisecond; the full-jitter backoff spreads them only once it outgrows the Retry-After.
 */
export function retryWaitMs(retryAfterMs: number | undefined, backoffMs: number): number {
  if (retryAfterMs === undefined) return backoffMs;
  const spreadMs = Math.random() * Math.min(retryAfterMs / 10, MAX_RETRY_AFTER_SPREAD_MS);
  return Math.max(retryAfterMs + Math.floor(spreadMs), backoffMs);
}

/**
 * Resolves after `ms` or as soon as `signal` aborts (never rejects). `keepAlive: false` lets the
 * process exit while waiting (background retries must not hold a service's shutdown).
 */
export function sleep(
  ms: number,
  signal: AbortSignal,
  keepAlive: boolean,
  /** Receives the timer while it runs (a later `flush()` refs it to hold the process). */
  onTimer?: (timer: NodeJS.Timeout | undefined) => void,
): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      onTimer?.(undefined);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (!keepAlive) timer.unref();
    onTimer?.(timer);
    signal.addEventListener('abort', done, { once: true });
  });
}
