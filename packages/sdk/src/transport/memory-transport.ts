/** A transport that keeps every batch in memory: for tests and local experiments. */
import type { Signal, SignalItem } from '@driftwatch/schema';
import type { SendResult, TelemetryBatch, Transport } from './transport.js';

export interface MemoryTransport extends Transport {
  readonly name: 'memory';
  /** Every batch received, in order. */
  readonly batches: readonly TelemetryBatch[];
  /** Every item of one signal received so far, in order. */
  items<S extends Signal>(signal: S): Array<SignalItem[S]>;
  /** While set, every send answers this failure (simulates a destination that is down). */
  failWith(result: Extract<SendResult, { ok: false }> | undefined): void;
  /** Forgets the batches received. */
  clear(): void;
}

/** Creates an in-memory transport; `monitor.transport` returns it when `type: 'memory'`. */
export function createMemoryTransport(): MemoryTransport {
  const batches: TelemetryBatch[] = [];
  let failure: Extract<SendResult, { ok: false }> | undefined;
  let closed = false;
  return {
    name: 'memory',
    batches,
    items<S extends Signal>(signal: S): Array<SignalItem[S]> {
      return batches.flatMap((batch) => batch[signal] as Array<SignalItem[S]>);
    },
    failWith(result) {
      failure = result;
    },
    clear() {
      batches.length = 0;
    },
    send(batch: TelemetryBatch): Promise<SendResult> {
      if (failure) return Promise.resolve(failure);
      if (closed) {
        return Promise.resolve({
          ok: false,
          retryable: false,
          error: new Error('transport shut down'),
        });
      }
      batches.push(batch);
      return Promise.resolve({ ok: true });
    },
    isReady() {
      return !closed && failure === undefined;
    },
    shutdown() {
      closed = true;
      return Promise.resolve();
    },
  };
}
