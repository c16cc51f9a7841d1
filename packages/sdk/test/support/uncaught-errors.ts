/**
 * Test helper: collects the process's uncaught exceptions and unhandled rejections while a test
 * file runs, for the integrations' "nothing thrown into the host" checks.
 */
export interface UncaughtErrors {
  /** What reached the process so far. */
  readonly errors: unknown[];
  /** Stops collecting (afterAll). */
  stop(): void;
}

export function collectUncaught(): UncaughtErrors {
  const errors: unknown[] = [];
  const collect = (error: unknown): void => {
    errors.push(error);
  };
  process.on('uncaughtException', collect);
  process.on('unhandledRejection', collect);
  return {
    errors,
    stop: () => {
      process.off('uncaughtException', collect);
      process.off('unhandledRejection', collect);
    },
  };
}
