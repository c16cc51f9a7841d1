/**
 * The rejected items an ingest answer lists. The SDK reads at most 1 MiB of an answer: a longer
 * one (thousands of refused items, each issue naming a key of up to 256 characters) could not be
 * parsed, and every item it refused was counted as sent. The answer lists the first rejected
 * items, each with its first issues, while the list stays under a byte budget, and `total`
 * (the answer's `rejectedTotal`) counts every rejected item, listed or not.
 */
import type { IngestResult, Signal, ValidationIssue } from '@driftwatch/schema';

/** Most rejected items listed in one answer. */
export const MAX_LISTED_REJECTIONS = 1000;
/** Most issues listed per rejected item. */
export const MAX_LISTED_ISSUES = 10;
/** Most bytes of JSON the list takes; the rest of the answer is small. */
export const MAX_LISTED_BYTES = 512 * 1024;

export class RejectionList {
  /** The first rejected items, in batch order (signal by signal, then by index). */
  readonly listed: IngestResult['rejected'] = [];
  private listedBytes = 2;
  /** Once an item is left out, so is every later one: the list stays the batch's first ones. */
  private closed = false;
  private count = 0;

  /** Rejected items, listed or not. */
  get total(): number {
    return this.count;
  }

  add(signal: Signal, index: number, issues: readonly ValidationIssue[]): void {
    this.count += 1;
    if (this.closed) return;
    const entry = { signal, index, issues: issues.slice(0, MAX_LISTED_ISSUES) };
    // The entry and the comma before it.
    const bytes = Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (
      this.listed.length >= MAX_LISTED_REJECTIONS ||
      this.listedBytes + bytes > MAX_LISTED_BYTES
    ) {
      this.closed = true;
      return;
    }
    this.listed.push(entry);
    this.listedBytes += bytes;
  }
}
