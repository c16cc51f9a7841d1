/** Window times as the analysis API reads them: the same request names the same instants anywhere. */
import { afterEach, describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/analysis/time-window.js';

describe('parseInstant', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('reads an ISO-8601 time without an offset as UTC, whatever the host’s time zone', () => {
    // Date.parse reads a date-time without an offset in the host's zone: a collector in New York
    // analysed windows five hours later than one in UTC (the tables are in UTC).
    process.env.TZ = 'America/New_York';
    const midnight = Date.UTC(2026, 0, 1);
    for (const text of ['2026-01-01T00:00:00', '2026-01-01T00:00', '2026-01-01 00:00:00.000']) {
      expect(parseInstant('reference.from', text)).toBe(midnight);
    }
    expect(parseInstant('reference.from', '2026-01-01')).toBe(midnight);
    expect(parseInstant('reference.from', '2026-01-01T00:00:00Z')).toBe(midnight);
    expect(parseInstant('reference.from', '2026-01-01T00:00:00-05:00')).toBe(
      midnight + 5 * 3_600_000,
    );
  });
});
