/**
 * The default redact paths reach secrets where services usually log them: nested config, an
 * HTTP client's error (its request headers), response headers, capitalized or upper-case keys.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { init, type Monitor } from '../../src/index.js';
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

  it('keeps what is not a secret', () => {
    monitor.logger.info({ config: { db: { host: 'db-1' } }, req: { headers: { accept: 'json' } } });
    expect(logs.lines.at(-1)).toMatchObject({
      config: { db: { host: 'db-1' } },
      req: { headers: { accept: 'json' } },
    });
  });
});
