/**
 * Opt-in SIGTERM/SIGINT handling (`handleSignals`): flush and stop within the shutdown deadline,
 * then end the process as the signal would have (killed by it, so supervisors see why). When the
 * host listens to the signal too, the host decides when to exit and drains first: the monitors
 * then only flush what is queued and stay up, so what the drain logs is still delivered (the
 * host calls `monitor.shutdown()` when its drain ends), still listening: the other signal, or a
 * later one the host no longer handles, still gets its flush. One listener per signal for the whole
 * process: with several monitors, the process ends once all of them have shut down, not when the
 * quickest has; a monitor the host is already shutting down stays registered until that shutdown
 * ends, so a signal meanwhile waits for it. A second signal during the flush, with no host
 * listener, ends the process at once. Either way, child processes (nvidia-smi) are SIGKILLed right before the process ends: a
 * death by signal emits no 'exit', so nothing else would end a child stuck in the driver.
 */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type ShutdownSignal = (typeof SIGNALS)[number];

/** What a signal asks of one monitor. */
export interface SignalTarget {
  shutdown(): Promise<void>;
  flush(): Promise<void>;
  /** Ends the monitor's child processes now, synchronously (the process is about to die). */
  killChildren(): void;
}

const targets = new Set<SignalTarget>();

function onSignal(signal: ShutdownSignal): void {
  // Any listener besides ours is the host's: it decides the exit, the monitors only flush. Ours
  // stay installed, so that a later signal still finds them (a host that handles SIGINT alone,
  // then gets SIGTERM from its supervisor, would otherwise be killed with its queue unsent).
  const own = listeners.get(signal);
  if (process.listeners(signal).some((listener) => listener !== own)) {
    for (const target of targets) target.flush().catch(() => undefined);
    return;
  }
  uninstall();
  // Shutting down removes a monitor from `targets`: keep the ones this signal ends.
  const ending = [...targets];
  const endProcess = (by: ShutdownSignal): void => {
    for (const target of ending) {
      try {
        target.killChildren();
      } catch {
        // a child already gone
      }
    }
    process.kill(process.pid, by);
  };
  const onSecondSignal = (second: ShutdownSignal): void => {
    stopWatchingSecond();
    // A listener the host added meanwhile decides the exit.
    if (process.listenerCount(second) === 0) endProcess(second);
  };
  const secondListeners = SIGNALS.map((each) => [each, () => onSecondSignal(each)] as const);
  const stopWatchingSecond = (): void => {
    for (const [each, listener] of secondListeners) process.off(each, listener);
  };
  for (const [each, listener] of secondListeners) process.once(each, listener);
  const pending = ending.map((target) => target.shutdown().catch(() => undefined));
  void Promise.all(pending).then(() => {
    stopWatchingSecond();
    // A listener the host added meanwhile decides the exit.
    if (process.listenerCount(signal) > 0) return;
    endProcess(signal);
  });
}

const listeners = new Map(SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const));

function install(): void {
  for (const [signal, listener] of listeners) {
    // First in line: a host's `process.once` listener added earlier is removed as it runs, so
    // after it the SDK would see no host listener and end the process in the middle of its drain.
    if (!process.listeners(signal).includes(listener)) process.prependListener(signal, listener);
  }
}

function uninstall(): void {
  for (const [signal, listener] of listeners) process.off(signal, listener);
}

/** Registers a monitor for the signals; returns the function that unregisters it. */
export function handleShutdownSignals(target: SignalTarget): () => void {
  targets.add(target);
  install();
  return () => {
    targets.delete(target);
    if (targets.size === 0) uninstall();
  };
}
