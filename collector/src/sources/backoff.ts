/** Waits between tries of a failed step: exponential, with jitter, capped, cut short on stop. */

/** First wait, in ms; each try doubles it up to the cap. */
export const FIRST_BACKOFF_MS = 200;

/**
 * How long to wait before try `attempt + 1` (attempt 0 is the first failure): half the capped
 * exponential step plus a random part of the other half, so that collectors that failed together
 * do not retry together.
 */
export function backoffMs(attempt: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, FIRST_BACKOFF_MS * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
