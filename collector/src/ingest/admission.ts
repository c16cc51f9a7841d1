/**
 * Bounds the ingest requests held at once. Each admitted request holds its parsed body until
 * ClickHouse acknowledges it, so while storage is slow, memory grew with every batch the SDKs sent
 * (up to `maxBodyBytes` each, several times that once parsed). Past the bound a request is
 * answered 429 with Retry-After before its body is read, and the SDK waits and retries.
 *
 * A place is held until the request's write settles, not until its client leaves: inserts an
 * SDK abandoned (it timed out and retried) keep counting against the bound while they run, so
 * the inserts in progress never exceed it. This bounds them; it does not deduplicate a retry,
 * which takes another free place (logs, spans and metrics are at-least-once).
 */

/** Default of `maxConcurrentIngests`: requests admitted at once. */
export const DEFAULT_MAX_CONCURRENT_INGESTS = 32;

/** One admitted request's place. Freed exactly once, however many of its ends are seen. */
export class IngestSlot {
  private state: 'admitted' | 'handling' | 'free' = 'admitted';

  constructor(
    private readonly take: () => boolean,
    private readonly give: () => void,
  ) {}

  /**
   * The handler starts: from now on only `release` frees the place. False when the connection
   * closed first and the place was given to another request (nothing may be written then).
   */
  enterHandler(): boolean {
    if (this.state === 'free') {
      if (!this.take()) return false;
    }
    this.state = 'handling';
    return true;
  }

  /** The connection closed: frees the place of a request that never reached its handler. */
  connectionClosed(): void {
    if (this.state === 'admitted') this.free();
  }

  /** The handler is done (its write settled, or it answered without one). */
  release(): void {
    if (this.state === 'handling') this.free();
  }

  private free(): void {
    this.state = 'free';
    this.give();
  }
}

export class IngestAdmission {
  private held = 0;

  constructor(readonly maxConcurrent: number = DEFAULT_MAX_CONCURRENT_INGESTS) {}

  /** Requests admitted whose place is not free yet. */
  get inFlight(): number {
    return this.held;
  }

  /** A place, or undefined when the bound is reached. */
  tryAcquire(): IngestSlot | undefined {
    if (!this.take()) return undefined;
    return new IngestSlot(
      () => this.take(),
      () => {
        this.held -= 1;
      },
    );
  }

  private take(): boolean {
    if (this.held >= this.maxConcurrent) return false;
    this.held += 1;
    return true;
  }
}
