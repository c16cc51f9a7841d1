/** requestTimeoutMs resolves like every option: code > environment > file > default, checked. */
import { describe, expect, it } from 'vitest';
import { resolveCollectorOptions } from '../src/options.js';

describe('collector option requestTimeoutMs', () => {
  it('defaults to 30 s and reads DRIFTWATCH_REQUEST_TIMEOUT_MS', () => {
    expect(resolveCollectorOptions({}, {}).requestTimeoutMs).toBe(30_000);
    expect(
      resolveCollectorOptions({}, { DRIFTWATCH_REQUEST_TIMEOUT_MS: '5000' }).requestTimeoutMs,
    ).toBe(5000);
    expect(
      resolveCollectorOptions({ requestTimeoutMs: 200 }, { DRIFTWATCH_REQUEST_TIMEOUT_MS: '5000' })
        .requestTimeoutMs,
    ).toBe(200);
  });

  it('refuses a value out of range, naming the option', () => {
    for (const value of ['0', '-1', 'soon', '3600001']) {
      expect(() =>
        resolveCollectorOptions({}, { DRIFTWATCH_REQUEST_TIMEOUT_MS: value }),
      ).toThrowError(/requestTimeoutMs/);
    }
  });
});
