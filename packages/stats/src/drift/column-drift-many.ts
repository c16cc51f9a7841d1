/** columnDrift over many columns on worker threads, sharing SharedArrayBuffer-backed columns without copies. */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { invalidArgument } from '../validate-input.js';
import type { ColumnValues } from './column-data.js';
import { columnDrift } from './column-drift.js';
import type { ColumnDriftOptions, ColumnDriftResult } from './column-drift.js';
import type { DriftTask, DriftTaskReply } from './drift-task.js';

export interface DriftColumn {
  readonly reference: ColumnValues;
  readonly current: ColumnValues;
  readonly options: ColumnDriftOptions;
}

export interface ColumnDriftManyOptions {
  /**
   * Worker threads. The calling thread computes columns too, `workers` + 1 threads in all: first
   * the ones a worker would have to copy (anything but Float64Arrays over a SharedArrayBuffer),
   * then shared ones alongside the workers. 0 computes every column on the calling thread.
   * @default os.availableParallelism() − 1 (at least 1), and at most the number of shared columns
   */
  readonly workers?: number;
}

/** Tasks queued per worker, so that it never waits while the calling thread computes a column. */
const WORKER_QUEUE_DEPTH = 2;

/** A Float64Array over shared memory: postMessage hands it to a worker without copying. */
function isShared(values: ColumnValues): boolean {
  return values instanceof Float64Array && values.buffer instanceof SharedArrayBuffer;
}

function resolveWorkers(requested: number | undefined, sharedColumns: number): number {
  if (requested === undefined)
    return Math.min(Math.max(1, availableParallelism() - 1), sharedColumns);
  if (!Number.isInteger(requested) || requested < 0) {
    throw invalidArgument('options.workers', requested, 'an integer ≥ 0');
  }
  return Math.min(requested, sharedColumns);
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * `columnDrift` on every column, in parallel: numeric columns held in Float64Arrays over a
 * SharedArrayBuffer go to worker threads (zero-copy); the calling thread computes the others
 * and helps with the shared ones.
 * Results are in column order and equal to `columnDrift`'s. A column that fails rejects the
 * promise with the error `columnDrift` throws for it; a worker that cannot start or dies leaves
 * its columns to the calling thread.
 * @example
 * const ref = new Float64Array(new SharedArrayBuffer(8 * n)); // fill, same for cur
 * await columnDriftMany([{ reference: ref, current: cur, options: { type: 'numeric' } }]);
 * @throws StatsError INVALID_ARGUMENT (options.workers), and whatever columnDrift throws.
 */
export async function columnDriftMany(
  columns: readonly DriftColumn[],
  options: ColumnDriftManyOptions = {},
): Promise<ColumnDriftResult[]> {
  const results: (ColumnDriftResult | undefined)[] = new Array<undefined>(columns.length);
  const shared: number[] = [];
  const local: number[] = [];
  columns.forEach((c, i) =>
    (isShared(c.reference) && isShared(c.current) ? shared : local).push(i),
  );
  const workerCount = resolveWorkers(options.workers, shared.length);
  if (workerCount === 0) {
    columns.forEach((c, i) => (results[i] = columnDrift(c.reference, c.current, c.options)));
    return results as ColumnDriftResult[];
  }
  const url = new URL('./column-drift-worker.js', import.meta.url);
  const inFlight = new Map<Worker, Set<number>>();
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  /** A dead worker's columns go back to the calling thread. */
  const retire = (worker: Worker): void => {
    const queue = inFlight.get(worker);
    if (!queue) return;
    inFlight.delete(worker);
    local.push(...queue);
    notify();
  };
  const dispatch = (worker: Worker): void => {
    const queue = inFlight.get(worker);
    while (queue && queue.size < WORKER_QUEUE_DEPTH && shared.length > 0) {
      const id = shared.shift() as number;
      const { reference, current, options: columnOptions } = columns[id] as DriftColumn;
      try {
        worker.postMessage({ id, reference, current, options: columnOptions } satisfies DriftTask);
        queue.add(id);
      } catch {
        local.push(id); // options that cannot be cloned: computed here instead
      }
    }
  };
  const workers: Worker[] = [];
  for (let k = 0; k < workerCount; k++) {
    const worker = new Worker(url);
    workers.push(worker);
    inFlight.set(worker, new Set());
    worker.on('message', (reply: DriftTaskReply) => {
      inFlight.get(worker)?.delete(reply.id);
      if ('result' in reply) results[reply.id] = Object.freeze(reply.result);
      else local.push(reply.id); // rerun here, so that the caller gets columnDrift's own error
      dispatch(worker);
      notify();
    });
    worker.on('error', () => retire(worker));
    worker.on('exit', () => retire(worker));
    dispatch(worker);
  }
  try {
    for (;;) {
      const pending = [...inFlight.values()].some((queue) => queue.size > 0);
      const id = local.shift() ?? shared.shift();
      if (id !== undefined) {
        const c = columns[id] as DriftColumn;
        results[id] = columnDrift(c.reference, c.current, c.options);
        await yieldToEvents();
      } else if (pending) {
        await new Promise<void>((resolve) => (wake = resolve));
      } else {
        return results as ColumnDriftResult[];
      }
    }
  } finally {
    for (const worker of workers) {
      worker.removeAllListeners();
      void worker.terminate();
    }
  }
}
