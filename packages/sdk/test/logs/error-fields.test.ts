/**
 * An Error logged under `error` (as often as under pino's `err`) keeps its type, message and
 * stack in the line and in the exported record: pino serializes only `err` by default, and
 * JSON writes an Error's own enumerable fields alone (`{}`).
 */
import { afterAll, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const logs = captureLogs();
const monitor: Monitor = init(
  {
    serviceName: 'error-fields-test',
    transport: { type: 'memory' },
    logs: { destination: logs.destination },
    diagnostics: { destination: captureLogs().destination },
    metrics: { enabled: false },
  },
  {},
);

afterAll(() => monitor.shutdown());

it.each(['err', 'error'])('an Error under `%s` keeps its type, message and stack', async (key) => {
  const failure = Object.assign(new RangeError(`model timed out (${key})`), { code: 'E_MODEL' });
  monitor.logger.error({ [key]: failure }, `scoring failed ${key}`);
  const line = logs.lines.at(-1) as Record<string, Record<string, unknown>>;
  expect(line[key]).toMatchObject({
    type: 'RangeError',
    message: `model timed out (${key})`,
    code: 'E_MODEL',
  });
  expect(String(line[key]?.stack)).toContain('error-fields.test.ts');
  await monitor.flush();
  const record = (monitor.transport as MemoryTransport)
    .items('logs')
    .find((item) => item.body === `scoring failed ${key}`);
  // As OTel's exception attributes; the error's other fields under the key.
  expect(record?.attributes).toMatchObject({
    'exception.type': 'RangeError',
    'exception.message': `model timed out (${key})`,
    [`${key}.code`]: 'E_MODEL',
  });
  expect(record?.attributes?.['exception.stacktrace']).toContain('error-fields.test.ts');
});

it('a value under `error` that is not an Error is written and exported as it is', async () => {
  monitor.logger.warn({ error: { reason: 'quota', retryInMs: 50 } }, 'plain error field');
  expect(logs.lines.at(-1)).toMatchObject({ error: { reason: 'quota', retryInMs: 50 } });
  monitor.logger.warn({ error: 'quota exceeded' }, 'string error field');
  expect(logs.lines.at(-1)).toMatchObject({ error: 'quota exceeded' });
  await monitor.flush();
  const records = (monitor.transport as MemoryTransport).items('logs');
  const plain = records.find((item) => item.body === 'plain error field')?.attributes;
  expect(plain).toMatchObject({ 'error.reason': 'quota', 'error.retryInMs': 50 });
  expect(Object.keys(plain ?? {}).filter((key) => key.startsWith('exception.'))).toEqual([]);
  expect(records.find((item) => item.body === 'string error field')?.attributes).toMatchObject({
    error: 'quota exceeded',
  });
});

it('an object with a message under `error` is not taken for an Error, and exported as it is', async () => {
  monitor.logger.warn({ error: { code: 'E_QUOTA', message: 'quota exceeded' } }, 'api error');
  expect(logs.lines.at(-1)).toMatchObject({
    error: { code: 'E_QUOTA', message: 'quota exceeded' },
  });
  expect((logs.lines.at(-1) as { error: object }).error).not.toHaveProperty('stack');
  await monitor.flush();
  const record = (monitor.transport as MemoryTransport)
    .items('logs')
    .find((item) => item.body === 'api error');
  expect(record?.attributes).toMatchObject({
    'error.code': 'E_QUOTA',
    'error.message': 'quota exceeded',
  });
});

it.each(['err', 'error'])('a frozen value under `%s` is logged, never thrown', (key) => {
  const frozenError = Object.freeze(new TypeError(`frozen ${key}`));
  expect(() => monitor.logger.error({ [key]: frozenError }, `frozen ${key}`)).not.toThrow();
  expect(logs.lines.at(-1)).toMatchObject({
    [key]: { type: 'TypeError', message: `frozen ${key}` },
  });
  expect(() =>
    monitor.logger.error({ [key]: Object.freeze({ message: 'x' }) }, `frozen object ${key}`),
  ).not.toThrow();
});
