/**
 * Opt-in SIGTERM/SIGINT handling (`handleSignals`): flush and stop within the shutdown deadline,
 * then end the process as the signal would have (killed by it, so supervisors see why). When the
 * host listens to the signal too, the host decides when to exit: its own drain is not cut short.
 * One listener per signal for the whole process: with several monitors, the process ends once
 * all of them have shut down, not when the quickest has. A second signal during the flush, with
 * no host listener, ends the process at once.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type ShutdownSignal = (typeof SIGNALS)[number];

const shutdowns = new Set<() => Promise<void>>();

function onSignal(signal: ShutdownSignal): void {
  uninstall();
  const pending = [...shutdowns].map((shutdown) => shutdown().catch(() => undefined));
  void Promise.all(pending).then(() => {
    if (process.listenerCount(signal) > 0) return;
    process.kill(process.pid, signal);
  });
}

const listeners = new Map(SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const));

function install(): void {
  for (const [signal, listener] of listeners) {
    if (!process.listeners(signal).includes(listener)) process.on(signal, listener);
  }
}

function uninstall(): void {
  for (const [signal, listener] of listeners) process.off(signal, listener);
}

/** Registers a monitor's shutdown; returns the function that unregisters it. */
export function handleShutdownSignals(shutdown: () => Promise<void>): () => void {
  shutdowns.add(shutdown);
  install();
  return () => {
    shutdowns.delete(shutdown);
    if (shutdowns.size === 0) uninstall();
  };
}
