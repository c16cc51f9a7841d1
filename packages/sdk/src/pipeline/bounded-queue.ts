/** A FIFO bounded by items and bytes: O(1) push and shift, with a drop-oldest or drop-newest policy. */
import type { DropPolicy } from '../options.js';

export interface QueueLimits {
  readonly maxItems: number;
  readonly maxBytes: number;
  readonly dropPolicy: DropPolicy;
}

/** Items and bytes held by a group of queues together, kept up to date by each of them. */
export interface QueueTotals {
  items: number;
  bytes: number;
}

/** Bytes assumed for an item whose estimate is not a usable number. */
const UNKNOWN_ITEM_BYTES = 1024;

/** What `push` returns for an item larger than maxBytes alone: refused, nothing else dropped. */
export const LARGER_THAN_QUEUE = -1;

export class BoundedQueue<T> {
  private items: Array<T | undefined> = [];
  private sizes: number[] = [];
  private head = 0;
  private bytesQueued = 0;

  constructor(
    private readonly limits: QueueLimits,
    /** Shared with the other queues of a group (the pipeline's signals); optional. */
    private readonly totals: QueueTotals = { items: 0, bytes: 0 },
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /**
   * Adds an item of `bytes` estimated bytes; returns how many items were dropped to respect
   * the limits (the new one itself under drop-newest, the oldest ones under drop-oldest), or
   * LARGER_THAN_QUEUE for an item that would not fit even in the empty queue.
   */
  push(item: T, estimate: number): number {
    const { maxItems, maxBytes } = this.limits;
    // A broken estimate (NaN from a value of an unexpected type) must not disable the byte bound
    // for good: NaN would stay in the running total, and every comparison with it is false.
    const bytes = estimate >= 0 && estimate < Infinity ? estimate : UNKNOWN_ITEM_BYTES;
    // Not a full queue's fault: evicting the others would not make room for it.
    if (bytes > maxBytes) return LARGER_THAN_QUEUE;
    if (this.limits.dropPolicy === 'drop-newest') {
      if (this.length >= maxItems || this.bytesQueued + bytes > maxBytes) return 1;
      this.append(item, bytes);
      return 0;
    }
    let dropped = 0;
    while (this.length > 0 && (this.length >= maxItems || this.bytesQueued + bytes > maxBytes)) {
      this.shift();
      dropped += 1;
    }
    this.append(item, bytes);
    return dropped;
  }

  /** Removes and returns the oldest item with its size, or undefined when empty. */
  shift(): { item: T; bytes: number } | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    const bytes = this.sizes[this.head] as number;
    this.items[this.head] = undefined;
    this.head += 1;
    this.bytesQueued -= bytes;
    this.totals.items -= 1;
    this.totals.bytes -= bytes;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
    return { item, bytes };
  }

  /** Size of the oldest item, or undefined when empty. */
  peekBytes(): number | undefined {
    return this.head < this.sizes.length ? this.sizes[this.head] : undefined;
  }

  /** Empties the queue and returns how many items it held. */
  clear(): number {
    const count = this.length;
    this.totals.items -= count;
    this.totals.bytes -= this.bytesQueued;
    this.items = [];
    this.sizes = [];
    this.head = 0;
    this.bytesQueued = 0;
    return count;
  }

  private append(item: T, bytes: number): void {
    this.items.push(item);
    this.sizes.push(bytes);
    this.bytesQueued += bytes;
    this.totals.items += 1;
    this.totals.bytes += bytes;
  }
}
