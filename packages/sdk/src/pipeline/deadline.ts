/** Waiting on work that may never settle (a custom transport, a hung broker, a user's check). */

/**
 * `work`'s value, or `onTimeout` once `ms` have passed, whichever comes first; the timer is
 * cleared either way. A rejection of `work` passes through.
 */
export async function settleWithin<T, F>(
  work: PromiseLike<T> | T,
  ms: number,
  onTimeout: F,
): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The milliseconds left of `timeoutMs` from now, for work done in steps within one deadline. On
 * the monotonic clock: a wall clock stepped back (NTP, a VM resumed) must not stretch it.
 */
export function timeLeft(timeoutMs: number): () => number {
  const started = performance.now();
  return () => Math.max(0, timeoutMs - (performance.now() - started));
}
