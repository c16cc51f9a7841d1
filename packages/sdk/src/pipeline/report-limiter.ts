/**
 * Diagnostics the pipeline repeats (an invalid item, an item too large, a failed batch) go out
 * at most once per interval and kind, with how many occurrences they stand for: a misbehaving
 * host or destination must not write a line per item.
 */
export interface HeldReport {
  /** Occurrences the report stands for, this one included. */
  readonly times: number;
  /** Items those occurrences carried (as admitted). */
  readonly items: number;
}

export class ReportLimiter<Kind> {
  private readonly lastReport = new Map<Kind, number>();
  private readonly held = new Map<Kind, { times: number; items: number }>();

  constructor(private readonly intervalMs = 60_000) {}

  /**
   * Counts one occurrence of `kind` carrying `items`; returns what the report to make now stands
   * for (this occurrence included), or undefined when it waits for the next interval.
   */
  admit(kind: Kind, items = 1): HeldReport | undefined {
    const held = this.held.get(kind) ?? { times: 0, items: 0 };
    const report = { times: held.times + 1, items: held.items + items };
    const now = Date.now();
    if (now - (this.lastReport.get(kind) ?? 0) < this.intervalMs) {
      this.held.set(kind, report);
      return undefined;
    }
    this.lastReport.set(kind, now);
    this.held.delete(kind);
    return report;
  }
}
