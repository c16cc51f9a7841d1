/**
 * Lines of the SDK's pino logger become OTel log records: severity and timestamp are pino's own
 * even when the caller logs fields named `level` or `time` (pino then writes those keys twice),
 * and only W3C trace context ids become the record's traceId/spanId.
 */
import { describe, expect, it } from 'vitest';
import { logExportMonitor } from '../support/log-export-monitor.js';
import { convertLogLine } from '../../src/logs/log-record.js';

const { monitor, exported, logs } = logExportMonitor('log-record-test');

/** pino's own time (ms) of the last line, read from its prefix: JSON.parse keeps the caller's. */
function lastPinoTimeMs(): number {
  const prefix = /^\{"level":\d+,"time":(\d+)/.exec(logs.raw.at(-1) ?? '');
  if (prefix?.[1] === undefined) throw new Error('the last line has no pino prefix');
  return Number(prefix[1]);
}

describe('log record severity and time', () => {
  it("keeps pino's severity when the caller logs a string `level`", async () => {
    monitor.logger.error({ level: 'high' }, 'string level');
    expect(await exported('string level')).toMatchObject({
      severityNumber: 17,
      severityText: 'ERROR',
      attributes: { level: 'high' },
    });
  });

  it("keeps pino's severity when the caller logs a numeric `level`", async () => {
    monitor.logger.fatal({ level: 10 }, 'numeric level');
    expect(await exported('numeric level')).toMatchObject({
      severityNumber: 21,
      severityText: 'FATAL',
      attributes: { level: 10 },
    });
  });

  it("keeps the caller's `level` even when it equals pino's", async () => {
    monitor.logger.warn({ level: 40 }, 'same level');
    expect(await exported('same level')).toMatchObject({
      severityNumber: 13,
      attributes: { level: 40 },
    });
  });

  it("keeps pino's time when the caller logs a `time`", async () => {
    monitor.logger.info({ time: '2024-01-01' }, 'string time');
    const pinoTimeMs = lastPinoTimeMs();
    monitor.logger.info({ time: 5 }, 'numeric time');
    const secondPinoTimeMs = lastPinoTimeMs();
    expect(await exported('string time')).toMatchObject({
      timeUnixNano: `${pinoTimeMs}000000`,
      attributes: { time: '2024-01-01' },
    });
    expect(await exported('numeric time')).toMatchObject({
      timeUnixNano: `${secondPinoTimeMs}000000`,
      attributes: { time: 5 },
    });
  });

  it('leaves `level` and `time` out of the attributes when only pino wrote them', async () => {
    monitor.logger.debug({ job: 'nightly' }, 'plain fields');
    const record = await exported('plain fields');
    expect(record).toMatchObject({
      severityNumber: 5,
      timeUnixNano: `${lastPinoTimeMs()}000000`,
    });
    expect(record?.attributes).not.toHaveProperty('level');
    expect(record?.attributes).not.toHaveProperty('time');
  });

  it("reads `level` and `time` from the fields of a line without pino's prefix", () => {
    const line = '{"time":1700000000123,"msg":"reordered","level":40,"job":"x"}\n';
    expect(convertLogLine(line, false)).toEqual({
      ok: true,
      item: {
        timeUnixNano: '1700000000123000000',
        severityNumber: 13,
        severityText: 'WARN',
        body: 'reordered',
        attributes: { job: 'x' },
      },
    });
  });

  it("converts a line that holds nothing but pino's level and time", () => {
    expect(convertLogLine('{"level":50,"time":1700000000123}\n', false)).toEqual({
      ok: true,
      item: {
        timeUnixNano: '1700000000123000000',
        severityNumber: 17,
        severityText: 'ERROR',
        body: '',
      },
    });
  });
});

describe('log record trace context', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const spanId = '00f067aa0ba902b7';

  it.each([
    ['upper-case hex ids', { trace_id: traceId.toUpperCase(), span_id: spanId.toUpperCase() }],
    ['an X-Ray trace id', { trace_id: '1-5759e988-bd862e3fe1be46a994272793' }],
    ['a short span id', { span_id: 'abc' }],
    ['all-zero ids', { trace_id: '0'.repeat(32), span_id: '0'.repeat(16) }],
    ['ids that are not strings', { trace_id: 42, span_id: true }],
  ])('exports a line with %s, keeping them as attributes', async (message, ids) => {
    const dropped = monitor.stats.dropped.invalid;
    monitor.logger.info(ids, message);
    const record = await exported(message);
    expect(record).toBeDefined();
    expect(record?.attributes).toMatchObject(ids);
    expect(record).not.toHaveProperty('traceId');
    expect(record).not.toHaveProperty('spanId');
    expect(monitor.stats.dropped.invalid).toBe(dropped);
  });

  it("takes W3C ids logged by the caller as the record's trace context", async () => {
    monitor.logger.info({ trace_id: traceId, span_id: spanId }, 'w3c ids');
    const record = await exported('w3c ids');
    expect(record).toMatchObject({ traceId, spanId });
    expect(record?.attributes).not.toHaveProperty('trace_id');
    expect(record?.attributes).not.toHaveProperty('span_id');
  });

  it('takes a valid trace id and keeps an invalid span id as an attribute', async () => {
    monitor.logger.info({ trace_id: traceId, span_id: 'abc' }, 'half valid');
    const record = await exported('half valid');
    expect(record).toMatchObject({ traceId, attributes: { span_id: 'abc' } });
    expect(record).not.toHaveProperty('spanId');
    expect(record?.attributes).not.toHaveProperty('trace_id');
  });
});

describe('log record attribute keys', () => {
  it('keeps a `__proto__` key as an attribute, as the line holds it', async () => {
    monitor.logger.info(JSON.parse('{"__proto__":"p","nested":{"__proto__":1}}'), 'proto keys');
    expect(logs.raw.at(-1)).toContain('"__proto__":"p"');
    const attributes = (await exported('proto keys'))?.attributes;
    expect(Object.getOwnPropertyDescriptor(attributes, '__proto__')?.value).toBe('p');
    expect(attributes?.['nested.__proto__']).toBe(1);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
  });
});
