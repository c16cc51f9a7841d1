/**
 * A child logger made with `customLevels` and `formatters.level` writes its level as the
 * formatter says (`"level":"error"`, `"severity":"WARN"`): its records still take the severity
 * and time pino gave the line, not INFO and not a caller's `time` field.
 */
import { pino, type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { logExportMonitor } from '../support/log-export-monitor.js';
import { captureLogs } from '../support/log-capture.js';
import { init, type MemoryTransport } from '../../src/index.js';

const { monitor, exported, logs } = logExportMonitor('child-level-formatter-test');

type NoticeLogger = Logger<'notice'>;

function labelled(format: (label: string) => Record<string, unknown>): NoticeLogger {
  return monitor.logger.child(
    {},
    { customLevels: { notice: 35 }, formatters: { level: (label) => format(label) } },
  ) as NoticeLogger;
}

/** pino's own time (ms) of the last line: the first `"time":` after the formatted level. */
function lastPinoTimeMs(): number {
  const time = /"time":(\d+)/.exec(logs.raw.at(-1) ?? '');
  if (time?.[1] === undefined) throw new Error('the last line has no time');
  return Number(time[1]);
}

describe('a child logger with a level formatter', () => {
  it('exports its lines with the severity of the level they were logged at', async () => {
    const child = labelled((label) => ({ level: label }));
    child.error('labelled error');
    expect(logs.raw.at(-1)).toMatch(/^\{"level":"error",/);
    child.notice('labelled notice');
    child.child({ job: 'x' }).fatal('labelled grandchild');
    expect(await exported('labelled error')).toMatchObject({
      severityNumber: 17,
      severityText: 'ERROR',
    });
    expect(await exported('labelled notice')).toMatchObject({
      severityNumber: 11,
      severityText: 'INFO3',
    });
    expect(await exported('labelled grandchild')).toMatchObject({
      severityNumber: 21,
      attributes: { job: 'x' },
    });
  });

  it('exports a level written under another key', async () => {
    labelled((label) => ({ severity: label.toUpperCase() })).warn('severity key');
    expect(await exported('severity key')).toMatchObject({
      severityNumber: 13,
      severityText: 'WARN',
      attributes: { severity: 'WARN' },
    });
  });

  it("keeps pino's time when the caller logs a `time`", async () => {
    labelled((label) => ({ level: label })).error({ time: 5 }, 'caller time');
    const pinoTimeMs = lastPinoTimeMs();
    expect(await exported('caller time')).toMatchObject({
      timeUnixNano: `${pinoTimeMs}000000`,
      severityNumber: 17,
    });
  });

  it('exports the level of a formatted line written to a pino.multistream', async () => {
    const warnings = captureLogs();
    const all = captureLogs();
    const routed = init(
      {
        serviceName: 'child-level-formatter-multistream',
        transport: { type: 'memory' },
        logs: {
          destination: pino.multistream([
            { level: 'warn', stream: warnings.destination },
            { level: 'trace', stream: all.destination },
          ]),
          level: 'trace',
        },
        diagnostics: { destination: captureLogs().destination },
        metrics: { enabled: false },
      },
      {},
    );
    try {
      const child = routed.logger.child(
        {},
        { customLevels: { notice: 35 }, formatters: { level: (label) => ({ level: label }) } },
      );
      child.error('routed error');
      child.info('routed info');
      expect(warnings.lines.map((line) => line.msg)).toEqual(['routed error']);
      expect(all.lines.map((line) => line.msg)).toEqual(['routed error', 'routed info']);
      await routed.flush();
      const records = (routed.transport as MemoryTransport).items('logs');
      expect(records.map((record) => [record.body, record.severityNumber])).toEqual([
        ['routed error', 17],
        ['routed info', 9],
      ]);
    } finally {
      await routed.shutdown();
    }
  });
});
