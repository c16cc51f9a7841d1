/**
 * Diagnostics the pipeline repeats (an invalid item, an item too large, a failed batch) go out
 * at most once per interval and kind, with how many occurrences they stand for: a misbehaving
 * host or destination must not write a line per item.
 */
export class ReportLimiter<Kind> {
  private readonly lastReport = new Map<Kind, number>();
  private readonly held = new Map<Kind, number>();

  constructor(private readonly intervalMs = 60_000) {}

  /**
   * Counts one occurrence of `kind`; returns how many occurrences the report to make now stands
   * for (this one included), or 0 when it waits for the next interval.
   */
  admit(kind: Kind): number {
    const count = (this.held.get(kind) ?? 0) + 1;
    const now = Date.now();
    if (now - (this.lastReport.get(kind) ?? 0) < this.intervalMs) {
      this.held.set(kind, count);
      return 0;
    }
    this.lastReport.set(kind, now);
    this.held.set(kind, 0);
    return count;
  }
}
