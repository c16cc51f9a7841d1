import { describe, expect, it } from 'vitest';
import { newSpanId, newTraceAndSpanIds, newUuid } from '../../src/context/random-ids.js';
import { requestIdFrom } from '../../src/context/request-id.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('random ids', () => {
  it('newUuid makes version-4 UUIDs (RFC 9562 variant), all distinct', () => {
    const seen = new Set<string>();
    // More than one pool refill (256 UUIDs per 6 KB pool), so refills are covered too.
    for (let i = 0; i < 5000; i += 1) {
      const id = newUuid();
      expect(id).toMatch(UUID_V4);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
  });

  it('newUuid uses every hex digit in the random positions', () => {
    const digits = new Set<string>();
    for (let i = 0; i < 200; i += 1) for (const c of newUuid().slice(0, 8)) digits.add(c);
    expect([...digits].sort().join('')).toBe('0123456789abcdef');
  });

  it('trace and span ids are lower-case hex of the W3C lengths', () => {
    for (let i = 0; i < 1000; i += 1) {
      const ids = newTraceAndSpanIds();
      expect(ids).toMatch(/^[0-9a-f]{48}$/);
      expect(newSpanId()).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('requestIdFrom keeps a valid incoming id and generates a UUID otherwise', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
    expect(requestIdFrom('bad\nid')).toMatch(UUID_V4);
    expect(requestIdFrom('x'.repeat(129))).toMatch(UUID_V4);
    expect(requestIdFrom(undefined)).toMatch(UUID_V4);
  });
});
