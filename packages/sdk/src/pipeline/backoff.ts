/** Exponential backoff with full jitter, and a sleep that an AbortSignal cuts short. */

/** A random wait in [0, min(max, initial·2^attempt)) ms ("full jitter"). */
export function fullJitterBackoffMs(attempt: number, initialMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(Math.random() * ceiling);
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
