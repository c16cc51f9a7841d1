import { describe, expect, it } from 'vitest';
import { BoundedQueue, type QueueTotals } from '../../src/pipeline/bounded-queue.js';

const limits = { maxItems: 3, maxBytes: 100, dropPolicy: 'drop-oldest' as const };

describe('bounded queue', () => {
  it('keeps the shared totals of a group of queues through pushes, drops, shifts and clears', () => {
    const totals: QueueTotals = { items: 0, bytes: 0 };
    const a = new BoundedQueue<string>(limits, totals);
    const b = new BoundedQueue<string>(limits, totals);
    a.push('a1', 10);
    a.push('a2', 20);
    b.push('b1', 30);
    expect(totals).toEqual({ items: 3, bytes: 60 });
    // Drop-oldest: a full queue sheds a1 to take a3 and a4.
    a.push('a3', 5);
    a.push('a4', 5);
    expect(a.length).toBe(3);
    expect(totals).toEqual({ items: 4, bytes: 60 });
    expect(a.shift()).toEqual({ item: 'a2', bytes: 20 });
    expect(totals).toEqual({ items: 3, bytes: 40 });
    expect(b.clear()).toBe(1);
    expect(totals).toEqual({ items: 2, bytes: 10 });
  });

  it('drop-newest refuses what does not fit and leaves the totals alone', () => {
    const totals: QueueTotals = { items: 0, bytes: 0 };
    const queue = new BoundedQueue<string>({ ...limits, dropPolicy: 'drop-newest' }, totals);
    expect(queue.push('x', 60)).toBe(0);
    expect(queue.push('y', 60)).toBe(1);
    expect(totals).toEqual({ items: 1, bytes: 60 });
  });

  it('keeps its byte bound when an estimate is not a number', () => {
    const totals: QueueTotals = { items: 0, bytes: 0 };
    const queue = new BoundedQueue<string>({ ...limits, maxItems: 100, maxBytes: 3000 }, totals);
    queue.push('broken', Number.NaN);
    expect(Number.isFinite(totals.bytes)).toBe(true);
    // Counted as 1 KB: one more of 1 KB fits, the next one pushes it out.
    expect(queue.push('a', 1000)).toBe(0);
    expect(queue.push('b', 1000)).toBe(1);
    expect(queue.shift()?.item).toBe('a');
    expect(totals.bytes).toBe(1000);
  });
});
