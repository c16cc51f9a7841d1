/**
 * Options of `init()` (typed in options-input.ts): resolved code > `DRIFTWATCH_*` environment >
 * defaults, validated with messages naming the option, the value and what was expected, then frozen.
 */
import type { DestinationStream, Level } from 'pino';
import { SdkError, SdkErrorCodes } from './errors.js';
import {
  checkedRedactPaths,
  checkedSecretKeys,
  DEFAULT_REDACT_PATHS,
} from './logs/redact-paths.js';

export { DEFAULT_REDACT_PATHS };
import { DEFAULT_DELAY_RESOLUTION_MS } from './metrics/event-loop-delay.js';
import { rejectUnknownKeys } from './option-keys.js';
import type { DriftwatchOptions, DropPolicy } from './options-input.js';
import {
  MS,
  objectOrEmpty,
  pick,
  PRINTABLE,
  PRINTABLE_NOT_BLANK,
  toBool,
  toChoice,
  RATIO,
  toDestination,
  toHost,
  toList,
  toModelRatios,
  toNumber,
  toScoreBuckets,
  toText,
  type Env,
  type Source,
} from './options-parse.js';
import { unreadableOption } from './option-read-failure.js';
import { resolveResourceAttributes } from './resource-attributes.js';
import { resolveTransport, type ResolvedTransport } from './transport/transport-options.js';

export type { DriftwatchOptions, DropPolicy } from './options-input.js';
export type { Env } from './options-parse.js';
export type {
  HttpTransportOptions,
  KafkaTransportInput,
  MemoryTransportOptions,
  ResolvedTransport,
  TransportOption,
} from './transport/transport-options.js';

const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export interface ResolvedOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly environment: string;
  /** As given (code or env), checked; the full resource is built by `init()` (resource-attributes.ts). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly transport: ResolvedTransport;
  readonly queue: {
    readonly maxItems: number;
    readonly maxBytes: number;
    readonly dropPolicy: DropPolicy;
  };
  readonly batch: {
    readonly maxItems: number;
    readonly maxBytes: number;
    readonly lingerMs: number;
  };
  readonly retry: {
    readonly initialBackoffMs: number;
    readonly maxBackoffMs: number;
    readonly deadlineMs: number;
  };
  readonly traces: {
    readonly enabled: boolean;
    readonly sampleRatio: number;
    readonly registerGlobal: boolean;
  };
  readonly logs: {
    readonly level: Level;
    readonly export: boolean;
    readonly redact: readonly string[];
    readonly secretKeys: readonly string[];
    readonly destination: DestinationStream | undefined;
    readonly sync: boolean;
  };
  readonly metrics: {
    readonly enabled: boolean;
    readonly port: number;
    readonly host: string;
    readonly route: string;
    readonly serve: boolean;
    readonly exportIntervalMs: number;
    readonly runtime: boolean;
    readonly eventLoopDelayResolutionMs: number;
    readonly gpu: {
      readonly enabled: boolean;
      readonly intervalMs: number;
      readonly command: string;
    };
  };
  readonly predictions: {
    readonly sampleRatio: number;
    readonly modelSampleRatios: Readonly<Record<string, number>>;
    readonly scoreBuckets: readonly number[];
  };
  readonly diagnostics: {
    readonly level: Level;
    readonly destination: DestinationStream | undefined;
  };
  readonly handleSignals: boolean;
  readonly shutdownTimeoutMs: number;
}

/**
 * Resolves and validates every option; throws SdkError `DW_SDK_INVALID_OPTION` on the first bad one.
 *
 * @example resolveOptions({ serviceName: 'credit-risk' }, { DRIFTWATCH_TRACES_SAMPLE_RATIO: '0.1' })
 */
export function resolveOptions(
  input: DriftwatchOptions = {},
  env: Env = process.env,
): ResolvedOptions {
  try {
    return resolveChecked(input, env);
  } catch (error) {
    if (error instanceof SdkError) throw error;
    // A getter or a Proxy of the caller's options threw while they were read.
    const option = unreadableOption(input) ?? 'options';
    const expected = 'a value that can be read';
    throw new SdkError(
      SdkErrorCodes.INVALID_OPTION,
      `invalid option ${option}: reading it threw ${describeThrown(error)}`,
      { option, value: undefined, source: 'code', expected },
      { cause: error },
    );
  }
}

function describeThrown(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${String(error.message)}` : String(error);
  } catch {
    return 'a value with no string form';
  }
}

function resolveChecked(input: DriftwatchOptions, env: Env): ResolvedOptions {
  // An object, and not one whose data are not its properties (a Map): objectOrEmpty says which.
  objectOrEmpty('options', input);
  rejectUnknownKeys('', '', input);
  const queue = objectOrEmpty('queue', input.queue);
  const batch = objectOrEmpty('batch', input.batch);
  const retry = objectOrEmpty('retry', input.retry);
  const traces = objectOrEmpty('traces', input.traces);
  const logs = objectOrEmpty('logs', input.logs);
  const metrics = objectOrEmpty('metrics', input.metrics);
  const gpu = objectOrEmpty('metrics.gpu', metrics.gpu);
  const predictions = objectOrEmpty('predictions', input.predictions);
  const diagnostics = objectOrEmpty('diagnostics', input.diagnostics);
  for (const [section, value] of [
    ['queue', queue],
    ['batch', batch],
    ['retry', retry],
    ['traces', traces],
    ['logs', logs],
    ['metrics', metrics],
    ['metrics.gpu', gpu],
    ['predictions', predictions],
    ['diagnostics', diagnostics],
  ] as const) {
    rejectUnknownKeys(section, `${section}.`, value);
  }
  // Not all blank: from the environment a blank value is unset, and so no name either.
  const name = {
    maxLength: 128,
    pattern: PRINTABLE_NOT_BLANK,
    expected: '1-128 printable characters, not all blank',
  };

  const envRedact =
    toList('logs.redact', pick<readonly string[]>(undefined, env, 'DRIFTWATCH_LOG_REDACT')) ?? [];
  const codeRedact = toList('logs.redact', { value: logs.redact });
  const maxBackoffMs = toNumber(
    'retry.maxBackoffMs',
    pick(retry.maxBackoffMs, env, 'DRIFTWATCH_RETRY_MAX_BACKOFF_MS'),
    5000,
    { ...MS, min: 1 },
  );
  const resource = resolveResourceAttributes(input.resourceAttributes, env);
  // code > the variables > the same key among the resource attributes (as OTel's service.name),
  // checked alike; an error names where the value came from.
  const identity = (
    option: string,
    code: string | undefined,
    envNames: string | readonly string[],
    keys: readonly string[],
    fallback: string,
    check: Parameters<typeof toText>[3],
  ): string => {
    const src = pick(code, env, envNames);
    const key = keys.find((each) => resource.attributes[each] !== undefined) ?? keys[0]!;
    const given = resource.attributes[key];
    if (src.value !== undefined || given === undefined) return toText(option, src, fallback, check);
    const fromResource: Source<string> =
      resource.envName === undefined
        ? { value: given }
        : { value: given, envName: resource.envName };
    return toText(`resourceAttributes.${key}`, fromResource, fallback, check);
  };
  const resolved: ResolvedOptions = {
    serviceName: identity(
      'serviceName',
      input.serviceName,
      // OpenTelemetry's own variable, which platforms set, ranks over its resource attributes.
      ['DRIFTWATCH_SERVICE_NAME', 'OTEL_SERVICE_NAME'],
      ['service.name'],
      'unknown_service:node',
      name,
    ),
    serviceVersion: identity(
      'serviceVersion',
      input.serviceVersion,
      'DRIFTWATCH_SERVICE_VERSION',
      ['service.version'],
      '0.0.0',
      { ...name, maxLength: 64, expected: '1-64 printable characters, not all blank' },
    ),
    environment: identity(
      'environment',
      input.environment,
      'DRIFTWATCH_ENVIRONMENT',
      // The conventions' name since 1.27, then the older one many platforms still set: without
      // it the resource carried both `deployment.environment=prod` and `…name=development`.
      ['deployment.environment.name', 'deployment.environment'],
      'development',
      name,
    ),
    resourceAttributes: resource.attributes,
    transport: resolveTransport(input.transport, env),
    queue: Object.freeze({
      maxItems: toNumber(
        'queue.maxItems',
        pick(queue.maxItems, env, 'DRIFTWATCH_QUEUE_MAX_ITEMS'),
        10_000,
        { min: 1, max: 10_000_000, integer: true },
      ),
      maxBytes: toNumber(
        'queue.maxBytes',
        pick(queue.maxBytes, env, 'DRIFTWATCH_QUEUE_MAX_BYTES'),
        8 * 1024 * 1024,
        { min: 1024, max: 2 ** 32, integer: true },
      ),
      dropPolicy: toChoice(
        'queue.dropPolicy',
        pick(queue.dropPolicy, env, 'DRIFTWATCH_QUEUE_DROP_POLICY'),
        'drop-oldest',
        ['drop-oldest', 'drop-newest'] as const,
      ),
    }),
    batch: Object.freeze({
      maxItems: toNumber(
        'batch.maxItems',
        pick(batch.maxItems, env, 'DRIFTWATCH_BATCH_MAX_ITEMS'),
        512,
        { min: 1, max: 10_000, integer: true },
      ),
      maxBytes: toNumber(
        'batch.maxBytes',
        pick(batch.maxBytes, env, 'DRIFTWATCH_BATCH_MAX_BYTES'),
        4 * 1024 * 1024,
        { min: 1024, max: 2 ** 30, integer: true },
      ),
      lingerMs: toNumber(
        'batch.lingerMs',
        pick(batch.lingerMs, env, 'DRIFTWATCH_BATCH_LINGER_MS'),
        1000,
        MS,
      ),
    }),
    retry: Object.freeze({
      // At most the longest backoff: a default never exceeds a shorter one given, a value set
      // is refused (it would be capped without a word).
      initialBackoffMs: toNumber(
        'retry.initialBackoffMs',
        pick(retry.initialBackoffMs, env, 'DRIFTWATCH_RETRY_INITIAL_BACKOFF_MS'),
        Math.min(200, maxBackoffMs),
        { ...MS, min: 1, max: maxBackoffMs, maxFrom: 'at most retry.maxBackoffMs' },
      ),
      maxBackoffMs,
      deadlineMs: toNumber(
        'retry.deadlineMs',
        pick(retry.deadlineMs, env, 'DRIFTWATCH_RETRY_DEADLINE_MS'),
        30_000,
        { ...MS, min: 50 }, // it bounds each send too: below this every batch would be dropped
      ),
    }),
    traces: Object.freeze({
      enabled: toBool(
        'traces.enabled',
        pick(traces.enabled, env, 'DRIFTWATCH_TRACES_ENABLED'),
        true,
      ),
      sampleRatio: toNumber(
        'traces.sampleRatio',
        pick(traces.sampleRatio, env, 'DRIFTWATCH_TRACES_SAMPLE_RATIO'),
        1,
        RATIO,
      ),
      registerGlobal: toBool('traces.registerGlobal', { value: traces.registerGlobal }, false),
    }),
    logs: Object.freeze({
      level: toChoice('logs.level', pick(logs.level, env, 'DRIFTWATCH_LOG_LEVEL'), 'info', LEVELS),
      export: toBool('logs.export', pick(logs.export, env, 'DRIFTWATCH_LOGS_EXPORT'), true),
      redact: checkedRedactPaths(codeRedact ?? DEFAULT_REDACT_PATHS, envRedact),
      secretKeys: Object.freeze([
        ...checkedSecretKeys('logs.secretKeys', { value: logs.secretKeys }),
        ...checkedSecretKeys(
          'logs.secretKeys',
          pick<readonly string[]>(undefined, env, 'DRIFTWATCH_LOG_SECRET_KEYS'),
        ),
      ]),
      destination: toDestination('logs.destination', logs.destination),
      sync: toBool('logs.sync', pick(logs.sync, env, 'DRIFTWATCH_LOG_SYNC'), true),
    }),
    metrics: Object.freeze({
      enabled: toBool(
        'metrics.enabled',
        pick(metrics.enabled, env, 'DRIFTWATCH_METRICS_ENABLED'),
        true,
      ),
      port: toNumber('metrics.port', pick(metrics.port, env, 'DRIFTWATCH_METRICS_PORT'), 9464, {
        min: 0,
        max: 65535,
        integer: true,
      }),
      host: toHost('metrics.host', pick(metrics.host, env, 'DRIFTWATCH_METRICS_HOST'), '0.0.0.0'),
      route: toText(
        'metrics.route',
        pick(metrics.route, env, 'DRIFTWATCH_METRICS_ROUTE'),
        '/metrics',
        // Characters a request path may carry as they are (the own server compares the
        // percent-decoded path), so that the route reads the same in a scrape config.
        {
          maxLength: 256,
          pattern: /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/,
          expected: "a path starting with / of letters, digits and -._~!$&'()*+,;=:@/",
        },
      ),
      serve: toBool('metrics.serve', pick(metrics.serve, env, 'DRIFTWATCH_METRICS_SERVE'), true),
      exportIntervalMs: toNumber(
        'metrics.exportIntervalMs',
        pick(metrics.exportIntervalMs, env, 'DRIFTWATCH_METRICS_EXPORT_INTERVAL_MS'),
        30_000,
        { ...MS, min: 100 },
      ),
      runtime: toBool(
        'metrics.runtime',
        pick(metrics.runtime, env, 'DRIFTWATCH_RUNTIME_METRICS'),
        true,
      ),
      eventLoopDelayResolutionMs: toNumber(
        'metrics.eventLoopDelayResolutionMs',
        pick(metrics.eventLoopDelayResolutionMs, env, 'DRIFTWATCH_EVENT_LOOP_DELAY_RESOLUTION_MS'),
        DEFAULT_DELAY_RESOLUTION_MS,
        { min: 1, max: 1000, integer: true },
      ),
      gpu: Object.freeze({
        enabled: toBool(
          'metrics.gpu.enabled',
          pick(gpu.enabled, env, 'DRIFTWATCH_GPU_ENABLED'),
          true,
        ),
        intervalMs: toNumber(
          'metrics.gpu.intervalMs',
          pick(gpu.intervalMs, env, 'DRIFTWATCH_GPU_INTERVAL_MS'),
          5000,
          { ...MS, min: 50 },
        ),
        command: toText(
          'metrics.gpu.command',
          pick(gpu.command, env, 'DRIFTWATCH_NVIDIA_SMI'),
          'nvidia-smi',
          { maxLength: 4096, pattern: PRINTABLE },
        ),
      }),
    }),
    predictions: Object.freeze({
      sampleRatio: toNumber(
        'predictions.sampleRatio',
        pick(predictions.sampleRatio, env, 'DRIFTWATCH_PREDICTIONS_SAMPLE_RATIO'),
        1,
        RATIO,
      ),
      modelSampleRatios: toModelRatios(
        'predictions.modelSampleRatios',
        predictions.modelSampleRatios,
      ),
      scoreBuckets: toScoreBuckets(
        'predictions.scoreBuckets',
        predictions.scoreBuckets,
        [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      ),
    }),
    diagnostics: Object.freeze({
      level: toChoice(
        'diagnostics.level',
        pick(diagnostics.level, env, 'DRIFTWATCH_DIAG_LEVEL'),
        'info',
        LEVELS,
      ),
      destination: toDestination('diagnostics.destination', diagnostics.destination),
    }),
    handleSignals: toBool(
      'handleSignals',
      pick(input.handleSignals, env, 'DRIFTWATCH_HANDLE_SIGNALS'),
      false,
    ),
    shutdownTimeoutMs: toNumber(
      'shutdownTimeoutMs',
      pick(input.shutdownTimeoutMs, env, 'DRIFTWATCH_SHUTDOWN_TIMEOUT_MS'),
      5000,
      MS,
    ),
  };
  return Object.freeze(resolved);
}
