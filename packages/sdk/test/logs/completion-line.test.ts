/**
 * The hand-serialized completion line: byte-identical to the line pino writes for the same
 * fields, exported as a CompletionRecord that becomes the record the log converter would build
 * from that line (or its JSON, byte for byte, for transports that take WireJson), pino's
 * redaction when a redact path reaches it, and nothing below level info.
 */
import { validateItem } from '@driftwatch/schema';
import { describe, expect, it } from 'vitest';
import { createContextStorage } from '../../src/context/request-context.js';
import { CompletionRecord } from '../../src/logs/completion-record.js';
import {
  createCompletionLineWriter,
  type CompletedRequest,
} from '../../src/logs/completion-line.js';
import { jsonString } from '../../src/logs/json-string.js';
import { convertLogLine, logRecordFromLine } from '../../src/logs/log-record.js';
import { createLogger, redactPathReaches } from '../../src/logs/logger.js';
import { DEFAULT_REDACT_PATHS } from '../../src/options.js';

const BASE = { 'service.name': 'svc', 'service.version': '1.0.0', environment: 'ci' };

function setup(redact: readonly string[] = DEFAULT_REDACT_PATHS, level: 'info' | 'warn' = 'info') {
  const raw: string[] = [];
  const exported: Array<string | CompletionRecord> = [];
  const logger = createLogger({
    level,
    redact,
    secretKeys: [],
    base: BASE,
    destination: { write: (line: string) => void raw.push(line) },
    sync: true,
    storage: createContextStorage(),
    // No child logger with a level formatter here: no FormattedLine.
    onLine: (entry) => void exported.push(entry as string | CompletionRecord),
  });
  return { logger, raw, exported, write: createCompletionLineWriter(logger) };
}

const request = (overrides: Partial<CompletedRequest> = {}): CompletedRequest => ({
  requestId: 'req-1',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  method: 'POST',
  path: '/predict/risk',
  route: '/predict/:model',
  statusCode: 200,
  responseTimeMs: 1.234,
  ...overrides,
});

/** What pino writes for the same fields (the path used before the hand-written line). */
function pinoLine(logger: ReturnType<typeof setup>['logger'], r: CompletedRequest): void {
  logger.info(
    {
      request_id: r.requestId,
      trace_id: r.traceId,
      span_id: r.spanId,
      req: { method: r.method, url: r.path, route: r.route },
      res: { statusCode: r.statusCode },
      responseTime: r.responseTimeMs,
    },
    'request completed',
  );
}

const withoutTime = (line: string): string => line.replace(/"time":\d+/, '"time":0');

describe('completion line', () => {
  it.each([
    ['a plain request', request()],
    ['no matched route', request({ route: undefined, statusCode: 404 })],
    [
      'characters to escape',
      request({ path: '/a"b\\c/é/\u0007/\ud800', requestId: 'id "quoted"' }),
    ],
    ['a path longer than an attribute may be', request({ path: `/${'x'.repeat(9000)}` })],
  ])('is the line pino writes, exported as its record: %s', (_name, completed) => {
    const { logger, raw, exported, write } = setup();
    write(completed);
    pinoLine(logger, completed);
    expect(raw).toHaveLength(2);
    expect(withoutTime(raw[0]!)).toBe(withoutTime(raw[1]!));
    const [entry, line] = exported as [CompletionRecord, string];
    expect(entry).toBeInstanceOf(CompletionRecord);
    const record = entry.toRecord();
    expect(record).toEqual(logRecordFromLine(raw[0]!));
    expect(record).toEqual({ ...logRecordFromLine(line), timeUnixNano: record.timeUnixNano });
    expect(validateItem('logs', record).ok).toBe(true);
    expect(entry.toWire().json).toBe(JSON.stringify(record));
    expect(entry.toWire().key).toBe(completed.traceId);
    expect(convertLogLine(entry, false)).toEqual({ ok: true, item: record });
    expect(convertLogLine(entry, true)).toEqual({ ok: true, item: entry.toWire() });
  });

  it('goes through pino and its redaction when a redact path reaches it', () => {
    const { raw, exported, write } = setup([...DEFAULT_REDACT_PATHS, 'req.url']);
    write(request());
    expect(JSON.parse(raw[0]!)).toMatchObject({ req: { url: '[Redacted]', method: 'POST' } });
    expect(exported).toEqual([raw[0]]);
  });

  it.each([
    ['password', false],
    ['*.*.*.token', false],
    ['*.headers["set-cookie"]', false],
    ["req['url']", true],
    ['req["url"]', true],
    ['*.url', true],
    ['res[*]', true],
    ['*.*', true],
    ['req.url.length', false],
    ['a[0]', true],
  ])('redact path %s reaches the line: %s', (path, reaches) => {
    const shape = { req: { method: true, url: true }, res: { statusCode: true } } as const;
    expect(redactPathReaches(path, shape)).toBe(reaches);
  });

  it("carries bindings set on the logger after start-up, redacted as pino's lines are", () => {
    const { logger, raw, exported, write } = setup();
    logger.setBindings({ region: 'eu-west-1', token: 'secret-1' });
    write(request());
    pinoLine(logger, request());
    expect(withoutTime(raw[0]!)).toBe(withoutTime(raw[1]!));
    expect(JSON.parse(raw[0]!)).toMatchObject({ region: 'eu-west-1', token: '[Redacted]' });
    expect(raw[0]).not.toContain('secret-1');
    const [entry] = exported;
    const record = typeof entry === 'string' ? logRecordFromLine(entry) : entry?.toRecord();
    expect(record?.attributes).toMatchObject({ region: 'eu-west-1', token: '[Redacted]' });
  });

  it("a request id or path that looks like a query parameter is redacted as the request's other lines are", () => {
    const raw: string[] = [];
    const logger = createLogger({
      level: 'info',
      redact: DEFAULT_REDACT_PATHS,
      secretKeys: [],
      base: BASE,
      destination: { write: (line: string) => void raw.push(line) },
      sync: true,
      storage: createContextStorage(),
      onLine: undefined,
    });
    const write = createCompletionLineWriter(logger);
    // Any printable id is a valid x-request-id; a pino line's redactor reads this one's query.
    logger.info({ request_id: 'req-42?token=7' }, 'in the handler');
    write(request({ requestId: 'req-42?token=7', path: '/a&token=8' }));
    const [handler, completion] = raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(completion?.request_id).toBe(handler?.request_id);
    expect(completion?.request_id).toBe('req-42?token=[Redacted]');
    expect(completion).toMatchObject({ req: { url: '/a&token=[Redacted]' } });
  });

  it('writes nothing below level info', () => {
    const { raw, exported, write } = setup(DEFAULT_REDACT_PATHS, 'warn');
    write(request());
    expect(raw).toEqual([]);
    expect(exported).toEqual([]);
  });

  it('escapes strings as JSON.stringify does', () => {
    for (const text of [
      'plain',
      '',
      'q"uote',
      'back\\slash',
      'tab\t',
      'é',
      '\u2028',
      '\udc00',
      '~',
    ]) {
      expect(jsonString(text)).toBe(JSON.stringify(text));
    }
  });
});
