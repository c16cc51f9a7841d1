/**
 * The published option types (`dist`, reached through the package's `exports` map) under
 * `exactOptionalPropertyTypes`: an optional field takes `undefined`, as
 * `token: process.env.COLLECTOR_TOKEN` passes it, and init() reads it as unset.
 * Needs `pnpm exec tsc -b packages/sdk` first, as every suite that reads `dist`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/index.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every optional field of every public option type given `undefined` (`maybe`). */
const APP = `
import {
  init,
  resolveKafkaOptions,
  type DriftwatchOptions,
  type HttpTransportOptions,
  type KafkaTlsOptions,
  type KafkaTransportInput,
} from '@driftwatch/sdk';

declare const maybe: undefined;
const http: HttpTransportOptions = {
  type: 'http',
  url: process.env.COLLECTOR_URL,
  token: process.env.COLLECTOR_TOKEN,
  timeoutMs: maybe,
  gzipMinBytes: maybe,
  gzipLevel: maybe,
};
const tls: KafkaTlsOptions = { ca: maybe, cert: maybe, key: maybe, rejectUnauthorized: maybe };
const kafka: KafkaTransportInput = {
  type: 'kafka',
  brokers: process.env.KAFKA_BROKERS,
  clientId: maybe,
  topics: { predictions: maybe, labels: maybe, logs: process.env.LOGS_TOPIC, spans: maybe, metrics: maybe },
  sasl: maybe,
  tls: maybe,
  compression: maybe,
  idempotent: maybe,
  acks: maybe,
  connectionTimeoutMs: maybe,
  requestTimeoutMs: maybe,
  sendTimeoutMs: maybe,
  retries: maybe,
  maxMessageBytes: maybe,
  maxRequestBytes: maybe,
};
resolveKafkaOptions({ ...kafka, tls });
const options: DriftwatchOptions = {
  serviceName: process.env.SERVICE_NAME,
  serviceVersion: maybe,
  environment: maybe,
  transport: maybe,
  queue: { maxItems: maybe, maxBytes: maybe, dropPolicy: maybe },
  batch: { maxItems: maybe, maxBytes: maybe, lingerMs: maybe },
  retry: { initialBackoffMs: maybe, maxBackoffMs: maybe, deadlineMs: maybe },
  traces: { enabled: maybe, sampleRatio: maybe, registerGlobal: maybe },
  logs: { level: maybe, export: maybe, redact: maybe, secretKeys: maybe, destination: maybe, sync: maybe },
  metrics: {
    enabled: maybe,
    port: maybe,
    host: maybe,
    route: maybe,
    serve: maybe,
    exportIntervalMs: maybe,
    runtime: maybe,
    eventLoopDelayResolutionMs: maybe,
    gpu: { enabled: maybe, intervalMs: maybe, command: maybe },
  },
  predictions: { sampleRatio: maybe, modelSampleRatios: maybe, scoreBuckets: maybe },
  diagnostics: { level: maybe, destination: maybe },
  handleSignals: maybe,
  shutdownTimeoutMs: maybe,
};
init({ ...options, transport: http });
init({ transport: kafka });
// @ts-expect-error: the transport type stays required
init({ transport: { type: maybe } });
`;

/**
 * The monitor's calls: optional fields given `undefined` (a score the model may not give), and
 * the numeric ids the README says are kept as their digits.
 */
const CALLS = `
import { init, type LabelInput, type PredictionInput } from '@driftwatch/sdk';

declare const maybe: undefined;
const monitor = init({ transport: { type: 'memory' } });
const score: number | undefined = Number(process.env.SCORE) || undefined;
const input: PredictionInput = {
  model: 'risk',
  modelVersion: '3',
  features: { age: 41 },
  prediction: 1,
  score,
  predictionId: maybe,
  segment: maybe,
  requestId: maybe,
  timeUnixMs: maybe,
};
monitor.logPrediction(input);
monitor.logPrediction({ ...input, predictionId: 42, requestId: 7 });
monitor.logPrediction({ ...input, predictionId: 9007199254740993n });
const label: LabelInput = { model: maybe, timeUnixMs: maybe };
monitor.logLabel(42, 1, label);
monitor.logLabel(9007199254740993n, 0, { model: 'risk' });
await monitor.shutdown({ timeoutMs: maybe });
// @ts-expect-error: an id is a string or a number, not an object
monitor.logLabel({ id: 1 }, 1);
`;

/** Type-checks APP as an application beside the package, as its compiler sees `dist`. */
function diagnostics(source: string): string[] {
  const file = join(packageDir, 'exact-optional-app.ts');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  host.readFile = (name) => (name === file ? source : readFile(name));
  host.getSourceFile = (name, version, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, version)
      : getSourceFile(name, version, ...rest);
  const program = ts.createProgram({ rootNames: [file], options, host });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const line = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    return `${diagnostic.file?.fileName ?? ''}:${(line ?? -1) + 1} TS${diagnostic.code}: ${text}`;
  });
}

describe('exactOptionalPropertyTypes', () => {
  it('every optional option field takes undefined (published declarations)', () => {
    expect(diagnostics(APP)).toEqual([]);
  });

  it('prediction, label and shutdown arguments take undefined and numeric ids', () => {
    expect(diagnostics(CALLS)).toEqual([]);
  });

  it('the check sees a type error (it is not vacuous)', () => {
    const found = diagnostics(`import type { HttpTransportOptions } from '@driftwatch/sdk';
const http: HttpTransportOptions = { type: 'http', timeoutMs: 'soon' };
`);
    expect(found.join('\n')).toContain('TS2322');
  });

  it('init() reads undefined fields as unset', () => {
    const resolved = resolveOptions(
      {
        serviceName: undefined,
        transport: { type: 'kafka', brokers: undefined, sasl: undefined, tls: undefined },
        queue: { maxItems: undefined },
      },
      { DRIFTWATCH_KAFKA_BROKERS: 'k1:9092', DRIFTWATCH_SERVICE_NAME: 'from-env' },
    );
    expect(resolved.serviceName).toBe('from-env');
    expect(resolved.queue.maxItems).toBe(10_000);
    expect(resolved.transport).toMatchObject({
      type: 'kafka',
      input: { brokers: ['k1:9092'], sasl: undefined, tls: false },
    });
    const tls = resolveOptions(
      { transport: { type: 'kafka', brokers: 'k1:9092', tls: { ca: undefined } } },
      {},
    ).transport;
    // No `ca: undefined` key handed on to the TLS socket options.
    expect(tls.type === 'kafka' && Object.keys(tls.input.tls as object)).toEqual([
      'rejectUnauthorized',
    ]);
  });
});
