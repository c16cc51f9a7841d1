/**
 * `logs.secretKeys`: keys of the service's own secrets are redacted as the defaults are (any
 * spelling, any depth, exported records too), with or without the default paths, from code and
 * from DRIFTWATCH_LOG_SECRET_KEYS; a key that could not be matched fails at start-up; the
 * request completion line, written without pino, is redacted when one of its fields is a
 * secret key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  init,
  SdkError,
  type MemoryTransport,
  type Monitor,
  type DriftwatchOptions,
} from '../../src/index.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';

const started: Monitor[] = [];

function start(
  logs: DriftwatchOptions['logs'],
  env: Record<string, string> = {},
): { monitor: Monitor; capture: LogCapture } {
  const capture = captureLogs();
  const monitor = init(
    {
      serviceName: 'secret-keys-test',
      transport: { type: 'memory' },
      logs: { destination: capture.destination, ...logs },
      diagnostics: { destination: captureLogs().destination },
      metrics: { enabled: false },
    },
    env,
  );
  started.push(monitor);
  return { monitor, capture };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((monitor) => monitor.shutdown()));
});

describe('logs.secretKeys', () => {
  it('redacts the keys in any spelling, at any depth, beside the defaults', () => {
    const { monitor, capture } = start({ secretKeys: ['apiKey', 'x-api-key'] });
    monitor.logger.info(
      {
        APIKEY: 'secret-1',
        client: { config: { apikey: 'secret-2', headers: { 'X-Api-Key': 'secret-3' } } },
        list: [{ ApiKey: 'secret-4' }],
        password: 'secret-5',
        region: 'eu-1',
      },
      'with keys',
    );
    expect(capture.raw.join('')).not.toMatch(/secret-\d/);
    expect(capture.lines.at(-1)).toMatchObject({
      APIKEY: '[Redacted]',
      client: { config: { apikey: '[Redacted]', headers: { 'X-Api-Key': '[Redacted]' } } },
      list: [{ ApiKey: '[Redacted]' }],
      password: '[Redacted]',
      region: 'eu-1',
    });
  });

  it('reads DRIFTWATCH_LOG_SECRET_KEYS, added to the keys in code', () => {
    const { monitor, capture } = start(
      { secretKeys: ['ssn'] },
      { DRIFTWATCH_LOG_SECRET_KEYS: 'iban, card.number' },
    );
    monitor.logger.info(
      { ssn: 'secret-6', pay: { IBAN: 'secret-7', 'card.number': 'secret-8' }, card: 'visa' },
      'from env',
    );
    expect(capture.raw.join('')).not.toMatch(/secret-\d/);
    expect(capture.lines.at(-1)).toMatchObject({ card: 'visa' });
  });

  it('applies with a redact list that replaces the default paths', () => {
    const { monitor, capture } = start({ redact: ['user.name'], secretKeys: ['ssn'] });
    monitor.logger.info({ user: { name: 'Ann', ssn: 'secret-9', password: 'kept' } }, 'own list');
    expect(capture.lines.at(-1)).toMatchObject({
      user: { name: '[Redacted]', ssn: '[Redacted]', password: 'kept' },
    });
  });

  it('redacts the exported log record too', async () => {
    const { monitor } = start({ secretKeys: ['sessionKey'] });
    monitor.logger.info({ job: { SessionKey: 'secret-10' } }, 'exported');
    await monitor.flush();
    const records = (monitor.transport as MemoryTransport).items('logs');
    const record = records.find((item) => item.body === 'exported');
    expect(record).toBeDefined();
    expect(JSON.stringify(record)).not.toContain('secret-10');
  });

  it('matches a key holding regular-expression characters literally', () => {
    const { monitor, capture } = start({ secretKeys: ['a.b*', '(x)'] });
    monitor.logger.info({ 'a.b*': 'secret-11', '(x)': 'secret-12', aXbb: 'kept' }, 'literal');
    expect(capture.lines.at(-1)).toMatchObject({
      'a.b*': '[Redacted]',
      '(x)': '[Redacted]',
      aXbb: 'kept',
    });
  });

  it("redacts the request completion line's own fields when they are secret keys", () => {
    const { monitor, capture } = start({ secretKeys: ['url'] });
    const handle = monitor.http.start({
      method: 'GET',
      path: '/reset/secret-13',
      headers: {},
      scheme: 'http',
    });
    handle.end({ statusCode: 200, route: '/reset/:token' });
    const line = capture.lines.find((entry) => entry.msg === 'request completed');
    expect(line).toMatchObject({ req: { method: 'GET', url: '[Redacted]' } });
    expect(capture.raw.join('')).not.toContain('secret-13');
  });

  it.each([
    [{ secretKeys: ['ok', ''] }, {}, 'logs.secretKeys', ''],
    [{ secretKeys: ['say "hi"'] }, {}, 'logs.secretKeys', 'say "hi"'],
    [{ secretKeys: ['back\\slash'] }, {}, 'logs.secretKeys', 'back\\slash'],
    [{ secretKeys: ['x'.repeat(129)] }, {}, 'logs.secretKeys', 'x'.repeat(129)],
    [{}, { DRIFTWATCH_LOG_SECRET_KEYS: 'apiKey,tab\there' }, 'logs.secretKeys', 'tab\there'],
  ])('refuses %j %j at start-up, naming the option and the key', (logs, env, option, value) => {
    let error: unknown;
    try {
      start(logs as DriftwatchOptions['logs'], env);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe('DW_SDK_INVALID_OPTION');
    expect((error as SdkError).details).toMatchObject({ option });
    if (value !== '') expect((error as SdkError).details).toMatchObject({ value });
  });
});
