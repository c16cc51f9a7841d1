/**
 * Attribute and resource keys: 1–256 characters. A Record checks only keys matching its key
 * pattern, so without `additionalProperties: false` an empty or 5,000-character key passed.
 */
import { describe, expect, it } from 'vitest';
import { validateItem } from '../src/index.js';

const span = (attributes: Record<string, unknown>, resource: Record<string, unknown> = {}) => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  name: 'GET /',
  kind: 'SERVER',
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000001000000',
  attributes,
  resource,
});

describe('attribute keys', () => {
  it('accepts keys of 1 to 256 characters', () => {
    const result = validateItem(
      'spans',
      span({ a: 1, ['k'.repeat(256)]: 'v' }, { 'service.name': 's' }),
    );
    expect(result.ok).toBe(true);
  });

  it.each([
    ['an empty attribute key', span({ '': 1 }), '/attributes', ''],
    [
      'a 257-character attribute key',
      span({ ['k'.repeat(257)]: 1 }),
      '/attributes',
      'k'.repeat(257),
    ],
    [
      'a 5000-character attribute key with a nested value',
      span({ ['k'.repeat(5000)]: { deep: 1 } }),
      '/attributes',
      'k'.repeat(5000),
    ],
    ['an empty resource key', span({}, { '': 'x' }), '/resource', ''],
    [
      'a 300-character resource key',
      span({}, { ['r'.repeat(300)]: 'x' }),
      '/resource',
      'r'.repeat(300),
    ],
  ])('refuses %s, naming the key clipped at the record', (_case, item, path, key) => {
    // The issue is about the key, not "Unexpected property", and never carries the raw key:
    // a JSON pointer to the member would echo 5000 characters back to the sender.
    const result = validateItem('spans', item);
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues[0]).toEqual({
      path,
      message: expect.stringMatching(
        new RegExp(
          `^invalid key "${key.slice(0, 20)}.* \\(${key.length} characters\\): expected 1 to 256 characters$`,
        ),
      ),
    });
    expect(JSON.stringify(issues).length).toBeLessThan(400);
  });
});
