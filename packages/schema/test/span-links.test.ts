/** A span's trace state and links: what the wire takes, and what it refuses with which path. */
import { describe, expect, it } from 'vitest';
import { validateItem } from '../src/index.js';
import { link, span } from './span-fixture.js';

function issuePaths(item: unknown): string[] {
  const result = validateItem('spans', item);
  return result.ok ? [] : result.issues.map((issue) => issue.path);
}

describe('span trace state and links', () => {
  it('takes a W3C trace state and links with their own state and attributes', () => {
    const item = {
      ...span,
      traceState: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
      links: [
        link,
        { ...link, spanId: '1111111111111111', traceState: 'k=v', attributes: { batch: 3 } },
      ],
    };
    const result = validateItem('spans', item);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.links?.[1]?.attributes).toEqual({ batch: 3 });
  });

  it('refuses a trace state over 512 characters or with control characters', () => {
    expect(issuePaths({ ...span, traceState: `k=${'v'.repeat(511)}` })).toEqual(['/traceState']);
    expect(issuePaths({ ...span, traceState: 'k=a\nb' })).toEqual(['/traceState']);
    expect(issuePaths({ ...span, traceState: `k=${'v'.repeat(510)}` })).toEqual([]);
  });

  it('refuses a link without valid ids, with unknown fields, or beyond 128', () => {
    expect(issuePaths({ ...span, links: [{ ...link, traceId: 'xyz' }] })).toEqual([
      '/links/0/traceId',
    ]);
    expect(issuePaths({ ...span, links: [{ spanId: link.spanId }] })).toEqual(['/links/0/traceId']);
    expect(issuePaths({ ...span, links: [link, { ...link, flags: 1 }] })).toEqual([
      '/links/1/flags',
    ]);
    expect(issuePaths({ ...span, links: new Array(128).fill(link) })).toEqual([]);
    expect(issuePaths({ ...span, links: new Array(129).fill(link) })).toEqual(['/links']);
  });
});
