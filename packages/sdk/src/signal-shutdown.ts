/**
 * Opt-in SIGTERM/SIGINT handling (`handleSignals`): flush and stop within the shutdown deadline,
 * then end the process as the signal would have (killed by it, so supervisors see why). When the
 * host listens to the signal too, the host decides when to exit: its own drain is not cut short.
 * A second signal during the flush, with no host listener, ends the process at once.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Installs the handlers; returns the function that removes them. */
export function handleShutdownSignals(shutdown: () => Promise<void>): () => void {
  const handlers = SIGNALS.map((signal) => {
    const handler = (): void => {
      void shutdown()
        .catch(() => undefined)
        .finally(() => {
          if (process.listenerCount(signal) > 0) return;
          process.kill(process.pid, signal);
        });
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
