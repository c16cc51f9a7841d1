/**
 * The keys each options object may have, so that a misspelt option (`servceName`, Kafka
 * `compresion`) fails at start-up instead of being ignored. Each list is typed
 * `Record<keyof T, true>` for its options type: an option added to the type but not listed here
 * does not compile.
 */
import { invalidOption } from './errors.js';
import type { DriftwatchOptions } from './options-input.js';
import type {
  KafkaSaslOptions,
  KafkaTlsOptions,
  KafkaTransportOptions,
} from './transport/kafka-options.js';
import type {
  HttpTransportOptions,
  MemoryTransportOptions,
} from './transport/transport-options.js';

// NonNullable, not Required: under exactOptionalPropertyTypes Required keeps `| undefined`.
type Section<K extends keyof DriftwatchOptions> = NonNullable<DriftwatchOptions[K]>;

const keys = <T>(known: Record<keyof T, true>): readonly string[] => Object.keys(known);

export const OPTION_KEYS = {
  '': keys<DriftwatchOptions>({
    serviceName: true,
    serviceVersion: true,
    environment: true,
    resourceAttributes: true,
    transport: true,
    queue: true,
    batch: true,
    retry: true,
    traces: true,
    logs: true,
    metrics: true,
    predictions: true,
    diagnostics: true,
    handleSignals: true,
    shutdownTimeoutMs: true,
  }),
  queue: keys<Section<'queue'>>({ maxItems: true, maxBytes: true, dropPolicy: true }),
  batch: keys<Section<'batch'>>({ maxItems: true, maxBytes: true, lingerMs: true }),
  retry: keys<Section<'retry'>>({
    initialBackoffMs: true,
    maxBackoffMs: true,
    deadlineMs: true,
  }),
  traces: keys<Section<'traces'>>({ enabled: true, sampleRatio: true, registerGlobal: true }),
  logs: keys<Section<'logs'>>({
    level: true,
    export: true,
    redact: true,
    secretKeys: true,
    destination: true,
    sync: true,
  }),
  metrics: keys<Section<'metrics'>>({
    enabled: true,
    port: true,
    host: true,
    route: true,
    serve: true,
    exportIntervalMs: true,
    runtime: true,
    eventLoopDelayResolutionMs: true,
    gpu: true,
  }),
  'metrics.gpu': keys<NonNullable<Section<'metrics'>['gpu']>>({
    enabled: true,
    intervalMs: true,
    command: true,
  }),
  predictions: keys<Section<'predictions'>>({
    sampleRatio: true,
    modelSampleRatios: true,
    scoreBuckets: true,
  }),
  diagnostics: keys<Section<'diagnostics'>>({ level: true, destination: true }),
  'transport (memory)': keys<MemoryTransportOptions>({ type: true }),
  'transport (http)': keys<HttpTransportOptions>({
    type: true,
    url: true,
    token: true,
    timeoutMs: true,
    gzipMinBytes: true,
    gzipLevel: true,
  }),
  'transport (kafka)': keys<KafkaTransportOptions & { type: 'kafka' }>({
    type: true,
    brokers: true,
    clientId: true,
    topics: true,
    sasl: true,
    tls: true,
    compression: true,
    idempotent: true,
    acks: true,
    connectionTimeoutMs: true,
    requestTimeoutMs: true,
    sendTimeoutMs: true,
    retries: true,
    maxMessageBytes: true,
    maxRequestBytes: true,
  }),
  'transport.sasl': keys<KafkaSaslOptions>({ mechanism: true, username: true, password: true }),
  'transport.tls': keys<KafkaTlsOptions>({
    ca: true,
    cert: true,
    key: true,
    rejectUnauthorized: true,
  }),
} as const;

/**
 * Throws when `value` (an options object from code) has a key its section does not know;
 * `prefix` is how the section's options are named in messages (`'metrics.'`, `''`); `note`
 * follows "no such option" (why the section is this one).
 */
export function rejectUnknownKeys(
  section: keyof typeof OPTION_KEYS,
  prefix: string,
  value: unknown,
  note = '',
): void {
  if (typeof value !== 'object' || value === null) return;
  const known = OPTION_KEYS[section];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw invalidOption(
        `${prefix}${key}`,
        (value as Record<string, unknown>)[key],
        `no such option${note}; known: ${known.map((name) => prefix + name).join(', ')}`,
        // The value of a misspelt secret (e.g. "pasword") must not be repeated either.
        true,
      );
    }
  }
}
