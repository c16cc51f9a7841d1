/** Kafka transport options: code > DRIFTWATCH_KAFKA_* > defaults, validation errors, SASL/TLS shapes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SdkError, SdkErrorCodes } from '../../src/errors.js';
import { init } from '../../src/init.js';
import {
  resolveKafkaOptions,
  type KafkaTransportOptions,
} from '../../src/transport/kafka-options.js';

function invalid(input: unknown, env: Record<string, string> = {}): SdkError {
  try {
    resolveKafkaOptions(input as KafkaTransportOptions, env);
  } catch (error) {
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe(SdkErrorCodes.INVALID_OPTION);
    return error as SdkError;
  }
  throw new Error(`accepted ${JSON.stringify(input)} with env ${JSON.stringify(env)}`);
}

const brokers = ['kafka-1:9092'];

describe('resolveKafkaOptions defaults', () => {
  it('fills every field and freezes the result', () => {
    const options = resolveKafkaOptions({ brokers }, {});
    expect(options).toEqual({
      brokers,
      clientId: 'driftwatch-sdk',
      topics: {
        predictions: 'driftwatch.predictions',
        labels: 'driftwatch.labels',
        logs: 'driftwatch.logs',
        spans: 'driftwatch.spans',
        metrics: 'driftwatch.metrics',
      },
      sasl: undefined,
      tls: false,
      compression: 'gzip',
      idempotent: true,
      acks: -1,
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 5000,
      sendTimeoutMs: 10_000,
      retries: 2,
      maxMessageBytes: 1_000_000,
      maxRequestBytes: 1_000_000,
    });
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(options.topics)).toBe(true);
    expect(Object.isFrozen(options.brokers)).toBe(true);
  });

  it('accepts brokers as a comma-separated string, host names, IPv4 and bracketed IPv6', () => {
    expect(
      resolveKafkaOptions({ brokers: 'a:1, b.example.com:9093,10.0.0.1:9092,[::1]:9094' }, {})
        .brokers,
    ).toEqual(['a:1', 'b.example.com:9093', '10.0.0.1:9092', '[::1]:9094']);
  });
});

describe('invalid options name the option and the value', () => {
  it.each([
    ['brokers missing', {}, 'transport.brokers', undefined],
    ['broker without port', { brokers: ['kafka-1'] }, 'transport.brokers', 'kafka-1'],
    ['port out of range', { brokers: ['kafka-1:70000'] }, 'transport.brokers', 'kafka-1:70000'],
    ['empty broker list', { brokers: [] }, 'transport.brokers', []],
    ['broker not a string', { brokers: [9092] }, 'transport.brokers', 9092],
    [
      'bad topic name',
      { brokers, topics: { logs: 'my logs' } },
      'transport.topics.logs',
      'my logs',
    ],
    [
      'topic name too long',
      { brokers, topics: { spans: 'x'.repeat(250) } },
      'transport.topics.spans',
      'x'.repeat(250),
    ],
    ['topic "."', { brokers, topics: { metrics: '.' } }, 'transport.topics.metrics', '.'],
    ['unknown signal', { brokers, topics: { traces: 't' } }, 'transport.topics.traces', 't'],
    ['compression', { brokers, compression: 'snappy' }, 'transport.compression', 'snappy'],
    ['acks out of range', { brokers, acks: 2 }, 'transport.acks', 2],
    ['acks 1 with the idempotent producer', { brokers, acks: 1 }, 'transport.acks', 1],
    ['clientId', { brokers, clientId: 'has space' }, 'transport.clientId', 'has space'],
    ['timeout zero', { brokers, sendTimeoutMs: 0 }, 'transport.sendTimeoutMs', 0],
    ['timeout fraction', { brokers, requestTimeoutMs: 1.5 }, 'transport.requestTimeoutMs', 1.5],
    ['negative retries', { brokers, retries: -1 }, 'transport.retries', -1],
    ['tiny maxMessageBytes', { brokers, maxMessageBytes: 10 }, 'transport.maxMessageBytes', 10],
    ['idempotent not boolean', { brokers, idempotent: 'yes' }, 'transport.idempotent', 'yes'],
  ])('%s', (_name, input, option, value) => {
    const error = invalid(input);
    expect(error.details.option).toBe(option);
    expect(error.details.value).toEqual(value);
    expect(error.message).toContain(option);
    if (value !== undefined) expect(error.message).toContain(JSON.stringify(value).slice(0, 40));
    expect(error.message).toMatch(/expected /);
  });

  it('says which environment variable held the bad value', () => {
    const error = invalid({ brokers }, { DRIFTWATCH_KAFKA_ACKS: 'all' });
    expect(error.message).toContain(
      'transport.acks (env DRIFTWATCH_KAFKA_ACKS): got "all", expected',
    );
    expect(error.details.source).toBe('DRIFTWATCH_KAFKA_ACKS');
    expect(invalid({}, { DRIFTWATCH_KAFKA_BROKERS: 'kafka-1' }).details.source).toBe(
      'DRIFTWATCH_KAFKA_BROKERS',
    );
    expect(
      invalid({ brokers }, { DRIFTWATCH_KAFKA_SEND_TIMEOUT_MS: 'soon' }).details,
    ).toMatchObject({
      option: 'transport.sendTimeoutMs',
      value: 'soon',
    });
    // An idempotent producer that may not retry: kafkajs would refuse every send.
    expect(invalid({ brokers, retries: 0 }).details).toMatchObject({
      option: 'transport.retries',
      value: 0,
    });
    expect(
      resolveKafkaOptions({ brokers, retries: 0, idempotent: false, acks: 1 }, {}).retries,
    ).toBe(0);
    // Decimal text only: Number() would read 0x10 as 16.
    expect(
      invalid({ brokers }, { DRIFTWATCH_KAFKA_SEND_TIMEOUT_MS: '0x10' }).details,
    ).toMatchObject({ option: 'transport.sendTimeoutMs', value: '0x10' });
    expect(invalid({ brokers }, { DRIFTWATCH_KAFKA_TOPIC_LOGS: 'a/b' }).details).toMatchObject({
      option: 'transport.topics.logs',
      value: 'a/b',
      source: 'DRIFTWATCH_KAFKA_TOPIC_LOGS',
    });
  });

  it.each([
    ['transport.compresion', { brokers, compresion: 'gzip' }],
    [
      'transport.sasl.pasword',
      { brokers, sasl: { mechanism: 'plain', username: 'u', pasword: 'p' } },
    ],
    ['transport.tls.certificate', { brokers, tls: { certificate: 'pem' } }],
  ])('a misspelt option fails naming it: %s', (option, input) => {
    const error = invalid(input);
    expect(error.details.option).toBe(option);
    expect(error.message).toContain('no such option');
    // Named as the README and init() name them: transport.*, with type: 'kafka'.
    expect(error.message).toMatch(/known: transport\.(type|sasl\.mechanism|tls\.ca), /);
    expect(error.message).not.toMatch(/\bkafka\./);
  });

  it('refuses two signals on one topic: the collector reads one signal per topic', () => {
    // The collector would send every record of the second signal to its dead-letter topic (and
    // refuses such a topic list itself), so the producer must not write it.
    const shared = invalid({ brokers, topics: { logs: 'telemetry', spans: 'telemetry' } });
    expect(shared.details).toMatchObject({ option: 'transport.topics.spans', value: 'telemetry' });
    expect(shared.message).toContain('topics.logs is also "telemetry"');
    // A signal set to another's default topic, and from the environment.
    expect(invalid({ brokers, topics: { metrics: 'driftwatch.logs' } }).details).toMatchObject({
      option: 'transport.topics.metrics',
      value: 'driftwatch.logs',
    });
    expect(
      invalid({ brokers }, { DRIFTWATCH_KAFKA_TOPIC_LABELS: 'driftwatch.predictions' }).details,
    ).toMatchObject({
      option: 'transport.topics.labels',
      source: 'DRIFTWATCH_KAFKA_TOPIC_LABELS',
    });
  });

  it('an http option under a kafka transport is named as init() names it', () => {
    const error = invalid({ brokers, url: 'http://x' });
    expect(error.message).toContain(
      'invalid option transport.url: got "***", expected no such option; known: transport.type, transport.brokers,',
    );
  });

  it('integer options say their range, upper bound included', () => {
    expect(invalid({ brokers, requestTimeoutMs: 3_000_000_000 }).message).toBe(
      'invalid option transport.requestTimeoutMs: got 3000000000, expected an integer from 1 to 2147483647',
    );
    expect(
      invalid({ brokers }, { DRIFTWATCH_KAFKA_SEND_TIMEOUT_MS: '3000000000' }).message,
    ).toContain('expected an integer from 1 to 2147483647');
    expect(invalid({ brokers, retries: -1 }).message).toContain(
      'expected an integer from 0 to 2147483647',
    );
  });

  it('init() fails at start-up with the same error', () => {
    expect(() =>
      init({ transport: { type: 'kafka', brokers: ['nope'] }, metrics: { enabled: false } }, {}),
    ).toThrowError(
      expect.objectContaining({
        code: 'DW_SDK_INVALID_OPTION',
        message: expect.stringContaining('"nope"'),
      }),
    );
  });
});

describe('DRIFTWATCH_KAFKA_* environment', () => {
  it('reads every documented variable, trimmed; code wins over env', () => {
    const options = resolveKafkaOptions(
      { clientId: 'from-code' },
      {
        DRIFTWATCH_KAFKA_BROKERS: ' k1:9092,k2:9092 ',
        DRIFTWATCH_KAFKA_CLIENT_ID: 'from-env',
        DRIFTWATCH_KAFKA_TOPIC_PREDICTIONS: 'acme.preds',
        DRIFTWATCH_KAFKA_TOPIC_LOGS: 'acme.logs',
        DRIFTWATCH_KAFKA_COMPRESSION: 'none',
        DRIFTWATCH_KAFKA_IDEMPOTENT: 'false',
        DRIFTWATCH_KAFKA_ACKS: '1',
        DRIFTWATCH_KAFKA_CONNECTION_TIMEOUT_MS: '1500',
        DRIFTWATCH_KAFKA_REQUEST_TIMEOUT_MS: '2500',
        DRIFTWATCH_KAFKA_SEND_TIMEOUT_MS: '7000',
      },
    );
    expect(options).toMatchObject({
      brokers: ['k1:9092', 'k2:9092'],
      clientId: 'from-code',
      compression: 'none',
      idempotent: false,
      acks: 1,
      connectionTimeoutMs: 1500,
      requestTimeoutMs: 2500,
      sendTimeoutMs: 7000,
    });
    expect(options.topics).toMatchObject({
      predictions: 'acme.preds',
      logs: 'acme.logs',
      spans: 'driftwatch.spans',
    });
  });

  it('treats empty variables as unset', () => {
    const options = resolveKafkaOptions(
      { brokers },
      {
        DRIFTWATCH_KAFKA_COMPRESSION: '  ',
        DRIFTWATCH_KAFKA_SASL_MECHANISM: '',
        DRIFTWATCH_KAFKA_TLS: '',
        DRIFTWATCH_KAFKA_TLS_CA_FILE: ' ',
        DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED: '',
      },
    );
    expect(options.compression).toBe('gzip');
    expect(options.sasl).toBeUndefined();
    expect(options.tls).toBe(false);
  });
});

describe('SASL', () => {
  it('takes mechanism, username and password from code (mechanism case-insensitive)', () => {
    const options = resolveKafkaOptions(
      {
        brokers,
        sasl: {
          mechanism: 'SCRAM-SHA-512' as 'scram-sha-512',
          username: 'svc',
          password: 's3cret',
        },
      },
      {},
    );
    expect(options.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'svc',
      password: 's3cret',
    });
    expect(Object.isFrozen(options.sasl)).toBe(true);
  });

  it('takes them from the environment', () => {
    const options = resolveKafkaOptions(
      { brokers },
      {
        DRIFTWATCH_KAFKA_SASL_MECHANISM: 'plain',
        DRIFTWATCH_KAFKA_SASL_USERNAME: 'u',
        DRIFTWATCH_KAFKA_SASL_PASSWORD: 'p',
      },
    );
    expect(options.sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'p' });
  });

  it('rejects unknown mechanisms, missing credentials, and never shows the password', () => {
    expect(
      invalid({ brokers, sasl: { mechanism: 'gssapi', username: 'u', password: 'p' } }).details
        .option,
    ).toBe('transport.sasl.mechanism');
    expect(invalid({ brokers, sasl: null }).details.option).toBe('transport.sasl');
    expect(invalid({ brokers, sasl: { mechanism: 'plain', password: 'p' } }).details.option).toBe(
      'transport.sasl.username',
    );
    const error = invalid(
      { brokers },
      { DRIFTWATCH_KAFKA_SASL_MECHANISM: 'plain', DRIFTWATCH_KAFKA_SASL_USERNAME: 'u' },
    );
    expect(error.details).toMatchObject({
      option: 'transport.sasl.password',
      source: 'DRIFTWATCH_KAFKA_SASL_PASSWORD',
    });
    // Unset, not a hidden value: "***" would read as if one were set.
    expect(error.message).toContain('got "(unset)"');
    const secret = invalid({ brokers, sasl: { mechanism: 'plain', username: 'u', password: 42 } });
    expect(secret.message).not.toContain('42');
    expect(secret.details.value).toBe('***');
  });

  it('refuses credentials in the environment without a mechanism (they would go unused)', () => {
    for (const mechanism of [undefined, '', '   ']) {
      const error = invalid(
        { brokers },
        {
          ...(mechanism === undefined ? {} : { DRIFTWATCH_KAFKA_SASL_MECHANISM: mechanism }),
          DRIFTWATCH_KAFKA_SASL_USERNAME: 'svc',
          DRIFTWATCH_KAFKA_SASL_PASSWORD: 'hunter2',
        },
      );
      expect(error.details).toMatchObject({
        option: 'transport.sasl.mechanism',
        source: 'DRIFTWATCH_KAFKA_SASL_MECHANISM',
      });
      expect(error.message).toContain('DRIFTWATCH_KAFKA_SASL_USERNAME is set');
      expect(error.message).not.toContain('hunter2');
    }
  });
});

describe('TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-kafka-tls-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts true, false and PEM material from code', () => {
    expect(resolveKafkaOptions({ brokers, tls: true }, {}).tls).toBe(true);
    expect(resolveKafkaOptions({ brokers, tls: false }, {}).tls).toBe(false);
    const ca = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
    expect(resolveKafkaOptions({ brokers, tls: { ca, cert: 'CERT', key: 'KEY' } }, {}).tls).toEqual(
      {
        ca,
        cert: 'CERT',
        key: 'KEY',
        rejectUnauthorized: true,
      },
    );
    expect(resolveKafkaOptions({ brokers, tls: { rejectUnauthorized: false } }, {}).tls).toEqual({
      rejectUnauthorized: false,
    });
  });

  it('reads DRIFTWATCH_KAFKA_TLS, _TLS_CA_FILE and _TLS_REJECT_UNAUTHORIZED', () => {
    expect(resolveKafkaOptions({ brokers }, { DRIFTWATCH_KAFKA_TLS: 'true' }).tls).toBe(true);
    expect(
      resolveKafkaOptions(
        { brokers },
        { DRIFTWATCH_KAFKA_TLS: '1', DRIFTWATCH_KAFKA_TLS_REJECT_UNAUTHORIZED: 'false' },
      ).tls,
    ).toEqual({
      rejectUnauthorized: false,
    });
    expect(resolveKafkaOptions({ brokers }, { DRIFTWATCH_KAFKA_TLS_CA_FILE: caFile }).tls).toEqual({
      ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      rejectUnauthorized: true,
    });
    // A CA file while DRIFTWATCH_KAFKA_TLS=false is refused (kafka-tls-env.test.ts).
  });

  it('rejects bad shapes without echoing key material', () => {
    expect(invalid({ brokers, tls: 'yes' }).details.option).toBe('transport.tls');
    const error = invalid({ brokers, tls: { key: Buffer.from('PRIVATE') } });
    expect(error.details.option).toBe('transport.tls.key');
    expect(error.message).not.toContain('PRIVATE');
    expect(invalid({ brokers, tls: { rejectUnauthorized: 'no' } }).details.option).toBe(
      'transport.tls.rejectUnauthorized',
    );
    expect(invalid({ brokers }, { DRIFTWATCH_KAFKA_TLS: 'maybe' }).details.option).toBe(
      'transport.tls',
    );
    expect(
      invalid({ brokers }, { DRIFTWATCH_KAFKA_TLS_CA_FILE: join(dir, 'missing.pem') }).details,
    ).toMatchObject({
      option: 'transport.tls.ca',
      source: 'DRIFTWATCH_KAFKA_TLS_CA_FILE',
    });
  });
});

describe('values that only fail later are refused at start-up', () => {
  it('acks: every bad value says which three are valid', () => {
    for (const [input, env] of [
      [{ brokers }, { DRIFTWATCH_KAFKA_ACKS: 'all' }],
      [{ brokers, acks: 2 }, {}],
      [{ brokers, acks: -2 }, {}],
      [{ brokers, acks: '2', idempotent: false }, {}],
      [{ brokers, acks: ' 1', idempotent: false }, {}],
    ] as const) {
      const error = invalid(input, env);
      expect(error.details.option).toBe('transport.acks');
      expect(error.message).toContain('expected -1 (all in-sync replicas), 0 or 1');
    }
    expect(
      resolveKafkaOptions(
        { brokers },
        { DRIFTWATCH_KAFKA_ACKS: '0', DRIFTWATCH_KAFKA_IDEMPOTENT: 'false' },
      ).acks,
    ).toBe(0);
  });

  it('acks and tls from code also take their text forms, as the other Kafka options do', () => {
    const text = (input: Record<string, unknown>) =>
      resolveKafkaOptions({ brokers, ...input } as KafkaTransportOptions, {});
    expect(text({ acks: '1', idempotent: 'false' }).acks).toBe(1);
    expect(text({ acks: '0', idempotent: 'false' }).acks).toBe(0);
    expect(text({ acks: '-1' }).acks).toBe(-1);
    expect(text({ retries: '5', idempotent: 'false' })).toMatchObject({ retries: 5 });
    expect(text({ tls: 'true' }).tls).toBe(true);
    expect(text({ tls: '1' }).tls).toBe(true);
    expect(text({ tls: 'false' }).tls).toBe(false);
    expect(text({ tls: '0' }).tls).toBe(false);
    expect(invalid({ brokers, tls: 'on' }).message).toContain(
      'expected true, false or { ca?, cert?, key?, rejectUnauthorized? }',
    );
  });

  it('a client certificate without its key, or a key without its certificate', () => {
    expect(invalid({ brokers, tls: { cert: 'CERT' } }).details).toMatchObject({
      option: 'transport.tls.key',
    });
    const error = invalid({ brokers, tls: { key: 'PRIVATE KEY' } });
    expect(error.details.option).toBe('transport.tls.cert');
    expect(error.message).toContain('tls.key is set');
    expect(error.message).not.toContain('PRIVATE KEY');
  });
});
