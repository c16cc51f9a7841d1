/**
 * Prediction and label times end where the collector's storage does: 9999-12-31T23:59:59.999Z,
 * the last millisecond a DateTime64(3) column stores as sent. A later time (one in microseconds)
 * passed the schema and was refused by the collector after the SDK had sent it.
 */
import { describe, expect, it } from 'vitest';
import { validateItem } from '../src/index.js';

const prediction = {
  predictionId: 'p-1',
  model: 'risk',
  modelVersion: '3',
  features: { age: 41 },
  prediction: 1,
};
const label = { predictionId: 'p-1', label: 1 };

describe('timeUnixMs', () => {
  it('accepts 9999-12-31T23:59:59.999Z for a prediction and a label', () => {
    const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    expect(validateItem('predictions', { ...prediction, timeUnixMs: last }).ok).toBe(true);
    expect(validateItem('labels', { ...label, timeUnixMs: last }).ok).toBe(true);
  });

  it('refuses a later time, such as one in microseconds, naming the field', () => {
    for (const timeUnixMs of [Date.UTC(10_000, 0, 1), 1_700_000_000_000_000]) {
      const expected = {
        ok: false,
        issues: [
          {
            path: '/timeUnixMs',
            message: `Expected integer to be less or equal to 253402300799999; got ${timeUnixMs}`,
          },
        ],
      };
      expect(validateItem('predictions', { ...prediction, timeUnixMs })).toEqual(expected);
      expect(validateItem('labels', { ...label, timeUnixMs })).toEqual(expected);
    }
  });
});
