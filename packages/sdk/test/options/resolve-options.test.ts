/** Options: every invalid value (code and DRIFTWATCH_* env) fails naming option and value; code > env > default. */
import { describe, expect, it } from 'vitest';
import { init, resolveOptions, SdkErrorCodes, type DriftwatchOptions } from '../../src/index.js';
import { failure } from '../support/sdk-error.js';

const invalidCode: Array<[string, DriftwatchOptions, unknown]> = [
  ['serviceName', { serviceName: '' }, ''],
  ['serviceName', { serviceName: 'a'.repeat(129) }, 'a'.repeat(129)],
  ['serviceName', { serviceName: 'bad\nname' }, 'bad\nname'],
  // From the environment a blank value is unset; from code it is no name either.
  ['serviceName', { serviceName: '   ' }, '   '],
  ['environment', { environment: ' ' }, ' '],
  ['serviceVersion', { serviceVersion: 3 as never }, 3],
  ['environment', { environment: 'prod\u0007' }, 'prod\u0007'],
  ['transport', { transport: 'kafka' as never }, 'kafka'],
  ['transport.type', { transport: { type: 'carrier-pigeon' } as never }, 'carrier-pigeon'],
  ['transport.url', { transport: { type: 'http', url: 'ftp://collector' } }, 'ftp://collector'],
  // No host after `//`: the URL parser would take the path's first segment for the host.
  ['transport.url', { transport: { type: 'http', url: 'http:///v1' } }, 'http:///v1'],
  ['transport.timeoutMs', { transport: { type: 'http', timeoutMs: 0 } }, 0],
  ['transport.gzipMinBytes', { transport: { type: 'http', gzipMinBytes: -1 } }, -1],
  ['transport.gzipLevel', { transport: { type: 'http', gzipLevel: 10 } }, 10],
  ['queue', { queue: [] as never }, []],
  ['queue.maxItems', { queue: { maxItems: 0 } }, 0],
  ['queue.maxItems', { queue: { maxItems: 1.5 } }, 1.5],
  ['queue.maxBytes', { queue: { maxBytes: 10 } }, 10],
  ['queue.dropPolicy', { queue: { dropPolicy: 'drop-random' as never } }, 'drop-random'],
  ['batch.maxItems', { batch: { maxItems: 10_001 } }, 10_001],
  ['batch.maxBytes', { batch: { maxBytes: Number.NaN } }, Number.NaN],
  ['batch.lingerMs', { batch: { lingerMs: -5 } }, -5],
  ['retry.initialBackoffMs', { retry: { initialBackoffMs: 0 } }, 0],
  ['retry.maxBackoffMs', { retry: { maxBackoffMs: '100' as never } }, '100'],
  ['retry.deadlineMs', { retry: { deadlineMs: Infinity } }, Infinity],
  ['traces.enabled', { traces: { enabled: 'yes' as never } }, 'yes'],
  ['traces.sampleRatio', { traces: { sampleRatio: 1.5 } }, 1.5],
  ['traces.registerGlobal', { traces: { registerGlobal: 1 as never } }, 1],
  ['logs.level', { logs: { level: 'verbose' as never } }, 'verbose'],
  ['logs.export', { logs: { export: null as never } }, null],
  ['logs.sync', { logs: { sync: 'no' as never } }, 'no'],
  ['logs.redact', { logs: { redact: ['ok', ''] } }, ['ok', '']],
  // pino took these at start-up, then threw from every log call (or created a file "stdout").
  ['logs.destination', { logs: { destination: {} as never } }, {}],
  ['logs.destination', { logs: { destination: 'stdout' as never } }, 'stdout'],
  ['logs.destination', { logs: { destination: { write: 'x' } as never } }, { write: 'x' }],
  ['diagnostics.destination', { diagnostics: { destination: 'stderr' as never } }, 'stderr'],
  ['diagnostics.destination', { diagnostics: { destination: null as never } }, null],
  ['metrics.enabled', { metrics: { enabled: 'no' as never } }, 'no'],
  ['metrics.port', { metrics: { port: 70_000 } }, 70_000],
  ['metrics.host', { metrics: { host: 'a b' } }, 'a b'],
  // All digits and dots: an IPv4 address or nothing (it failed later, at listen()).
  ['metrics.host', { metrics: { host: '256.1.1.1' } }, '256.1.1.1'],
  ['metrics.route', { metrics: { route: 'metrics' } }, 'metrics'],
  ['metrics.serve', { metrics: { serve: 'false' as never } }, 'false'],
  ['metrics.exportIntervalMs', { metrics: { exportIntervalMs: 10 } }, 10],
  ['metrics.runtime', { metrics: { runtime: 0 as never } }, 0],
  ['metrics.eventLoopDelayResolutionMs', { metrics: { eventLoopDelayResolutionMs: 0 } }, 0],
  ['metrics.eventLoopDelayResolutionMs', { metrics: { eventLoopDelayResolutionMs: 2.5 } }, 2.5],
  ['metrics.eventLoopDelayResolutionMs', { metrics: { eventLoopDelayResolutionMs: 1001 } }, 1001],
  ['metrics.gpu', { metrics: { gpu: true as never } }, true],
  ['metrics.gpu.enabled', { metrics: { gpu: { enabled: 'on' as never } } }, 'on'],
  ['metrics.gpu.intervalMs', { metrics: { gpu: { intervalMs: 1 } } }, 1],
  ['metrics.gpu.command', { metrics: { gpu: { command: '' } } }, ''],
  ['predictions.sampleRatio', { predictions: { sampleRatio: -0.1 } }, -0.1],
  ['predictions.modelSampleRatios.risk', { predictions: { modelSampleRatios: { risk: 2 } } }, 2],
  ['predictions.scoreBuckets', { predictions: { scoreBuckets: [0.5, 0.1] } }, '[0.5,0.1]'],
  [
    'predictions.scoreBuckets',
    { predictions: { scoreBuckets: Array.from({ length: 257 }, (_, i) => i) } },
    '257 bounds',
  ],
  ['diagnostics.level', { diagnostics: { level: 'loud' as never } }, 'loud'],
  ['handleSignals', { handleSignals: 'true' as never }, 'true'],
  ['shutdownTimeoutMs', { shutdownTimeoutMs: -1 }, -1],
];

const invalidEnv: Array<[string, string, string]> = [
  ['DRIFTWATCH_SERVICE_NAME', 'x'.repeat(200), 'serviceName'],
  ['DRIFTWATCH_SERVICE_VERSION', 'v'.repeat(65), 'serviceVersion'],
  ['DRIFTWATCH_ENVIRONMENT', 'prod\u0001', 'environment'],
  ['DRIFTWATCH_TRANSPORT', 'smtp', 'transport.type'],
  ['DRIFTWATCH_COLLECTOR_URL', 'collector:7070', 'transport.url'],
  ['DRIFTWATCH_COLLECTOR_TIMEOUT_MS', 'soon', 'transport.timeoutMs'],
  ['DRIFTWATCH_QUEUE_MAX_ITEMS', '-1', 'queue.maxItems'],
  ['DRIFTWATCH_QUEUE_MAX_BYTES', '1e20', 'queue.maxBytes'],
  ['DRIFTWATCH_QUEUE_DROP_POLICY', 'oldest', 'queue.dropPolicy'],
  ['DRIFTWATCH_BATCH_MAX_ITEMS', '0x', 'batch.maxItems'],
  ['DRIFTWATCH_BATCH_MAX_BYTES', '12', 'batch.maxBytes'],
  ['DRIFTWATCH_BATCH_LINGER_MS', '1.5', 'batch.lingerMs'],
  ['DRIFTWATCH_RETRY_INITIAL_BACKOFF_MS', '0', 'retry.initialBackoffMs'],
  ['DRIFTWATCH_RETRY_MAX_BACKOFF_MS', 'ten', 'retry.maxBackoffMs'],
  ['DRIFTWATCH_RETRY_DEADLINE_MS', '-10', 'retry.deadlineMs'],
  ['DRIFTWATCH_RETRY_DEADLINE_MS', '0', 'retry.deadlineMs'],
  ['DRIFTWATCH_TRACES_ENABLED', 'yes', 'traces.enabled'],
  ['DRIFTWATCH_TRACES_SAMPLE_RATIO', '2', 'traces.sampleRatio'],
  ['DRIFTWATCH_LOG_LEVEL', 'loud', 'logs.level'],
  ['DRIFTWATCH_LOGS_EXPORT', 'maybe', 'logs.export'],
  ['DRIFTWATCH_LOG_SYNC', 'sometimes', 'logs.sync'],
  ['DRIFTWATCH_LOG_REDACT', 'a,,b', 'logs.redact'],
  ['DRIFTWATCH_METRICS_ENABLED', 'nope', 'metrics.enabled'],
  ['DRIFTWATCH_METRICS_PORT', '65536', 'metrics.port'],
  ['DRIFTWATCH_METRICS_HOST', 'host/name', 'metrics.host'],
  ['DRIFTWATCH_METRICS_HOST', '10.0.0.300', 'metrics.host'],
  ['DRIFTWATCH_METRICS_ROUTE', '/metrics?x', 'metrics.route'],
  // Sent percent-encoded by every client, so never equal to the raw path the server compares.
  ['DRIFTWATCH_METRICS_ROUTE', '/m\u00e9trics', 'metrics.route'],
  ['DRIFTWATCH_METRICS_ROUTE', '/a%20b', 'metrics.route'],
  ['DRIFTWATCH_METRICS_SERVE', 'off', 'metrics.serve'],
  ['DRIFTWATCH_METRICS_EXPORT_INTERVAL_MS', '99', 'metrics.exportIntervalMs'],
  ['DRIFTWATCH_RUNTIME_METRICS', 'y', 'metrics.runtime'],
  ['DRIFTWATCH_EVENT_LOOP_DELAY_RESOLUTION_MS', '10ms', 'metrics.eventLoopDelayResolutionMs'],
  ['DRIFTWATCH_GPU_ENABLED', '2', 'metrics.gpu.enabled'],
  ['DRIFTWATCH_GPU_INTERVAL_MS', '49', 'metrics.gpu.intervalMs'],
  ['DRIFTWATCH_NVIDIA_SMI', 'nvidia\u0007smi', 'metrics.gpu.command'],
  ['DRIFTWATCH_PREDICTIONS_SAMPLE_RATIO', '1.01', 'predictions.sampleRatio'],
  ['DRIFTWATCH_DIAG_LEVEL', 'chatty', 'diagnostics.level'],
  ['DRIFTWATCH_HANDLE_SIGNALS', 'TRUE!', 'handleSignals'],
  ['DRIFTWATCH_SHUTDOWN_TIMEOUT_MS', '1h', 'shutdownTimeoutMs'],
  // Number() would read these as 16, 3, 8 and Infinity: only decimal text is a number here.
  ['DRIFTWATCH_QUEUE_MAX_ITEMS', '0x10', 'queue.maxItems'],
  ['DRIFTWATCH_BATCH_LINGER_MS', '0b11', 'batch.lingerMs'],
  ['DRIFTWATCH_METRICS_PORT', '0o10', 'metrics.port'],
  ['DRIFTWATCH_RETRY_DEADLINE_MS', 'Infinity', 'retry.deadlineMs'],
];

describe('invalid options', () => {
  it.each(invalidCode)('%s from code', (option, input, value) => {
    const error = failure(() => resolveOptions(input, {}));
    expect(error.code).toBe(SdkErrorCodes.INVALID_OPTION);
    expect(error.details.option).toBe(option);
    expect(error.details.value).toEqual(value);
    expect(error.message).toContain(`invalid option ${option}:`);
    expect(typeof error.details.expected).toBe('string');
  });

  it.each(invalidEnv)('%s=%j', (name, raw, option) => {
    const error = failure(() => resolveOptions({}, { [name]: raw }));
    expect(error.code).toBe(SdkErrorCodes.INVALID_OPTION);
    expect(error.details.option).toBe(option);
    expect(error.details.source).toBe(name);
    expect(error.details.value).toBe(raw.trim());
    expect(error.message).toContain(option);
    expect(error.message).toContain(name);
    expect(error.message).toContain(JSON.stringify(raw.trim()));
  });

  it('details name the option alone and where the value came from, as the Kafka options do', () => {
    const fromEnv = failure(() => resolveOptions({}, { DRIFTWATCH_METRICS_PORT: '99999' }));
    expect(fromEnv.details).toEqual({
      option: 'metrics.port',
      value: '99999',
      source: 'DRIFTWATCH_METRICS_PORT',
      expected: 'an integer from 0 to 65535',
    });
    const fromCode = failure(() => resolveOptions({ metrics: { port: 99999 } }, {}));
    expect(fromCode.details).toMatchObject({ option: 'metrics.port', source: 'code' });
    const kafka = failure(() =>
      resolveOptions(
        {},
        {
          DRIFTWATCH_TRANSPORT: 'kafka',
          DRIFTWATCH_KAFKA_BROKERS: 'k1:9092',
          DRIFTWATCH_KAFKA_ACKS: '2',
        },
      ),
    );
    expect(Object.keys(kafka.details).sort()).toEqual(Object.keys(fromEnv.details).sort());
  });

  it('decimal text in any common form is a number: 1e3, +12, .5, 2.', () => {
    const options = resolveOptions(
      {},
      {
        DRIFTWATCH_QUEUE_MAX_ITEMS: '1e3',
        DRIFTWATCH_BATCH_MAX_ITEMS: '+12',
        DRIFTWATCH_TRACES_SAMPLE_RATIO: '.5',
        DRIFTWATCH_BATCH_LINGER_MS: '2.',
      },
    );
    expect(options.queue.maxItems).toBe(1000);
    expect(options.batch.maxItems).toBe(12);
    expect(options.traces.sampleRatio).toBe(0.5);
    expect(options.batch.lingerMs).toBe(2);
  });

  it('a first backoff longer than the longest is refused; the default one is lowered to fit', () => {
    const fromEnv = failure(() =>
      resolveOptions(
        {},
        { DRIFTWATCH_RETRY_INITIAL_BACKOFF_MS: '10000', DRIFTWATCH_RETRY_MAX_BACKOFF_MS: '100' },
      ),
    );
    expect(fromEnv.message).toBe(
      'invalid option retry.initialBackoffMs (env DRIFTWATCH_RETRY_INITIAL_BACKOFF_MS): got "10000", expected an integer from 1 to 100 (at most retry.maxBackoffMs)',
    );
    const fromCode = failure(() => resolveOptions({ retry: { initialBackoffMs: 6000 } }, {}));
    expect(fromCode.details).toMatchObject({ option: 'retry.initialBackoffMs', value: 6000 });
    // Only the longest given, below the default first backoff (200 ms): valid, the first fits.
    expect(resolveOptions({ retry: { maxBackoffMs: 50 } }, {}).retry).toMatchObject({
      initialBackoffMs: 50,
      maxBackoffMs: 50,
    });
  });

  it('init() fails at start-up with the same error', () => {
    const error = failure(() => init({ queue: { maxItems: 0 } }, {}));
    expect(error.code).toBe('DW_SDK_INVALID_OPTION');
    expect(error.message).toBe(
      'invalid option queue.maxItems: got 0, expected an integer from 1 to 10000000',
    );
  });

  it('rejects an options argument that is not an object', () => {
    expect(failure(() => resolveOptions('fast' as never, {})).details.option).toBe('options');
  });

  it.each([
    ['code', { transport: { type: 'http', token: 'sek\u0001ret' } } as DriftwatchOptions, {}],
    ['env', {}, { DRIFTWATCH_COLLECTOR_TOKEN: 'sek\u0000ret' }],
    // Blanks around it: the collector reads the header trimmed, so every batch would get a 401.
    [
      'code (blank-padded)',
      { transport: { type: 'http', token: ' sekret ' } } as DriftwatchOptions,
      {},
    ],
    ['code (blanks only)', { transport: { type: 'http', token: '   ' } } as DriftwatchOptions, {}],
  ])('an invalid token from %s is named, never repeated', (_source, input, env) => {
    const error = failure(() => resolveOptions(input, env));
    expect(error.details.option).toMatch(/^transport\.token/);
    expect(error.details.value).toBe('***');
    expect(error.message).toContain('transport.token');
    expect(error.message).not.toContain('sek');
  });

  it.each([
    ['servceName', { servceName: 'x' }],
    ['metrics.prot', { metrics: { prot: 9464 } }],
    ['metrics.gpu.intervalMS', { metrics: { gpu: { intervalMS: 100 } } }],
    ['logs.redacts', { logs: { redacts: ['a'] } }],
    ['transport.tokn', { transport: { type: 'http', tokn: 'secret-value' } }],
    ['transport.url', { transport: { type: 'memory', url: 'http://x' } }],
  ])('a misspelt or misplaced option fails naming it: %s', (option, input) => {
    const error = failure(() => resolveOptions(input as DriftwatchOptions, {}));
    expect(error.code).toBe(SdkErrorCodes.INVALID_OPTION);
    expect(error.details.option).toBe(option);
    expect(error.message).toContain(`invalid option ${option}:`);
    expect(error.message).toContain('no such option');
    expect(error.message).not.toContain('secret-value');
  });

  it('a redact path pino cannot compile fails naming the option and the path', () => {
    const fromCode = failure(() => resolveOptions({ logs: { redact: ['password', 'a..b'] } }, {}));
    expect(fromCode.details).toMatchObject({ option: 'logs.redact', value: 'a..b' });
    const fromEnv = failure(() => resolveOptions({}, { DRIFTWATCH_LOG_REDACT: 'apiKey,x[' }));
    expect(fromEnv.details).toMatchObject({
      option: 'logs.redact',
      source: 'DRIFTWATCH_LOG_REDACT',
      value: 'x[',
    });
  });
});

describe('precedence', () => {
  const env = {
    DRIFTWATCH_SERVICE_NAME: 'from-env',
    DRIFTWATCH_ENVIRONMENT: 'staging',
    DRIFTWATCH_QUEUE_MAX_ITEMS: '500',
    DRIFTWATCH_TRACES_SAMPLE_RATIO: '0.25',
    DRIFTWATCH_METRICS_SERVE: 'false',
    DRIFTWATCH_EVENT_LOOP_DELAY_RESOLUTION_MS: '50',
    DRIFTWATCH_LOG_REDACT: 'apiKey, body.secret',
    DRIFTWATCH_COLLECTOR_URL: 'https://collector.example:7070/',
    DRIFTWATCH_COLLECTOR_TOKEN: 'env-token',
  };

  it('code beats env, env beats default', () => {
    const resolved = resolveOptions(
      { serviceName: 'from-code', queue: { maxItems: 42 }, traces: { enabled: false } },
      env,
    );
    expect(resolved.serviceName).toBe('from-code');
    expect(resolved.queue.maxItems).toBe(42);
    expect(resolved.environment).toBe('staging');
    expect(resolved.traces).toEqual({ enabled: false, sampleRatio: 0.25, registerGlobal: false });
    expect(resolved.metrics.serve).toBe(false);
    expect(resolved.metrics.eventLoopDelayResolutionMs).toBe(50);
    expect(resolved.metrics.port).toBe(9464);
    expect(resolved.serviceVersion).toBe('0.0.0');
    expect(resolved.transport).toEqual({
      type: 'http',
      url: 'https://collector.example:7070',
      token: 'env-token',
      timeoutMs: 10_000,
      gzipMinBytes: 1024,
      gzipLevel: 1,
    });
    expect(resolved.logs.redact).toEqual(
      expect.arrayContaining([
        'authorization',
        'cookie',
        'password',
        'token',
        'apiKey',
        'body.secret',
      ]),
    );
  });

  it('code transport options beat env ones', () => {
    const resolved = resolveOptions(
      { transport: { type: 'http', url: 'http://127.0.0.1:1', token: 'code-token' } },
      env,
    );
    expect(resolved.transport).toMatchObject({ url: 'http://127.0.0.1:1', token: 'code-token' });
  });

  it("http options without a type (a JavaScript caller) are the http transport's", () => {
    const resolved = resolveOptions(
      { transport: { url: 'http://collector.internal:7070', token: 'js-token' } as never },
      {},
    );
    expect(resolved.transport).toMatchObject({
      type: 'http',
      url: 'http://collector.internal:7070',
      token: 'js-token',
    });
    // An unknown key is still refused, naming it.
    expect(() => resolveOptions({ transport: { ur: 'http://x' } as never }, {})).toThrow(
      /transport\.ur/,
    );
  });

  it('defaults without code or env, frozen', () => {
    const resolved = resolveOptions({}, {});
    expect(resolved).toMatchObject({
      serviceName: 'unknown_service:node',
      environment: 'development',
      queue: { maxItems: 10_000, maxBytes: 8 * 1024 * 1024, dropPolicy: 'drop-oldest' },
      batch: { maxItems: 512, lingerMs: 1000 },
      metrics: {
        port: 9464,
        host: '0.0.0.0',
        route: '/metrics',
        serve: true,
        eventLoopDelayResolutionMs: 20,
        gpu: { enabled: true, command: 'nvidia-smi' },
      },
      handleSignals: false,
      shutdownTimeoutMs: 5000,
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.queue)).toBe(true);
    expect(Object.isFrozen(resolved.metrics.gpu)).toBe(true);
  });

  it('logs.sync: code, then DRIFTWATCH_LOG_SYNC, then true', () => {
    expect(resolveOptions({}, {}).logs.sync).toBe(true);
    expect(resolveOptions({}, { DRIFTWATCH_LOG_SYNC: 'false' }).logs.sync).toBe(false);
    expect(resolveOptions({ logs: { sync: true } }, { DRIFTWATCH_LOG_SYNC: '0' }).logs.sync).toBe(
      true,
    );
  });

  it('transport.gzipLevel: 0 by default for a loopback collector, 1 otherwise', () => {
    const levelFor = (url: string, gzipLevel?: number): unknown => {
      const http = gzipLevel === undefined ? { url } : { url, gzipLevel };
      const { transport } = resolveOptions({ transport: { type: 'http', ...http } }, {});
      return transport.type === 'http' ? transport.gzipLevel : undefined;
    };
    expect(levelFor('http://127.0.0.1:7070')).toBe(0);
    expect(levelFor('http://127.5.4.3:7070')).toBe(0);
    expect(levelFor('http://localhost:7070/base')).toBe(0);
    expect(levelFor('http://[::1]:7070')).toBe(0);
    expect(levelFor('https://collector.example:7070')).toBe(1);
    expect(levelFor('http://10.0.0.7:7070')).toBe(1);
    expect(levelFor('http://127.0.0.1.example.com:7070')).toBe(1);
    expect(levelFor('http://127.0.0.1:7070', 6)).toBe(6);
    expect(resolveOptions({}, {}).transport).toMatchObject({ gzipLevel: 0 });
  });

  it('empty env values count as unset', () => {
    expect(
      resolveOptions({}, { DRIFTWATCH_SERVICE_NAME: '  ', DRIFTWATCH_QUEUE_MAX_ITEMS: '' }).queue
        .maxItems,
    ).toBe(10_000);
  });
});

describe('options whose reading throws (a getter, a Proxy)', () => {
  const throwing: Array<[string, () => DriftwatchOptions, string]> = [
    [
      'a getter',
      () =>
        ({
          get serviceName(): string {
            throw new Error('vault locked');
          },
        }) as DriftwatchOptions,
      'serviceName',
    ],
    [
      'a Proxy',
      () =>
        new Proxy({} as DriftwatchOptions, {
          ownKeys() {
            throw new Error('vault locked');
          },
        }),
      'options',
    ],
    [
      'a nested getter',
      () => ({
        serviceName: 'svc',
        logs: {
          get level(): never {
            throw new Error('vault locked');
          },
        },
      }),
      'logs.level',
    ],
    [
      'a Proxy option group',
      () => ({
        serviceName: 'svc',
        queue: new Proxy(
          {},
          {
            get() {
              throw new Error('vault locked');
            },
          },
        ),
      }),
      'queue.maxItems',
    ],
    [
      'a getter in a transport',
      () => ({
        transport: {
          type: 'http' as const,
          url: 'http://127.0.0.1:1',
          get token(): string {
            throw new Error('vault locked');
          },
        },
      }),
      'transport.token',
    ],
  ];

  it.each(throwing)(
    '%s: DW_SDK_INVALID_OPTION naming the option, the thrown error as cause',
    (_, make, option) => {
      const error = failure(() => resolveOptions(make(), {}));
      expect(error.code).toBe(SdkErrorCodes.INVALID_OPTION);
      expect(error.message).toBe(`invalid option ${option}: reading it threw Error: vault locked`);
      expect(error.details).toEqual({
        option,
        value: undefined,
        source: 'code',
        expected: 'a value that can be read',
      });
      expect((error.cause as Error).message).toBe('vault locked');
      expect(failure(() => init(make(), {})).code).toBe(SdkErrorCodes.INVALID_OPTION);
    },
  );
});

describe('options given as a built-in whose data are not its properties', () => {
  it.each([
    ['predictions.modelSampleRatios', { predictions: { modelSampleRatios: new Map([['m', 0]]) } }],
    ['predictions.modelSampleRatios', { predictions: { modelSampleRatios: new Date() } }],
    ['resourceAttributes', { resourceAttributes: new Map([['k8s.pod.name', 'a']]) }],
    ['queue', { queue: new Map([['maxItems', 5]]) }],
    ['options', new Map([['serviceName', 'svc']])],
  ])('%s as a Map or a Date is refused, not read as empty', (option, input) => {
    const error = failure(() => resolveOptions(input as never, {}));
    expect(error.code).toBe(SdkErrorCodes.INVALID_OPTION);
    expect(error.details).toMatchObject({ option });
    expect(error.message).toMatch(/expected a plain object, not a (Map|Date)/);
  });

  it('a null-prototype object is a plain object', () => {
    const ratios = Object.assign(Object.create(null) as Record<string, number>, { m: 0.5 });
    expect(
      resolveOptions({ predictions: { modelSampleRatios: ratios } }, {}).predictions
        .modelSampleRatios,
    ).toEqual({ m: 0.5 });
  });
});
