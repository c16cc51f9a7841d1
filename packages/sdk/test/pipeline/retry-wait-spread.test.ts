/**
 * The wait after a Retry-After: at least what was asked, spread at random over the next tenth of
 * it (at most a second), so that the processes a restarting collector answered at once do not
 * all come back in the same millisecond; the backoff still applies when it is longer.
 */
import { describe, expect, it } from 'vitest';
import { retryWaitMs } from '../../src/pipeline/backoff.js';

describe('retryWaitMs', () => {
  it('spreads a Retry-After over its next tenth, never below it', () => {
    const waits = Array.from({ length: 200 }, () => retryWaitMs(5000, 10));
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(5000);
      expect(wait).toBeLessThan(5500);
    }
    // 200 draws over 500 ms: far from all in one millisecond (a fleet's retries stay apart).
    expect(new Set(waits).size).toBeGreaterThan(50);
  });

  it('spreads a long Retry-After by a second at most', () => {
    for (let i = 0; i < 100; i += 1) {
      const wait = retryWaitMs(300_000, 10);
      expect(wait).toBeGreaterThanOrEqual(300_000);
      expect(wait).toBeLessThan(301_000);
    }
  });

  it('keeps the backoff when it is longer, and is the backoff without a Retry-After', () => {
    expect(retryWaitMs(0, 40)).toBe(40);
    expect(retryWaitMs(100, 5000)).toBe(5000);
    expect(retryWaitMs(undefined, 123)).toBe(123);
  });
});
