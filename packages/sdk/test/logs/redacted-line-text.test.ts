/**
 * A redacted line is pino's line with the secret values replaced, nothing else changed: the
 * caller's own `level` or `time` (which pino writes after its own, so the line holds the key
 * twice) must not take the place of pino's, in the written line or in the exported record's
 * severity and time, and numbers beyond double precision (a BigInt) keep their digits.
 */
import { describe, expect, it } from 'vitest';
import { logExportMonitor } from '../support/log-export-monitor.js';
import { secretRedactor } from '../../src/logs/secret-redaction.js';

const { monitor, exported, logs } = logExportMonitor('redacted-line-test');

describe('a redacted line', () => {
  it("keeps pino's level ahead of the caller's `level`, and its severity", async () => {
    monitor.logger.error({ level: 'high', token: 'secret-1' }, 'own level');
    const line = logs.raw.at(-1) ?? '';
    expect(line).toMatch(/^\{"level":50,"time":\d+,/);
    expect(line).toContain('"level":"high"');
    expect(line).not.toContain('secret-1');
    expect(await exported('own level')).toMatchObject({
      severityNumber: 17,
      severityText: 'ERROR',
      attributes: { level: 'high', token: '[Redacted]' },
    });
  });

  it("keeps pino's time ahead of the caller's `time`", async () => {
    const before = Date.now();
    monitor.logger.warn({ time: 5, password: 'secret-2' }, 'own time');
    expect(logs.raw.at(-1)).toMatch(/^\{"level":40,"time":\d{13},/);
    const record = await exported('own time');
    expect(Number(BigInt(record?.timeUnixNano ?? '0') / 1_000_000n)).toBeGreaterThanOrEqual(before);
    expect(record).toMatchObject({ severityNumber: 13, attributes: { time: 5 } });
  });

  it('keeps the digits of a BigInt beside a secret', () => {
    monitor.logger.info({ id: 12345678901234567890n, cookie: 'secret-3' }, 'big id');
    const line = logs.raw.at(-1) ?? '';
    expect(line).toContain('"id":12345678901234567890,');
    expect(line).toContain('"cookie":"[Redacted]"');
  });

  it('redacts every occurrence of a key the line holds twice (a binding and a field)', () => {
    monitor.logger.child({ token: 'secret-4' }).info({ token: 'secret-5' }, 'twice');
    const line = logs.raw.at(-1) ?? '';
    expect(line).not.toMatch(/secret-[45]/);
    expect(line.match(/"token":"\[Redacted\]"/g)).toHaveLength(2);
  });
});

describe('secretRedactor on text', () => {
  const redact = secretRedactor(['token', 'set-cookie']);

  it('replaces values of any type, nested in objects and arrays, and nothing else', () => {
    const line =
      '{"a":[{"Token":{"x":[1,"}"]}},{"b":"\\"token\\":"}],"SET-COOKIE":["s=1"],' +
      '"n":-1.5e+30,"t":true,"token":null,"z":"\\u00e9"}\n';
    expect(redact(line)).toBe(
      '{"a":[{"Token":"[Redacted]"},{"b":"\\"token\\":"}],"SET-COOKIE":"[Redacted]",' +
        '"n":-1.5e+30,"t":true,"token":"[Redacted]","z":"\\u00e9"}\n',
    );
  });

  it('reads JSON written with whitespace', () => {
    expect(redact('{ "a" : [ 1 , { "token" : { } } ] ,\n "TOKEN":\t"s" }')).toBe(
      '{ "a" : [ 1 , { "token" : "[Redacted]" } ] ,\n "TOKEN":\t"[Redacted]" }',
    );
  });

  it('leaves text it cannot read to the end of a secret value as it was', () => {
    for (const text of ['{"token":"s', '{"token":', '{"token" "s"}', 'plain "token": text']) {
      expect(redact(text)).toBe(text);
    }
  });
});
