/**
 * Feature names follow the `Name` rule (1–128 characters, no control character), and a refused
 * name sinks its item whatever its value: a Record alone would let such names through with any
 * value, nested objects included.
 */
import { describe, expect, it, vi } from 'vitest';
import { assertItem, validateItem, type PredictionEvent } from '../src/index.js';

const event = (features: Record<string, unknown>): PredictionEvent =>
  ({
    predictionId: 'p-1',
    model: 'risk',
    modelVersion: '3',
    timeUnixMs: 1_700_000_000_000,
    features,
    prediction: 1,
  }) as PredictionEvent;

describe('prediction features', () => {
  it('accepts names of 1 to 128 characters without control characters, with scalar values', () => {
    const features = {
      a: 1,
      'income (€)': 58_000.5,
      'path/with~slash': 'Oslo',
      'é😀 name': true,
      ['n'.repeat(128)]: null,
    };
    expect(validateItem('predictions', event(features))).toEqual({
      ok: true,
      value: event(features),
    });
  });

  it.each([
    ['an empty name', ''],
    ['a control character', 'bad\u0001name'],
    ['a newline', 'bad\nname'],
    ['DEL', 'bad\u007f'],
    ['129 characters', 'n'.repeat(129)],
    ['5000 characters', 'n'.repeat(5000)],
  ])('refuses a name with %s, whatever its value', (_case, name) => {
    for (const value of [1, 'x', { nested: 1 }, [1]]) {
      const result = validateItem('predictions', event({ ok: 1, [name]: value }));
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.issues).toEqual([
        {
          path: '/features',
          message: expect.stringContaining(`invalid name ${JSON.stringify(name).slice(0, 20)}`),
        },
      ]);
      expect(result.issues[0]?.message).toContain(`(${name.length} characters)`);
    }
  });

  it('names the refused name JSON-escaped and clipped, never raw', () => {
    const result = validateItem('predictions', event({ 'a/~b\u0001': 1 }));
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: '/features',
          message:
            'invalid name "a/~b\\u0001" (5 characters): expected 1 to 128 characters, none of them a control character',
        },
      ],
    });
    const long = validateItem('predictions', event({ ['n'.repeat(5000)]: 1 }));
    expect(long.ok ? '' : long.issues[0]?.message.length).toBeLessThan(200);
    expect(() => assertItem('predictions', event({ 'bad\u0001name': {} }))).toThrow(
      'invalid predictions item: /features: invalid name "bad\\u0001name" (8 characters)',
    );
  });

  it('describes a value JSON cannot write (a bigint, a cyclic object) instead of throwing', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const bigint = validateItem('predictions', event({ a: 5n }));
    expect(bigint.ok ? '' : bigint.issues[0]?.message).toContain('a bigint (5n)');
    const cycle = validateItem('predictions', event({ a: cyclic }));
    expect(cycle.ok ? '' : cycle.issues[0]).toMatchObject({
      path: '/features/a',
      message: expect.stringContaining('cyclic or too deep object'),
    });
  });

  it('escapes only the shown start of a long refused string, not all of it', () => {
    // An image passed as a feature: escaping all 5 MB to show 60 characters cost ~20 ms a call.
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      const result = validateItem('predictions', event({ image: 'A'.repeat(5_000_000) }));
      expect(result).toEqual({
        ok: false,
        issues: [
          { path: '/features/image', message: expect.stringMatching(/; got "A{56}\.\.\.$/) },
        ],
      });
      const longest = Math.max(
        0,
        ...stringify.mock.calls.map(([value]) => (typeof value === 'string' ? value.length : 0)),
      );
      expect(longest).toBeLessThanOrEqual(60);
    } finally {
      stringify.mockRestore();
    }
  });

  it('refuses values other than number, string, boolean and null under a valid name', () => {
    for (const value of [{ nested: 1 }, [1], Number.NaN, 'x'.repeat(1025)]) {
      const result = validateItem('predictions', event({ a: value }));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.issues[0]?.path).toBe('/features/a');
    }
  });
});
