/**
 * The default redaction reaches secrets where services usually log them: nested config, an
 * HTTP client's error (its request headers), response headers, capitalized or upper-case keys,
 * any depth, a child logger's bindings, the exported log record; and leaves the rest of the line
 * as pino wrote it. Paths added to the defaults still apply; a list in code replaces them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_PATHS, init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const logs = captureLogs();
const monitor: Monitor = init(
  {
    serviceName: 'redaction-test',
    transport: { type: 'memory' },
    logs: { destination: logs.destination },
    diagnostics: { destination: captureLogs().destination },
    metrics: { enabled: false },
  },
  {},
);

afterAll(() => monitor.shutdown());

describe('default redaction', () => {
  it.each([
    ['a password in nested config', { config: { db: { password: 'secret-1', host: 'db' } } }],
    ['a token three levels down', { job: { auth: { oauth: { token: 'secret-2' } } } }],
    [
      "an HTTP client's error with its request headers",
      { err: { config: { headers: { authorization: 'Bearer secret-3', Accept: 'json' } } } },
    ],
    [
      'a capitalized Authorization header',
      { req: { headers: { Authorization: 'Basic secret-4' } } },
    ],
    ['set-cookie on a response', { res: { headers: { 'set-cookie': ['sid=secret-5'] } } }],
    ['a capitalized Cookie header', { out: { headers: { Cookie: 'sid=secret-6' } } }],
    ['a proxy-authorization header', { req: { headers: { 'proxy-authorization': 'secret-7' } } }],
    ['a top-level Authorization', { Authorization: 'Bearer secret-8' }],
    ['a capitalized Password in config', { db: { Password: 'secret-9' } }],
    ['an upper-case AUTHORIZATION header', { req: { headers: { AUTHORIZATION: 'secret-10' } } }],
    ['a capitalized Token', { client: { Token: 'secret-11' } }],
    ['an upper-case SET-COOKIE header', { res: { headers: { 'SET-COOKIE': 'sid=secret-12' } } }],
  ])('%s', (_case, fields) => {
    monitor.logger.info(fields, 'with a secret');
    const line = logs.raw.at(-1) ?? '';
    expect(line).toContain('with a secret');
    expect(line).toContain('[Redacted]');
    expect(line).not.toMatch(/secret-\d/);
  });

  it("at any depth, in any spelling, and in a child logger's bindings", () => {
    monitor.logger.info({ a: { b: { c: { d: { e: { pAssWord: 'secret-13' } } } } } }, 'deep');
    expect(logs.lines.at(-1)).toMatchObject({
      a: { b: { c: { d: { e: { pAssWord: '[Redacted]' } } } } },
    });
    monitor.logger.child({ token: 'secret-14', job: 'sync' }).info('from a child');
    expect(logs.lines.at(-1)).toMatchObject({
      token: '[Redacted]',
      job: 'sync',
      msg: 'from a child',
    });
    monitor.logger.info({ list: [{ Cookie: 'secret-15' }, { ok: 1 }] }, 'in an array');
    expect(logs.lines.at(-1)).toMatchObject({ list: [{ Cookie: '[Redacted]' }, { ok: 1 }] });
    expect(logs.raw.join('')).not.toMatch(/secret-1[345]/);
  });

  it('leaves a line whose text only mentions a secret key as pino wrote it', () => {
    monitor.logger.info({ note: 'the "token": field is required' }, 'mention');
    const line = logs.raw.at(-1) ?? '';
    expect(JSON.parse(line)).toMatchObject({ note: 'the "token": field is required' });
    expect(line).not.toContain('[Redacted]');
  });

  it('redacts the exported log record too', async () => {
    monitor.logger.info({ Authorization: 'Bearer secret-16' }, 'exported');
    await monitor.flush();
    const records = (monitor.transport as MemoryTransport).items('logs');
    const record = records.find((item) => item.body === 'exported');
    expect(record).toBeDefined();
    expect(JSON.stringify(record)).not.toContain('secret-16');
  });

  it('applies paths added to the defaults; a list in code replaces them', async () => {
    const extended = captureLogs();
    const withExtra = init(
      {
        serviceName: 'redaction-extra',
        transport: { type: 'memory' },
        logs: { destination: extended.destination, redact: [...DEFAULT_REDACT_PATHS, 'user.ssn'] },
        diagnostics: { destination: captureLogs().destination },
        metrics: { enabled: false },
      },
      {},
    );
    withExtra.logger.info({ user: { ssn: '123', password: 'secret-17' } }, 'both');
    expect(extended.lines.at(-1)).toMatchObject({
      user: { ssn: '[Redacted]', password: '[Redacted]' },
    });
    await withExtra.shutdown();
    const replaced = captureLogs();
    const only = init(
      {
        serviceName: 'redaction-replaced',
        transport: { type: 'memory' },
        logs: { destination: replaced.destination, redact: ['user.ssn'] },
        diagnostics: { destination: captureLogs().destination },
        metrics: { enabled: false },
      },
      {},
    );
    only.logger.info({ user: { ssn: '123', password: 'kept' } }, 'own list');
    expect(replaced.lines.at(-1)).toMatchObject({ user: { ssn: '[Redacted]', password: 'kept' } });
    await only.shutdown();
  });

  it('keeps what is not a secret', () => {
    monitor.logger.info({ config: { db: { host: 'db-1' } }, req: { headers: { accept: 'json' } } });
    expect(logs.lines.at(-1)).toMatchObject({
      config: { db: { host: 'db-1' } },
      req: { headers: { accept: 'json' } },
    });
  });
});
