/**
 * What the export pipeline tells the diagnostic log about drops and failures: each kind at most
 * once a minute with what it stands for (items, batches), a retryable outage once and its end.
 * The counting itself stays with the pipeline; this is only the wording and its rate.
 */
import type { Signal } from '@driftwatch/schema';
import { quietDiagnostics, type Diagnostics } from '../logs/diagnostics.js';
import type { RejectedItem } from '../transport/transport.js';
import { ReportLimiter } from './report-limiter.js';

export class PipelineReports {
  /** The config's diagnostics, made never to throw: a report must not cost an item or the loop. */
  readonly diagnostics: Diagnostics;
  /** Too-large items are reported per limit: a report names the one its items were over. */
  private readonly limiter = new ReportLimiter<
    Signal | `too_large:${string}` | `queue_full:${Signal}` | 'send_failed' | 'rejected'
  >();
  /** A retryable failure was reported and no batch has been delivered since. */
  private failing = false;

  constructor(diagnostics: Diagnostics) {
    this.diagnostics = quietDiagnostics(diagnostics);
  }

  /** An item refused before queueing or at conversion (counted as "invalid"). */
  invalid(signal: Signal, issue: string): void {
    const report = this.limiter.admit(signal);
    if (!report) return;
    this.diagnostics.warn(
      { signal, issue, ...(report.items > 1 ? { dropped: report.items } : {}) },
      `driftwatch: dropped an invalid ${signal} item: ${issue}` +
        (report.items > 1
          ? ` (${report.items} invalid ${signal} items since the last report)`
          : ''),
    );
  }

  /**
   * Items the destination refused, with how many batches had some: a collector whose schema
   * refuses what this SDK sends refuses some of every batch.
   */
  rejected(count: number, rejected: readonly RejectedItem[] | undefined): void {
    const report = this.limiter.admit('rejected', count);
    if (!report) return;
    const first = rejected?.[0];
    const issue = first?.issues[0];
    this.diagnostics.warn(
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
   * Items a full queue dropped (`policy`: which ones): the destination takes less than the host
   * records, or is down.
   */
  queueFull(signal: Signal, count: number, policy: string): void {
    const report = this.limiter.admit(`queue_full:${signal}`, count);
    if (!report) return;
    this.diagnostics.warn(
      { signal, dropped: report.items },
      `driftwatch: the ${signal} queue is full (queue.maxItems or queue.maxBytes): dropped ${report.items} item(s), ${policy === 'drop-oldest' ? 'the oldest' : 'the newest'}, since the last report (counted in driftwatch_sdk_dropped_total{reason="queue_full"})`,
    );
  }

  /** Items over a size limit (`limit`: a destination, or a queue's queue.maxBytes). */
  tooLarge(count: number, limit: string): void {
    const report = this.limiter.admit(`too_large:${limit}`, count);
    if (!report) return;
    this.diagnostics.warn(
      { dropped: report.items },
      `driftwatch: dropped ${report.items} item(s) too large for the ${limit} (counted in driftwatch_sdk_dropped_total{reason="too_large"})`,
    );
  }

  /**
   * A failed send: a dropped batch once a minute with how many failed since (a misconfigured
   * destination must not write an error line per batch); a retryable outage once.
   */
  failure(error: Error, retryable: boolean): void {
    if (!retryable) {
      const batches = this.limiter.admit('send_failed')?.times ?? 0;
      if (batches === 0) return;
      this.diagnostics.error(
        { err: error, batches },
        `driftwatch: export failed, batch dropped: ${error.message}` +
          (batches > 1 ? ` (${batches} batches since the last report)` : ''),
      );
      return;
    }
    if (this.failing) return;
    this.failing = true;
    this.diagnostics.warn({ err: error }, `driftwatch: export failing, retrying: ${error.message}`);
  }

  /** A batch was delivered: the end of a reported outage is said once. */
  delivered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.diagnostics.info('driftwatch: export recovered');
  }
}
