/**
 * The export pipeline: one bounded queue per signal, batches by count/bytes/linger shared fairly
 * between signals, one send in flight with retries (backoff + full jitter, Retry-After) inside a
 * deadline that also bounds each attempt, drops counted by reason. Nothing here blocks the event
 * loop or rejects into the host. Its diagnostic lines are worded in pipeline-reports.ts. Over 500 lines:
 * queueing, batching and delivery share the queues and the counters they keep exact; split
 * apart, each part would reach into the others' state.
 */
import { SIGNALS, type Signal, type SignalItem } from '@driftwatch/schema';
import type { ResolvedOptions } from '../options.js';
import {
  transportName,
  type RejectedItem,
  type TelemetryBatch,
  type Transport,
} from '../transport/transport.js';
import { WireJson } from '../transport/wire-json.js';
import { convertedBytes, RECOUNT_ABOVE_BYTES } from './converted-bytes.js';
import { fullJitterBackoffMs, retryWaitMs, sleep } from './backoff.js';
import { settleWithin, timeLeft } from './deadline.js';
import { errorMessage } from '../errors.js';
import { sendWithin } from './send-attempt.js';
import { PipelineReports } from './pipeline-reports.js';
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

/** The batch being delivered: what shutdown counts when its send outlives shutdown's deadline. */
interface Delivery {
  /** Parts still to send after the current one (a 413 splits a part in halves), in order. */
  readonly parts: Pair[][];
  /**
   * The part being sent (empty once counted), and what the destination acknowledged of it or the
   * transport left out as too large so far.
   */
  part: readonly Pair[];
  delivered: number;
  leftOut: number;
  /** Counted by shutdown: nothing the send answers later counts any of it again. */
  abandoned: boolean;
  /** Aborted when shutdown abandons it: the wait for the send in flight ends. */
  readonly abandon: AbortController;
}

/** An item converted when queued that is not wire JSON (a record): not to be converted again. */
class Converted {
  constructor(readonly item: unknown) {}
}

/** What `converted` answers for an entry it refused. */
const INVALID = Symbol('invalid');

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
  /** The batch in flight, for shutdown to count if its send never settles. */
  private delivery: Delivery | undefined;
  /** flush() calls waiting for the batch in flight (or the export loop) to end. */
  private settleWaiters: Array<() => void> = [];
  private lingerTimer: NodeJS.Timeout | undefined;
  private drainAll = false;
  private pumpScheduled = false;
  private flushWaiters = 0;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly reports: PipelineReports;
  /** The retry wait or send deadline in progress (unref'd unless a flush waits): flush() refs it. */
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly onRetryTimer = (timer: NodeJS.Timeout | undefined): void => {
    this.retryTimer = timer;
  };
  /**
   * A destination's Retry-After holds every batch until then, not only the one it answered. This
   * and the batches' deadlines are on the monotonic clock (performance.now): a wall clock stepped
   * back (NTP, a VM resumed) would otherwise hold them for as long as the step.
   */
  private pausedUntil = 0;
  /** JSON bytes of a batch without items (the resource, the signals' arrays): part of every batch. */
  private readonly envelopeBytes: number;

  constructor(private readonly config: PipelineConfig) {
    this.reports = new PipelineReports(config.diagnostics);
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
        // Loaded after shutdown() gave up waiting for it: nothing closes it later, and a Kafka
        // transport connects as it is made (its sockets and timers would outlive the monitor).
        if (this.stopped) this.closeLate(loaded);
        else this.schedulePump();
        return loaded;
      },
      (error: unknown) => {
        this.reports.diagnostics.error({ err: error }, 'driftwatch: transport failed to start');
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
    // Rendered now for a transport that takes wire JSON: what waits for its batch is then a string
    // in a small wrapper, and the request's own objects (its span, the prediction event) die with
    // the request. Queued objects live ~a young-generation cycle; V8 then allocates every object of
    // their allocation sites in the old generation, along with all they point to (see
    // bench/PERFORMANCE.md).
    let queued = entry;
    let size = bytes;
    if (this.transport?.acceptsWireJson === true && this.config.converters?.[signal]) {
      const item = this.converted(signal, entry, true);
      if (item === INVALID) return;
      queued = item instanceof WireJson ? item : new Converted(item);
      if (bytes > RECOUNT_ABOVE_BYTES) size = convertedBytes(item, bytes);
    }
    const queue = this.queues[signal];
    const dropped = queue.push(queued, size);
    if (dropped === LARGER_THAN_QUEUE) {
      // It never entered the queue: not counted in `removed`, so flush targets stay right.
      this.tooLarge(1, `${signal} queue's queue.maxBytes`);
      return;
    }
    if (dropped > 0) {
      this.removed[signal] += this.config.queue.dropPolicy === 'drop-oldest' ? dropped : 0;
      this.drop('queue_full', dropped);
      this.reports.queueFull(signal, dropped, this.config.queue.dropPolicy);
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
    const left = timeLeft(timeoutMs);
    await settleWithin(this.flush(), timeoutMs, undefined);
    this.stopped = true;
    this.abort.abort();
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    // A custom transport may ignore the abort signal: its send is not waited for past the deadline,
    // and the batch it holds is counted here.
    await settleWithin(this.pumping, left(), undefined);
    this.abandonDelivery();
    for (const signal of SIGNALS) this.drop('shutdown', this.queues[signal].clear());
    // A custom transport's shutdown may throw, return no promise or never settle: the deadline holds.
    const remaining = left();
    const closing = Promise.resolve()
      .then(() => this.transport?.shutdown(remaining))
      .catch(() => undefined);
    await settleWithin(closing, remaining, undefined);
  }

  /** Shuts down a transport that arrived after shutdown(): at once, its deadline long past. */
  private closeLate(transport: Transport | undefined): void {
    // A custom transport's shutdown may throw or return no promise; nothing may reject.
    Promise.resolve()
      .then(() => transport?.shutdown(0))
      .catch(() => undefined);
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
          await this.deliverBatch(
            transport,
            pairs,
            performance.now() + this.config.retry.deadlineMs,
          );
        this.batchSettled();
      }
      if (this.totals.items === 0) this.drainAll = false;
    })()
      .catch((error: unknown) => {
        this.reports.diagnostics.error({ err: error }, 'driftwatch: export loop failed');
      })
      // Not even a failed report may reject: this promise is not awaited by anyone (an unhandled
      // rejection ends the host's process).
      .catch(() => undefined)
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

  /**
   * Takes up to one batch of items across signals, converting lazy entries. One item of each
   * signal in turn: under sustained load of one signal (predictions) the others still leave in
   * every batch, instead of waiting until their queues evict them. Each signal keeps its order.
   */
  private takeBatch(wire: boolean): Pair[] {
    const { maxItems, maxBytes } = this.config.batch;
    const pairs: Pair[] = [];
    let bytes = this.envelopeBytes;
    let turn: Signal[] = SIGNALS.filter((signal) => this.queues[signal].length > 0);
    while (turn.length > 0) {
      const again: Signal[] = [];
      for (const signal of turn) {
        if (pairs.length >= maxItems) return pairs;
        const queue = this.queues[signal];
        const size = queue.peekBytes();
        // Over the batch's bytes: this signal waits for the next batch; a smaller item may fit.
        if (size === undefined || (pairs.length > 0 && bytes + size > maxBytes)) continue;
        const next = queue.shift();
        if (!next) continue;
        this.removed[signal] += 1;
        bytes += next.bytes;
        again.push(signal);
        const item = this.converted(signal, next.item, wire);
        if (item !== INVALID) pairs.push({ signal, item });
      }
      turn = again;
    }
    return pairs;
  }

  /**
   * The wire item of a queued entry, or INVALID (counted and reported). The entry has left its
   * queue: a converter that throws must not lose the batch with it.
   */
  private converted(signal: Signal, entry: unknown, wire: boolean): unknown {
    const convert = this.config.converters?.[signal];
    // Converted when queued (see enqueue).
    if (!convert || entry instanceof WireJson) return entry;
    if (entry instanceof Converted) return entry.item;
    let converted: ReturnType<Converter>;
    try {
      converted = convert(entry, wire);
    } catch (error) {
      converted = { ok: false, issue: `conversion failed: ${errorMessage(error)}` };
    }
    if (converted.ok) return converted.item;
    this.invalid(signal, converted.issue);
    return INVALID;
  }

  /** Counts an item refused before queueing (reason "invalid"), with a rate-limited diagnostic. */
  invalid(signal: Signal, issue: string): void {
    this.drop('invalid', 1);
    this.reports.invalid(signal, issue);
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

  /** Delivers one batch, part by part when the destination splits it (413). */
  private async deliverBatch(transport: Transport, pairs: Pair[], deadline: number): Promise<void> {
    const delivery: Delivery = {
      parts: [pairs],
      part: [],
      delivered: 0,
      leftOut: 0,
      abandoned: false,
      abandon: new AbortController(),
    };
    this.delivery = delivery;
    try {
      for (let part = delivery.parts.shift(); part; part = delivery.parts.shift()) {
        delivery.part = part;
        delivery.delivered = 0;
        delivery.leftOut = 0;
        await this.deliver(transport, delivery, deadline);
        if (delivery.abandoned) return;
      }
    } finally {
      this.delivery = undefined;
    }
  }

  /**
   * Sends `delivery.part` until it is delivered, refused or out of time, and counts it. After each
   * wait, a delivery that shutdown abandoned (and counted) counts nothing more.
   */
  private async deliver(transport: Transport, delivery: Delivery, deadline: number): Promise<void> {
    const pairs = delivery.part;
    // One batch object for every attempt, so a transport can keep its encoding for the retries.
    const batch = this.toBatch(pairs);
    for (let attempt = 0; ; attempt += 1) {
      if (delivery.abandoned) return;
      if (this.abort.signal.aborted) {
        this.giveUp('shutdown', delivery);
        return;
      }
      if (this.pausedUntil > performance.now()) {
        const resumed = await this.waitOutPause(deadline);
        if (delivery.abandoned) return;
        if (!resumed) {
          this.giveUp('retry_exhausted', delivery);
          return;
        }
        if (this.abort.signal.aborted) continue;
      }
      const { result, timedOut } = await sendWithin(transport, batch, {
        deadline,
        deadlineMs: this.config.retry.deadlineMs,
        shutdown: this.abort.signal,
        abandon: delivery.abandon.signal,
        keepAlive: this.flushWaiters > 0,
        onTimer: this.onRetryTimer,
      });
      if (delivery.abandoned) return;
      if (result.ok) {
        // Bounded by the batch: a custom transport's counts cannot make sentItems negative.
        const tooLarge = Math.min(pairs.length, result.droppedTooLarge ?? 0);
        this.delivered(
          pairs.length,
          Math.min(
            pairs.length - tooLarge,
            (result.rejected?.length ?? 0) + (result.rejectedUnlisted ?? 0),
          ),
          result.rejected,
          tooLarge,
        );
        delivery.part = [];
        return;
      }
      // Items the destination acknowledged in earlier tries (a Kafka batch sent as several
      // requests), and items the transport leaves out as too large, whatever the rest does.
      const acknowledged = result.delivered ?? 0;
      if (acknowledged > delivery.delivered)
        delivery.delivered = Math.min(pairs.length, acknowledged);
      const oversized = result.droppedTooLarge ?? 0;
      if (oversized > delivery.leftOut)
        delivery.leftOut = Math.min(pairs.length - delivery.delivered, oversized);
      // Cut short by shutdown's abort: the destination did not fail, so nothing to report.
      if (this.abort.signal.aborted) {
        this.giveUp('shutdown', delivery);
        return;
      }
      this.stats.exportErrors += 1;
      // A 413 is split and sent again below: not a failure to report.
      if (!result.tooLarge) this.reports.failure(result.error, result.retryable);
      if (result.tooLarge) {
        if (pairs.length === 1) this.tooLarge(1);
        else {
          const half = Math.ceil(pairs.length / 2);
          delivery.parts.unshift(pairs.slice(0, half), pairs.slice(half));
        }
        delivery.part = [];
        return;
      }
      if (!result.retryable) {
        this.giveUp('send_failed', delivery);
        return;
      }
      const { initialBackoffMs, maxBackoffMs } = this.config.retry;
      const backoffMs = fullJitterBackoffMs(attempt, initialBackoffMs, maxBackoffMs);
      // Retry-After is the least wait asked for, at most MAX_PAUSE_MS (this batch's too); a NaN
      // or negative one is none. The backoff still applies: "Retry-After: 0" makes no tight loop.
      const askedMs = result.retryAfterMs;
      const retryAfterMs =
        askedMs !== undefined && askedMs >= 0 ? Math.min(askedMs, MAX_PAUSE_MS) : undefined;
      const waitMs = retryWaitMs(retryAfterMs, backoffMs);
      if (retryAfterMs !== undefined)
        this.pausedUntil = Math.max(this.pausedUntil, performance.now() + retryAfterMs);
      if (timedOut || performance.now() + waitMs > deadline) {
        this.giveUp('retry_exhausted', delivery);
        return;
      }
      await sleep(waitMs, this.abort.signal, this.flushWaiters > 0, this.onRetryTimer);
    }
  }

  /**
   * Counts the batch whose send outlived shutdown's deadline (the transport ignored the abort) as
   * "shutdown", with the parts not yet sent; its send's answer, if it ever comes, is not read.
   */
  private abandonDelivery(): void {
    const delivery = this.delivery;
    if (!delivery || delivery.abandoned) return;
    this.giveUp('shutdown', delivery);
    for (const part of delivery.parts.splice(0)) this.drop('shutdown', part.length);
    delivery.abandoned = true;
    delivery.abandon.abort();
  }

  /**
   * Waits while a Retry-After holds every batch; false when this batch's deadline comes first.
   * Loops until the clock passes the pause: a timer may fire a millisecond before it.
   */
  private async waitOutPause(deadline: number): Promise<boolean> {
    for (;;) {
      const now = performance.now();
      const pausedMs = this.pausedUntil - now;
      if (pausedMs <= 0 || this.abort.signal.aborted) return true;
      if (now >= deadline) return false;
      const waitMs = Math.min(pausedMs, deadline - now);
      await sleep(waitMs, this.abort.signal, this.flushWaiters > 0, this.onRetryTimer);
    }
  }

  /**
   * Gives the part in delivery up: what the destination acknowledged counts as sent, what the
   * transport left out as too large as `too_large`, the rest as `reason`. Counted once: the part
   * is empty afterwards.
   */
  private giveUp(reason: DropReason, delivery: Delivery): void {
    const count = delivery.part.length;
    const delivered = Math.min(delivery.delivered, count);
    this.stats.sentItems += delivered;
    const tooLarge = Math.min(delivery.leftOut, count - delivered);
    if (tooLarge > 0) this.tooLarge(tooLarge);
    this.drop(reason, count - delivered - tooLarge);
    delivery.part = [];
    delivery.delivered = 0;
    delivery.leftOut = 0;
  }

  private delivered(
    count: number,
    rejectedCount: number,
    rejected: readonly RejectedItem[] | undefined,
    tooLarge: number,
  ): void {
    this.stats.sentBatches += 1;
    this.stats.sentItems += count - rejectedCount - tooLarge;
    this.reports.delivered();
    if (tooLarge > 0) this.tooLarge(tooLarge);
    if (rejectedCount > 0) this.rejected(rejectedCount, rejected);
  }

  private rejected(count: number, rejected: readonly RejectedItem[] | undefined): void {
    this.drop('rejected', count);
    this.reports.rejected(count, rejected);
  }

  /**
   * Items over a size limit: one a transport left out of a send it otherwise made (`limit`: its
   * destination), or one larger than a whole queue, refused by enqueue.
   */
  private tooLarge(
    count: number,
    limit = `${this.transport ? transportName(this.transport) : 'transport'} destination`,
  ): void {
    this.drop('too_large', count);
    this.reports.tooLarge(count, limit);
  }

  private drop(reason: DropReason, count: number): void {
    if (count > 0) this.stats.dropped[reason] += count;
  }
}
