/**
 * The OTel log record of a pino line: custom pino levels get the severity number of their place
 * between the standard ones (the data model's sub-levels, INFO2–INFO4 …), and a wide logged
 * object is flattened into at most 128 attributes (OTel's default attribute count limit), so
 * that its flattened keys cannot make the record many times larger than its line.
 */
import { describe, expect, it } from 'vitest';
import { logExportMonitor } from '../support/log-export-monitor.js';

const { monitor, exported } = logExportMonitor('log-record-limits-test');

describe('log record severity of pino levels', () => {
  it('maps the standard levels to the base severities', async () => {
    const expected = {
      trace: [1, 'TRACE'],
      debug: [5, 'DEBUG'],
      info: [9, 'INFO'],
      warn: [13, 'WARN'],
      error: [17, 'ERROR'],
      fatal: [21, 'FATAL'],
    } as const;
    for (const [level, [number, text]] of Object.entries(expected)) {
      monitor.logger[level as keyof typeof expected](`standard ${level}`);
      expect(await exported(`standard ${level}`)).toMatchObject({
        severityNumber: number,
        severityText: text,
      });
    }
  });

  it('gives custom levels between the standard ones the sub-level of their place', async () => {
    const custom = monitor.logger.child(
      {},
      { customLevels: { detail: 25, audit: 35, notice: 45, alert: 55, emergency: 70 } },
    );
    const expected = {
      detail: [7, 'DEBUG3'],
      audit: [11, 'INFO3'],
      notice: [15, 'WARN3'],
      alert: [19, 'ERROR3'],
      emergency: [24, 'FATAL4'],
    } as const;
    for (const [level, [number, text]] of Object.entries(expected)) {
      (custom as unknown as Record<string, (message: string) => void>)[level]!(`custom ${level}`);
      expect(await exported(`custom ${level}`)).toMatchObject({
        severityNumber: number,
        severityText: text,
      });
    }
  });
});

describe('log record attributes of wide objects', () => {
  it('keeps at most 128 attributes, the first ones logged', async () => {
    const wide = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]));
    monitor.logger.info({ wide }, 'wide object');
    const record = await exported('wide object');
    expect(record).toBeDefined();
    const keys = Object.keys(record?.attributes ?? {});
    expect(keys).toHaveLength(128);
    expect(record?.attributes?.['wide.k0']).toBe(0);
    expect(monitor.stats.dropped.invalid).toBe(0);
  });

  it('cannot grow a record far beyond its line through long flattened keys', async () => {
    const prefix = 'p'.repeat(240);
    const leaves = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`${i}`, 1]));
    monitor.logger.info({ [prefix]: leaves }, 'long prefix');
    const record = await exported('long prefix');
    expect(record).toBeDefined();
    expect(JSON.stringify(record).length).toBeLessThan(128 * 300);
  });
});

describe('clipped text', () => {
  it('is never cut between the two halves of a surrogate pair', async () => {
    // An emoji across the 8192nd and 8193rd code units of an attribute, and of the 65536th of a body.
    const value = `${'a'.repeat(8191)}😀tail`;
    monitor.logger.info({ note: value }, 'clipped attribute');
    const attribute = (await exported('clipped attribute'))?.attributes?.note as string;
    expect(attribute).toBe('a'.repeat(8191));
    // No high surrogate without its low half.
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(attribute)).toBe(false);
    const body = `${'b'.repeat(65_535)}😀tail`;
    monitor.logger.info(body);
    const record = await exported(body.slice(0, 65_535));
    expect(record?.body).toBe('b'.repeat(65_535));
  });
});
