/**
 * The export pipeline: one bounded queue per signal, batches by count/bytes/linger, one send in
 * flight with retries (backoff + full jitter, Retry-After) inside a deadline, drops counted by
 * reason. Nothing here blocks the event loop or rejects into the host.
 */
import { SIGNALS, type Signal, type SignalItem } from '@driftwatch/schema';
import type { ResolvedOptions } from '../options.js';
import type {
  RejectedItem,
  SendResult,
  TelemetryBatch,
  Transport,
} from '../transport/transport.js';
import { fullJitterBackoffMs, sleep } from './backoff.js';
import { settleWithin } from './deadline.js';
import { errorMessage } from '../errors.js';
import { checkedResult } from './send-result.js';
import { ReportLimiter } from './report-limiter.js';
import { BoundedQueue, LARGER_THAN_QUEUE, type QueueTotals } from './bounded-queue.js';
import { emptyStats, type DropReason, type PipelineStats } from './drop-reasons.js';
import type { Diagnostics } from '../logs/diagnostics.js';

/**
 * Turns a queued entry into a wire item, or names the field at fault. `wire`: the transport
 * accepts WireJson, so an entry the SDK built itself may be rendered straight to its JSON.
 * A converter that throws costs only its own item (dropped as "invalid"), never its batch.
 */
export type Converter = (
  entry: unknown,
  wire: boolean,
) => { ok: true; item: unknown } | { ok: false; issue: string };

export interface PipelineConfig {
  readonly queue: ResolvedOptions['queue'];
  readonly batch: ResolvedOptions['batch'];
  readonly retry: ResolvedOptions['retry'];
  readonly resource: Readonly<Record<string, string>>;
  readonly diagnostics: Diagnostics;
  /** Per-signal conversion of lazily built entries (logs lines, finished spans). */
  readonly converters?: Partial<Record<Signal, Converter>>;
}

type Pair = { signal: Signal; item: unknown };

/** Longest a Retry-After holds the exporter (a server asking for an hour gets five minutes). */
const MAX_PAUSE_MS = 300_000;

export class ExportPipeline {
  readonly stats: PipelineStats = emptyStats();
  private readonly queues: Record<Signal, BoundedQueue<unknown>>;
  /** Items that left each queue (sent, dropped or taken into a batch), for flush targets. */
  private readonly removed: Record<Signal, number>;
  /** Items and estimated bytes in all queues (the queues keep it): tested on every enqueue. */
  private readonly totals: QueueTotals = { items: 0, bytes: 0 };
  private transport: Transport | undefined;
  private transportPending: Promise<Transport | undefined> | undefined;
  private pumping: Promise<void> | undefined;
  /** flush() calls waiting for the batch in flight (or the export loop) to end. */
  private settleWaiters: Array<() => void> = [];
  private lingerTimer: NodeJS.Timeout | undefined;
  private drainAll = false;
  private pumpScheduled = false;
  private flushWaiters = 0;
  private stopped = false;
  private failing = false;
  private readonly abort = new AbortController();
  private readonly reports = new ReportLimiter<Signal | 'too_large' | 'send_failed' | 'rejected'>();
  /** The retry wait in progress (unref'd unless a flush waits): flush() refs it. */
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly onRetryTimer = (timer: NodeJS.Timeout | undefined): void => {
    this.retryTimer = timer;
  };
  /** A destination's Retry-After holds every batch until then, not only the one it answered. */
  private pausedUntil = 0;
  /** JSON bytes of a batch without items (the resource, the signals' arrays): part of every batch. */
  private readonly envelopeBytes: number;

  constructor(private readonly config: PipelineConfig) {
    this.queues = {} as Record<Signal, BoundedQueue<unknown>>;
    this.removed = {} as Record<Signal, number>;
    for (const signal of SIGNALS) {
      this.queues[signal] = new BoundedQueue(config.queue, this.totals);
      this.removed[signal] = 0;
    }
    this.envelopeBytes = Buffer.byteLength(JSON.stringify(this.toBatch([])));
  }

  /** The transport, or a promise of it (Kafka loads lazily); items queue meanwhile. */
  setTransport(transport: Transport | Promise<Transport | undefined>): void {
    if ('send' in transport) {
      this.transport = transport;
      return;
    }
    this.transportPending = transport.then(
      (loaded) => {
        this.transport = loaded;
        this.transportPending = undefined;
        this.schedulePump();
        return loaded;
      },
      (error: unknown) => {
        this.config.diagnostics.error({ err: error }, 'driftwatch: transport failed to start');
        this.transportPending = undefined;
        return undefined;
      },
    );
  }

  get currentTransport(): Transport | undefined {
    return this.transport;
  }

  queued(signal: Signal): number {
    return this.queues[signal].length;
  }

  /** Queues one entry of `bytes` estimated bytes. Cheap, synchronous, never throws. */
  enqueue(signal: Signal, entry: unknown, bytes: number): void {
    if (this.stopped) {
      this.drop('shutdown', 1);
      return;
    }
    const queue = this.queues[signal];
    const dropped = queue.push(entry, bytes);
    if (dropped === LARGER_THAN_QUEUE) {
      // It never entered the queue: not counted in `removed`, so flush targets stay right.
      this.tooLarge(1, `${signal} queue's queue.maxBytes`);
      return;
    }
    if (dropped > 0) {
      this.removed[signal] += this.config.queue.dropPolicy === 'drop-oldest' ? dropped : 0;
      this.drop('queue_full', dropped);
    }
    if (this.batchFull()) {
      this.schedulePump();
    } else if (this.lingerTimer === undefined) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        this.drainAll = true;
        void this.pump();
      }, this.config.batch.lingerMs);
      this.lingerTimer.unref();
    }
  }

  /** Sends everything queued at the time of the call (with retries inside the retry deadline). */
  async flush(): Promise<void> {
    const target = {} as Record<Signal, number>;
    for (const signal of SIGNALS)
      target[signal] = this.removed[signal] + this.queues[signal].length;
    this.flushWaiters += 1;
    // A retry wait that began before this flush must now hold the process until it is over.
    this.retryTimer?.ref();
    try {
      while (!this.stopped || this.pumping) {
        if (this.transportPending) await this.transportPending;
        if (!this.transport) return;
        const reached = SIGNALS.every((signal) => this.removed[signal] >= target[signal]);
        if (!this.pumping) {
          if (reached) return;
          void this.pump();
        }
        // Batch by batch, not until the export loop ends (under steady load the queues never
        // empty): once `reached`, the batch in flight holds the last of what was queued.
        await new Promise<void>((resolve) => this.settleWaiters.push(resolve));
        if (reached) return;
      }
    } finally {
      this.flushWaiters -= 1;
    }
  }

  /** Flushes within `timeoutMs`, then stops: what is left is dropped with reason "shutdown". */
  async shutdown(timeoutMs: number): Promise<void> {
    const started = Date.now();
    const left = (): number => Math.max(0, timeoutMs - (Date.now() - started));
    await settleWithin(this.flush(), timeoutMs, undefined);
    this.stopped = true;
    this.abort.abort();
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    // A custom transport may ignore the abort signal: its send is not waited for past the deadline.
    await settleWithin(this.pumping, left(), undefined);
    for (const signal of SIGNALS) this.drop('shutdown', this.queues[signal].clear());
    // A custom transport's shutdown may throw, return no promise or never settle: the deadline holds.
    const remaining = left();
    const closing = Promise.resolve()
      .then(() => this.transport?.shutdown(remaining))
      .catch(() => undefined);
    await settleWithin(closing, remaining, undefined);
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      void this.pump();
    });
  }

  /** Whether the queues hold a full batch (batches mix signals, so over all queues). */
  private batchFull(): boolean {
    return (
      this.totals.items >= this.config.batch.maxItems ||
      this.totals.bytes + this.envelopeBytes >= this.config.batch.maxBytes
    );
  }

  private readyToSend(): boolean {
    if (this.totals.items === 0) return false;
    return this.drainAll || this.flushWaiters > 0 || this.batchFull();
  }

  private pump(): Promise<void> {
    if (this.pumping) return this.pumping;
    if (!this.transport) return Promise.resolve();
    const transport = this.transport;
    this.pumping = (async () => {
      while (!this.stopped && this.readyToSend()) {
        const pairs = this.takeBatch(transport.acceptsWireJson === true);
        // The linger drain ends once what was queued is taken: items arriving while this batch is
        // in flight wait for a full batch (or the next linger) instead of leaving in small batches.
        if (this.totals.items === 0) this.drainAll = false;
        if (pairs.length > 0)
          await this.deliver(transport, pairs, Date.now() + this.config.retry.deadlineMs);
        this.batchSettled();
      }
      if (this.totals.items === 0) this.drainAll = false;
    })()
      .catch((error: unknown) => {
        this.config.diagnostics.error({ err: error }, 'driftwatch: export loop failed');
      })
      .finally(() => {
        this.pumping = undefined;
        this.batchSettled();
      });
    return this.pumping;
  }

  /** Wakes the flush() calls waiting for a batch to be delivered or dropped. */
  private batchSettled(): void {
    const waiters = this.settleWaiters;
    if (waiters.length > 0) this.settleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Takes up to one batch of items across signals, converting lazy entries. */
  private takeBatch(wire: boolean): Pair[] {
    const { maxItems, maxBytes } = this.config.batch;
    const pairs: Pair[] = [];
    let bytes = this.envelopeBytes;
    for (const signal of SIGNALS) {
      const queue = this.queues[signal];
      const convert = this.config.converters?.[signal];
      while (pairs.length < maxItems) {
        const size = queue.peekBytes();
        if (size === undefined || (pairs.length > 0 && bytes + size > maxBytes)) break;
        const next = queue.shift();
        if (!next) break;
        this.removed[signal] += 1;
        bytes += next.bytes;
        if (!convert) {
          pairs.push({ signal, item: next.item });
          continue;
        }
        // The item has left its queue: a converter that throws must not lose the batch with it.
        let converted: ReturnType<Converter>;
        try {
          converted = convert(next.item, wire);
        } catch (error) {
          converted = { ok: false, issue: `conversion failed: ${errorMessage(error)}` };
        }
        if (converted.ok) pairs.push({ signal, item: converted.item });
        else this.invalid(signal, converted.issue);
      }
    }
    return pairs;
  }

  /** Counts an item refused before queueing (reason "invalid"), with a rate-limited diagnostic. */
  invalid(signal: Signal, issue: string): void {
    this.drop('invalid', 1);
    const report = this.reports.admit(signal);
    if (!report) return;
    this.config.diagnostics.warn(
      { signal, issue, ...(report.items > 1 ? { dropped: report.items } : {}) },
      `driftwatch: dropped an invalid ${signal} item: ${issue}` +
        (report.items > 1
          ? ` (${report.items} invalid ${signal} items since the last report)`
          : ''),
    );
  }

  private toBatch(pairs: readonly Pair[]): TelemetryBatch {
    const batch: TelemetryBatch = {
      resource: { ...this.config.resource },
      predictions: [],
      labels: [],
      logs: [],
      spans: [],
      metrics: [],
    };
    for (const { signal, item } of pairs)
      (batch[signal] as Array<SignalItem[Signal]>).push(item as SignalItem[Signal]);
    return batch;
  }

  private async deliver(transport: Transport, pairs: Pair[], deadline: number): Promise<void> {
    // One batch object for every attempt, so a transport can keep its encoding for the retries.
    const batch = this.toBatch(pairs);
    // Items the destination acknowledged in earlier tries (a Kafka batch sent as several requests).
    let delivered = 0;
    // Items the transport leaves out as too large for the destination, whatever the rest does.
    let leftOut = 0;
    for (let attempt = 0; ; attempt += 1) {
      if (this.abort.signal.aborted) {
        this.giveUp('shutdown', pairs.length, delivered, leftOut);
        return;
      }
      if (this.pausedUntil > Date.now()) {
        if (!(await this.waitOutPause(deadline))) {
          this.giveUp('retry_exhausted', pairs.length, delivered, leftOut);
          return;
        }
        if (this.abort.signal.aborted) continue;
      }
      let result: SendResult;
      try {
        result = checkedResult(transport, await transport.send(batch, this.abort.signal));
      } catch (error) {
        result = {
          ok: false,
          retryable: true,
          error: error instanceof Error ? error : new Error(String(error)),
        };
      }
      if (result.ok) {
        // Bounded by the batch: a custom transport's counts cannot make sentItems negative.
        const tooLarge = Math.min(
          pairs.length,
          Math.max(0, Math.floor(result.droppedTooLarge ?? 0)),
        );
        this.delivered(
          pairs.length,
          Math.min(
            pairs.length - tooLarge,
            (result.rejected?.length ?? 0) + Math.max(0, Math.floor(result.rejectedUnlisted ?? 0)),
          ),
          result.rejected,
          tooLarge,
        );
        return;
      }
      const acknowledged = result.delivered;
      if (typeof acknowledged === 'number' && acknowledged > delivered)
        delivered = Math.min(pairs.length, Math.floor(acknowledged));
      const oversized = result.droppedTooLarge;
      if (typeof oversized === 'number' && oversized > leftOut)
        leftOut = Math.min(pairs.length - delivered, Math.floor(oversized));
      // Cut short by shutdown's abort: the destination did not fail, so nothing to report.
      if (this.abort.signal.aborted) {
        this.giveUp('shutdown', pairs.length, delivered, leftOut);
        return;
      }
      this.stats.exportErrors += 1;
      // A 413 is split and sent again below: not a failure to report.
      if (!result.tooLarge) this.reportFailure(result.error, result.retryable);
      if (result.tooLarge) {
        if (pairs.length === 1) {
          this.tooLarge(1);
          return;
        }
        const half = Math.ceil(pairs.length / 2);
        await this.deliver(transport, pairs.slice(0, half), deadline);
        await this.deliver(transport, pairs.slice(half), deadline);
        return;
      }
      if (!result.retryable) {
        this.giveUp('send_failed', pairs.length, delivered, leftOut);
        return;
      }
      const { initialBackoffMs, maxBackoffMs } = this.config.retry;
      const backoffMs = fullJitterBackoffMs(attempt, initialBackoffMs, maxBackoffMs);
      // Retry-After is the least wait asked for, at most MAX_PAUSE_MS (this batch's too); a NaN
      // or negative one is none. The backoff still applies: "Retry-After: 0" makes no tight loop.
      const askedMs = result.retryAfterMs;
      const retryAfterMs =
        askedMs !== undefined && askedMs >= 0 ? Math.min(askedMs, MAX_PAUSE_MS) : undefined;
      const waitMs = Math.max(retryAfterMs ?? 0, backoffMs);
      if (retryAfterMs !== undefined)
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + retryAfterMs);
      if (Date.now() + waitMs > deadline) {
        this.giveUp('retry_exhausted', pairs.length, delivered, leftOut);
        return;
      }
      await sleep(waitMs, this.abort.signal, this.flushWaiters > 0, this.onRetryTimer);
    }
  }

  /**
   * Waits while a Retry-After holds every batch; false when this batch's deadline comes first.
   * Loops until Date.now passes the pause: a timer may fire a millisecond before it by Date.now.
   */
  private async waitOutPause(deadline: number): Promise<boolean> {
    for (;;) {
      const now = Date.now();
      const pausedMs = this.pausedUntil - now;
      if (pausedMs <= 0 || this.abort.signal.aborted) return true;
      if (now >= deadline) return false;
      const waitMs = Math.min(pausedMs, deadline - now);
      await sleep(waitMs, this.abort.signal, this.flushWaiters > 0, this.onRetryTimer);
    }
  }

  /**
   * Gives a batch up: what the destination acknowledged counts as sent, what the transport left
   * out as too large as `too_large`, the rest as `reason`.
   */
  private giveUp(reason: DropReason, count: number, delivered: number, leftOut: number): void {
    this.stats.sentItems += delivered;
    const tooLarge = Math.min(leftOut, count - delivered);
    if (tooLarge > 0) this.tooLarge(tooLarge);
    this.drop(reason, count - delivered - tooLarge);
  }

  private delivered(
    count: number,
    rejectedCount: number,
    rejected: readonly RejectedItem[] | undefined,
    tooLarge: number,
  ): void {
    this.stats.sentBatches += 1;
    this.stats.sentItems += count - rejectedCount - tooLarge;
    if (this.failing) {
      this.failing = false;
      this.config.diagnostics.info('driftwatch: export recovered');
    }
    if (tooLarge > 0) this.tooLarge(tooLarge);
    if (rejectedCount > 0) this.rejected(rejectedCount, rejected);
  }

  /**
   * Counts items the destination refused, reported once a minute at most with how many batches
   * had some: a collector whose schema refuses what this SDK sends refuses some of every batch.
   */
  private rejected(count: number, rejected: readonly RejectedItem[] | undefined): void {
    this.drop('rejected', count);
    const report = this.reports.admit('rejected', count);
    if (!report) return;
    const first = rejected?.[0];
    const issue = first?.issues[0];
    this.config.diagnostics.warn(
      {
        rejected: report.items,
        batches: report.times,
        first: first ? { signal: first.signal, index: first.index, issue } : undefined,
      },
      `driftwatch: destination rejected ${report.items} item(s)${first && issue ? `; ${report.times > 1 ? "latest batch's first" : 'first'}: ${first.signal}[${first.index}] ${issue.path}: ${issue.message}` : ''}` +
        (report.times > 1
          ? ` (${report.times} batches with rejected items since the last report)`
          : ''),
    );
  }

  /**
   * Items over a size limit: one a transport left out of a send it otherwise made (`limit`: its
   * destination), or one larger than a whole queue, refused by enqueue.
   */
  private tooLarge(
    count: number,
    limit = `${this.transport?.name ?? 'transport'} destination`,
  ): void {
    this.drop('too_large', count);
    const report = this.reports.admit('too_large', count);
    if (!report) return;
    this.config.diagnostics.warn(
      { dropped: report.items },
      `driftwatch: dropped ${report.items} item(s) too large for the ${limit} (counted in driftwatch_sdk_dropped_total{reason="too_large"})`,
    );
  }

  private reportFailure(error: Error, retryable: boolean): void {
    if (!retryable) {
      // Once a minute at most, with how many batches failed since: a misconfigured destination
      // must not write an error line per batch.
      const batches = this.reports.admit('send_failed')?.times ?? 0;
      if (batches === 0) return;
      this.config.diagnostics.error(
        { err: error, batches },
        `driftwatch: export failed, batch dropped: ${error.message}` +
          (batches > 1 ? ` (${batches} batches since the last report)` : ''),
      );
      return;
    }
    if (this.failing) return;
    this.failing = true;
    this.config.diagnostics.warn(
      { err: error },
      `driftwatch: export failing, retrying: ${error.message}`,
    );
  }

  private drop(reason: DropReason, count: number): void {
    if (count > 0) this.stats.dropped[reason] += count;
  }
}
