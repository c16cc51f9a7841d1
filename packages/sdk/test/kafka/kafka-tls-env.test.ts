/**
 * DRIFTWATCH_KAFKA_TLS_* variables: each is checked whether TLS is on or not, one set while TLS
 * is off fails at start-up (who sets it expects TLS, and would otherwise connect in plaintext
 * without a word), and the CA file must hold a PEM certificate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SdkError, SdkErrorCodes } from '../../src/errors.js';
import { resolveKafkaOptions } from '../../src/transport/kafka-options.js';

const brokers = ['kafka-1:9092'];
const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function invalid(env: Record<string, string>): SdkError {
  try {
    resolveKafkaOptions({ brokers }, env);
  } catch (error) {
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe(SdkErrorCodes.INVALID_OPTION);
    return error as SdkError;
  }
  throw new Error(`accepted env ${JSON.stringify(env)}`);
}

describe('DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED', () => {
  it.each<Record<string, string>>([
    {},
    { DRIFTWATCH_KAFKA_TLS: 'false' },
    { DRIFTWATCH_KAFKA_TLS: 'true' },
  ])('is checked with %j', (tls) => {
    const error = invalid({ ...tls, DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED: 'nope' });
    expect(error.details).toMatchObject({
      option: 'transport.tls.rejectUnauthorized',
      source: 'DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED',
      value: 'nope',
    });
    expect(error.message).toContain('expected true or false');
  });

  it.each([
    ['false', {}, 'DRIFTWATCH_KAFKA_TLS is unset'],
    ['true', { DRIFTWATCH_KAFKA_TLS: 'false' }, 'DRIFTWATCH_KAFKA_TLS is false'],
    [' 0 ', { DRIFTWATCH_KAFKA_TLS: '0' }, 'DRIFTWATCH_KAFKA_TLS is false'],
  ])('=%j while TLS is off fails, saying so', (value, tls, why) => {
    const error = invalid({ ...tls, DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED: value });
    expect(error.details).toMatchObject({
      option: 'transport.tls.rejectUnauthorized',
      source: 'DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED',
    });
    expect(error.message).toContain(
      'invalid option transport.tls.rejectUnauthorized (env DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED)',
    );
    expect(error.message).toContain('TLS is off');
    expect(error.message).toContain(why);
  });

  it('applies when TLS is on', () => {
    expect(
      resolveKafkaOptions(
        { brokers },
        { DRIFTWATCH_KAFKA_TLS: 'true', DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED: ' false ' },
      ).tls,
    ).toEqual({ rejectUnauthorized: false });
  });

  it('is not read when code gives tls (code wins over env, as for every option)', () => {
    const env = { DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED: 'false' };
    expect(resolveKafkaOptions({ brokers, tls: true }, env).tls).toBe(true);
    expect(resolveKafkaOptions({ brokers, tls: false }, env).tls).toBe(false);
  });
});

describe('DRIFTWATCH_KAFKA_TLS_CA_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-kafka-tls-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('with DRIFTWATCH_KAFKA_TLS=false fails, saying TLS is off', () => {
    const caFile = write('ca.pem', PEM_CERTIFICATE);
    const error = invalid({ DRIFTWATCH_KAFKA_TLS: 'false', DRIFTWATCH_KAFKA_TLS_CA_FILE: caFile });
    expect(error.details).toMatchObject({
      option: 'transport.tls.ca',
      source: 'DRIFTWATCH_KAFKA_TLS_CA_FILE',
    });
    expect(error.message).toContain('TLS is off');
    expect(error.message).toContain('DRIFTWATCH_KAFKA_TLS is false');
  });

  it.each([
    ['an empty file', ''],
    ['text that is not PEM', 'not a certificate\n'],
    ['a private key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n'],
  ])('holding %s fails, naming the file and the PEM block expected', (_case, text) => {
    const caFile = write('bad-ca.pem', text);
    const error = invalid({ DRIFTWATCH_KAFKA_TLS_CA_FILE: caFile });
    expect(error.details).toMatchObject({
      option: 'transport.tls.ca',
      source: 'DRIFTWATCH_KAFKA_TLS_CA_FILE',
      value: caFile,
    });
    expect(error.message).toContain(JSON.stringify(caFile));
    expect(error.message).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('holding a PEM certificate (a bundle, CRLF line ends) is read', () => {
    const bundle = `${PEM_CERTIFICATE}${PEM_CERTIFICATE}`.replaceAll('\n', '\r\n');
    const caFile = write('bundle.pem', bundle);
    expect(resolveKafkaOptions({ brokers }, { DRIFTWATCH_KAFKA_TLS_CA_FILE: caFile }).tls).toEqual({
      ca: bundle,
      rejectUnauthorized: true,
    });
  });
});
