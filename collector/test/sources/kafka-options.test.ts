/** The Kafka source's options: on with brokers, code > env > file > defaults, clear refusals. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CollectorErrorCodes } from '../../src/errors.js';
import { resolveCollectorOptions } from '../../src/options.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-kafka-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BROKERS = { DRIFTWATCH_KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092' };

/** The error resolveCollectorOptions throws for this env (and code input). */
function refusal(
  env: NodeJS.ProcessEnv,
  input: Parameters<typeof resolveCollectorOptions>[0] = {},
) {
  try {
    resolveCollectorOptions(input, env);
  } catch (error) {
    return error as Error & { code: string; details: Record<string, unknown> };
  }
  throw new Error('options were accepted');
}

describe('Kafka source options', () => {
  it('leaves the source off without brokers, whatever else is set', () => {
    const options = resolveCollectorOptions({}, { DRIFTWATCH_KAFKA_GROUP_ID: 'g' });
    expect(options.kafka).toBeUndefined();
  });

  it('turns the source on with brokers, with the SDK topic defaults', () => {
    const { kafka } = resolveCollectorOptions({}, BROKERS);
    expect(kafka).toEqual({
      brokers: ['kafka-1:9092', 'kafka-2:9092'],
      clientId: 'driftwatch-collector',
      groupId: 'driftwatch-collector',
      topics: {
        predictions: 'driftwatch.predictions',
        labels: 'driftwatch.labels',
        logs: 'driftwatch.logs',
        spans: 'driftwatch.spans',
        metrics: 'driftwatch.metrics',
      },
      deadLetterTopic: 'driftwatch.dlq',
      tls: false,
      retryMaxMs: 30_000,
    });
    expect(Object.isFrozen(kafka)).toBe(true);
    expect(Object.isFrozen(kafka?.topics)).toBe(true);
  });

  it('takes code over env over the config file', () => {
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        kafka: {
          brokers: ['file:9092'],
          groupId: 'from-file',
          deadLetterTopic: 'file.dlq',
          topics: { logs: 'file.logs' },
        },
      }),
    );
    const env = {
      DRIFTWATCH_CONFIG: file,
      DRIFTWATCH_KAFKA_GROUP_ID: 'from-env',
      DRIFTWATCH_KAFKA_TOPIC_LOGS: 'env.logs',
      DRIFTWATCH_KAFKA_DLQ_TOPIC: '',
    };
    const { kafka } = resolveCollectorOptions({ kafka: { groupId: 'from-code' } }, env);
    expect(kafka).toMatchObject({
      brokers: ['file:9092'],
      groupId: 'from-code',
      // An empty variable is unset: the file's value holds.
      deadLetterTopic: 'file.dlq',
      topics: { logs: 'env.logs', spans: 'driftwatch.spans' },
    });
  });

  it('reads SASL and TLS from the SDK variable names', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const { kafka } = resolveCollectorOptions(
      {},
      {
        ...BROKERS,
        DRIFTWATCH_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        DRIFTWATCH_KAFKA_SASL_USERNAME: 'collector',
        DRIFTWATCH_KAFKA_SASL_PASSWORD: 's3cret\n',
        DRIFTWATCH_KAFKA_TLS_CA_FILE: ca,
      },
    );
    expect(kafka?.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'collector',
      password: 's3cret',
    });
    expect(kafka?.tls).toEqual({
      ca: expect.stringContaining('BEGIN CERTIFICATE'),
      rejectUnauthorized: true,
    });
    expect(
      resolveCollectorOptions({}, { ...BROKERS, DRIFTWATCH_KAFKA_TLS: 'true' }).kafka?.tls,
    ).toBe(true);
  });

  it.each([
    [
      { DRIFTWATCH_KAFKA_BROKERS: 'kafka' },
      'kafka.brokers="kafka": expected one or more "host:port"',
    ],
    [{ DRIFTWATCH_KAFKA_BROKERS: 'kafka:99999' }, 'kafka.brokers="kafka:99999"'],
    [
      { ...BROKERS, DRIFTWATCH_KAFKA_GROUP_ID: 'my group' },
      'kafka.groupId="my group": expected 1-255 characters',
    ],
    [{ ...BROKERS, DRIFTWATCH_KAFKA_CLIENT_ID: 'a/b' }, 'kafka.clientId="a/b"'],
    [
      { ...BROKERS, DRIFTWATCH_KAFKA_TOPIC_SPANS: 'spans!' },
      'kafka.topics.spans="spans!": expected 1-249 characters of [a-zA-Z0-9._-]',
    ],
    [
      { ...BROKERS, DRIFTWATCH_KAFKA_DLQ_TOPIC: 'driftwatch.logs' },
      'kafka.topics="driftwatch.logs": expected a different topic for each signal and the DLQ',
    ],
    [
      { ...BROKERS, DRIFTWATCH_KAFKA_RETRY_MAX_MS: 'soon' },
      'kafka.retryMaxMs="soon": expected an integer in [100, 3600000]',
    ],
    [
      {
        ...BROKERS,
        DRIFTWATCH_KAFKA_SASL_MECHANISM: 'gssapi',
        DRIFTWATCH_KAFKA_SASL_USERNAME: 'u',
        DRIFTWATCH_KAFKA_SASL_PASSWORD: 'p',
      },
      'kafka.sasl.mechanism="gssapi": expected plain | scram-sha-256 | scram-sha-512',
    ],
    [
      { ...BROKERS, DRIFTWATCH_KAFKA_SASL_USERNAME: 'u' },
      'kafka.sasl.mechanism="": expected plain | scram-sha-256 | scram-sha-512 (credentials are set)',
    ],
    [{ ...BROKERS, DRIFTWATCH_KAFKA_TLS: 'maybe' }, 'kafka.tls="maybe": expected true or false'],
    [
      { ...BROKERS, DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED: 'false' },
      'kafka.tls.rejectUnauthorized="false": expected no value while TLS is off',
    ],
    [
      { ...BROKERS, DRIFTWATCH_KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem' },
      'kafka.tls.ca="/nonexistent/ca.pem": expected a readable PEM file',
    ],
  ])('refuses %o at start-up, naming the option and the value', (env, message) => {
    const error = refusal(env);
    expect(error.code).toBe(CollectorErrorCodes.INVALID_OPTION);
    expect(error.message).toContain(`invalid collector option ${message}`);
  });

  it('never shows a SASL password', () => {
    const error = refusal({
      ...BROKERS,
      DRIFTWATCH_KAFKA_SASL_MECHANISM: 'plain',
      DRIFTWATCH_KAFKA_SASL_USERNAME: 'u',
      DRIFTWATCH_KAFKA_SASL_PASSWORD: 'pa\u0007ss',
    });
    expect(error.message).toContain('kafka.sasl.password="***"');
    expect(JSON.stringify(error.details)).not.toContain('pa\u0007ss');
  });

  it('refuses a CA file that holds no certificate', () => {
    const key = join(dir, 'key.pem');
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
    expect(refusal({ ...BROKERS, DRIFTWATCH_KAFKA_TLS_CA_FILE: key }).message).toContain(
      `kafka.tls.ca="${key}": expected a PEM file holding a "-----BEGIN CERTIFICATE-----" block`,
    );
  });
});
