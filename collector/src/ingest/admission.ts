/**
 * Bounds the ingest requests held at once. Each admitted request holds its parsed body until
 * ClickHouse acknowledges it, so while storage is slow, memory grew with every batch the SDKs sent
 * (up to `maxBodyBytes` each, several times that once parsed). Past the bound a request is
 * answered 429 with Retry-After before its body is read, and the SDK waits and retries.
 */

/** Default of `maxConcurrentIngests`: requests admitted at once. */
export const DEFAULT_MAX_CONCURRENT_INGESTS = 32;

export class IngestAdmission {
  private held = 0;

  constructor(readonly maxConcurrent: number = DEFAULT_MAX_CONCURRENT_INGESTS) {}

  /** Requests admitted and not yet answered. */
  get inFlight(): number {
    return this.held;
  }

  /** A release function (safe to call more than once), or undefined when the bound is reached. */
  tryAcquire(): (() => void) | undefined {
    if (this.held >= this.maxConcurrent) return undefined;
    this.held += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= 1;
    };
  }
}
