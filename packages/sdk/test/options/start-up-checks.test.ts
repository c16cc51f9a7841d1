/**
 * Options that used to pass resolveOptions() and fail (or go silently wrong) only later, at
 * runtime: each must fail at start-up naming the option and the value, without echoing secrets,
 * and what is resolved must be frozen all the way down.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOptions, SdkErrorCodes, type DriftwatchOptions } from '../../src/index.js';
import { resolveKafkaOptions } from '../../src/transport/kafka-options.js';
import { failure } from '../support/sdk-error.js';

describe('kafka transport options', () => {
  it('are validated by resolveOptions, not first when the transport is created', () => {
    const error = failure(() => resolveOptions({ transport: { type: 'kafka' } }, {}));
    expect(error.code).toBe(SdkErrorCodes.INVALID_OPTION);
    expect(error.details.option).toBe('transport.brokers');
    const fromEnv = failure(() =>
      resolveOptions({}, { DRIFTWATCH_TRANSPORT: 'kafka', DRIFTWATCH_KAFKA_BROKERS: 'nope' }),
    );
    expect(fromEnv.message).toContain('DRIFTWATCH_KAFKA_BROKERS');
    expect(fromEnv.message).toContain('"nope"');
  });

  it('are resolved with env and defaults and frozen all the way down, apart from the caller', () => {
    const brokers = ['k1:9092'];
    const sasl = { mechanism: 'plain' as const, username: 'u', password: 'p' };
    const resolved = resolveOptions(
      { transport: { type: 'kafka', brokers, sasl, topics: { logs: 'acme.logs' } } },
      { DRIFTWATCH_KAFKA_CLIENT_ID: 'from-env' },
    );
    if (resolved.transport.type !== 'kafka') throw new Error('expected kafka');
    const kafka = resolved.transport.input;
    expect(kafka).toMatchObject({
      brokers: ['k1:9092'],
      clientId: 'from-env',
      compression: 'gzip',
    });
    expect(kafka.topics).toMatchObject({ logs: 'acme.logs', spans: 'driftwatch.spans' });
    expect(Object.isFrozen(kafka.brokers)).toBe(true);
    expect(Object.isFrozen(kafka.sasl)).toBe(true);
    expect(Object.isFrozen(kafka.topics)).toBe(true);
    // The caller's own objects are neither frozen nor shared.
    expect(Object.isFrozen(brokers)).toBe(false);
    brokers.push('k2:9092');
    expect(kafka.brokers).toEqual(['k1:9092']);
  });

  it('resolve again to the same options (createTransport resolves what it is given)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-options-'));
    try {
      const caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      const env = {
        DRIFTWATCH_TRANSPORT: 'kafka',
        DRIFTWATCH_KAFKA_BROKERS: 'k1:9092, k2:9093',
        DRIFTWATCH_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        DRIFTWATCH_KAFKA_SASL_USERNAME: 'svc',
        DRIFTWATCH_KAFKA_SASL_PASSWORD: 'pw',
        DRIFTWATCH_KAFKA_TLS_CA_FILE: caFile,
        DRIFTWATCH_KAFKA_ACKS: '-1',
      };
      const { transport } = resolveOptions({}, env);
      if (transport.type !== 'kafka') throw new Error('expected kafka');
      expect(transport.input.sasl).toEqual({
        mechanism: 'scram-sha-512',
        username: 'svc',
        password: 'pw',
      });
      expect(resolveKafkaOptions(transport.input as never, env)).toEqual(transport.input);
      // The CA file was read once, at start-up: it may be gone by the time the transport starts.
      rmSync(caFile);
      expect(resolveKafkaOptions(transport.input as never, env)).toEqual(transport.input);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('transport', () => {
  it.each([
    ['http://collector:7070/', 'http://collector:7070'],
    ['http://collector:7070/base//', 'http://collector:7070/base'],
    ['http://collector:7070/base/?next=/', 'http://collector:7070/base?next=/'],
    ['http://collector:7070/base?a=1/#x/', 'http://collector:7070/base?a=1/#x/'],
  ])('trailing slashes leave the path of %j, never its query', (url, expected) => {
    const { transport } = resolveOptions({ transport: { type: 'http', url } }, {});
    expect(transport).toMatchObject({ type: 'http', url: expected });
  });

  it.each([
    ['env', {}, { DRIFTWATCH_COLLECTOR_URL: 'https://svc:hunter2@collector:99999' }],
    ['code', { transport: { type: 'http', url: 'https://svc:hunter2@collector:99999' } }, {}],
    ['code', { transport: { type: 'http', url: 'http://svc:hunter2@collector/a b' } }, {}],
    ['env (no scheme)', {}, { DRIFTWATCH_COLLECTOR_URL: 'ops:hunter2@collector:7070' }],
    ['env (a # in it)', {}, { DRIFTWATCH_COLLECTOR_URL: 'http://ops:hunter2#x@collector:7070' }],
    [
      'code (a ? in it)',
      { transport: { type: 'http', url: 'http://ops:hun?hunter2@collector' } },
      {},
    ],
    [
      'code (a line break)',
      { transport: { type: 'http', url: 'http://u\n:hunter2@collector' } },
      {},
    ],
  ] as Array<[string, DriftwatchOptions, Record<string, string>]>)(
    'an invalid collector URL from %s is named without the password it holds',
    (_source, input, env) => {
      const error = failure(() => resolveOptions(input, env));
      expect(error.details.option).toMatch(/^transport\.url/);
      expect(error.message).not.toContain('hunter2');
      expect(JSON.stringify(error.details)).not.toContain('hunter2');
      expect(error.message).toContain('collector');
    },
  );

  it("keeps the host of an invalid URL in view when its query holds an '@'", () => {
    const url = 'http://collector:99999/?email=ops@example.com';
    const error = failure(() => resolveOptions({ transport: { type: 'http', url } }, {}));
    expect(error.message).toContain(JSON.stringify(url));
  });

  it.each<[string, object]>([
    ['transport.isReady', { name: 'mine', send: async () => ({ ok: true }) }],
    [
      'transport.shutdown',
      { name: 'mine', send: async () => ({ ok: true }), isReady: () => true, shutdown: 1 },
    ],
    // Not taken for options with a misspelt key ("no such option send").
    ['transport.send', { send: 5, isReady: () => true, shutdown: async () => undefined }],
  ])('a custom transport without %s fails at start-up', (option, transport) => {
    // Without isReady the readiness check would throw on every probe (never ready, no word why).
    const error = failure(() => resolveOptions({ transport: transport as never }, {}));
    expect(error.details.option).toBe(option);
    expect(error.details.expected).toMatch(/^a function/);
  });
});

describe('predictions', () => {
  it.each([
    ['', 0.5],
    ['risk\u0001', 0.5],
    ['m'.repeat(129), 0.5],
  ])('a model name no prediction can carry (%j) fails naming it', (model, ratio) => {
    // A ratio for a name the schema refuses never applies, yet raised the ratio of labels
    // logged without a model (the largest ratio configured).
    const error = failure(() =>
      resolveOptions({ predictions: { modelSampleRatios: { [model]: ratio } } }, {}),
    );
    expect(error.details.option).toBe('predictions.modelSampleRatios');
    expect(error.details.value).toBe(model);
  });

  it('more than 10000 model ratios fail naming the option and the count', () => {
    const ratios = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`model-${i}`, 0.5]));
    expect(
      Object.keys(
        resolveOptions({ predictions: { modelSampleRatios: ratios(10_000) } }, {}).predictions
          .modelSampleRatios,
      ),
    ).toHaveLength(10_000);
    // 200000 made init() throw a bare RangeError after the metrics server and GPU child started.
    const error = failure(() =>
      resolveOptions({ predictions: { modelSampleRatios: ratios(200_000) } }, {}),
    );
    expect(error.code).toBe(SdkErrorCodes.INVALID_OPTION);
    expect(error.details.option).toBe('predictions.modelSampleRatios');
    expect(error.message).toContain('200000 models');
    expect(error.message).toContain('at most 10000');
  });

  it('a model named __proto__ keeps its ratio', () => {
    const ratios = JSON.parse('{"__proto__": 0.25, "risk": 0.5}') as Record<string, number>;
    const resolved = resolveOptions({ predictions: { modelSampleRatios: ratios } }, {});
    const out = resolved.predictions.modelSampleRatios;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(out['__proto__']).toBe(0.25);
    expect(out['risk']).toBe(0.5);
  });

  it.each([
    ['a bigint', [0, 1n, 2]],
    ['a hole at the end', Object.assign(new Array<number>(3), [0, 1])],
  ])('score buckets holding %s fail as an invalid option', (_what, buckets) => {
    const error = failure(() =>
      resolveOptions({ predictions: { scoreBuckets: buckets as never } }, {}),
    );
    expect(error.details.option).toBe('predictions.scoreBuckets');
  });
});

describe('lists', () => {
  it.each([
    ['logs.redact', { logs: { redact: 'password,token' as never } }],
    ['logs.secretKeys', { logs: { secretKeys: 'apiKey' as never } }],
  ])(
    '%s from code must be an array (text is parsed only from the environment)',
    (option, input) => {
      const error = failure(() => resolveOptions(input, {}));
      expect(error.details.option).toBe(option);
    },
  );

  it('a sparse list fails instead of passing undefined on', () => {
    const error = failure(() =>
      resolveOptions({ logs: { secretKeys: Object.assign(new Array<string>(2), ['apiKey']) } }, {}),
    );
    expect(error.details.option).toBe('logs.secretKeys');
  });
});

describe('metrics.host', () => {
  it.each(['localhost:9464', '0.0.0.0:9464', '[::1]', 'http://host', 'bad_host!'])(
    '%j fails at start-up, not with one error line when the endpoint listens',
    (host) => {
      const error = failure(() => resolveOptions({}, { DRIFTWATCH_METRICS_HOST: host }));
      expect(error.details).toMatchObject({
        option: 'metrics.host',
        source: 'DRIFTWATCH_METRICS_HOST',
      });
      expect(error.details.value).toBe(host);
    },
  );

  it.each([
    '0.0.0.0',
    '127.0.0.1',
    '::',
    '::1',
    'fe80::1%eth0',
    'localhost',
    'metrics.svc.cluster.local',
    'my-host',
  ])('%j is accepted', (host) => {
    expect(resolveOptions({ metrics: { host } }, {}).metrics.host).toBe(host);
  });
});

describe('values with no string form', () => {
  it.each([
    ['serviceName', { serviceName: Object.create(null) }, 'an object'],
    ['queue', { queue: [] }, 'an array'],
  ])('%s: the option is named and the value described', (option, input, shown) => {
    const error = failure(() => resolveOptions(input as DriftwatchOptions, {}));
    expect(error.code).toBe(SdkErrorCodes.INVALID_OPTION);
    expect(error.message).toContain(`invalid option ${option}: got ${shown}, expected`);
  });
});
