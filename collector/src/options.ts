/**
 * Collector configuration. One rule for every field: code > environment (`DRIFTWATCH_*`) >
 * config file (JSON, `--config` or `DRIFTWATCH_CONFIG`) > default. Validated at start-up; the
 * resolved object is frozen.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { shownUrl } from './storage/shown-url.js';
import { CollectorError, CollectorErrorCodes } from './errors.js';
import { integer, invalid, pick, text } from './option-checks.js';
import {
  resolveKafkaSourceOptions,
  type KafkaSourceOptions,
  type KafkaSourceOptionsInput,
} from './sources/kafka-options.js';

export interface StorageOptions {
  /**
   * ClickHouse server URL (production), e.g. `http://clickhouse:8123`. When unset, the
   * collector uses embedded ClickHouse (chDB) under `chdbPath`.
   * Env `DRIFTWATCH_CLICKHOUSE_URL`. @default undefined
   */
  url?: string;
  /** Data directory of embedded ClickHouse. Env `DRIFTWATCH_CHDB_PATH`. @default ".driftwatch/data" */
  chdbPath: string;
  /** Database holding Driftwatch's tables. Env `DRIFTWATCH_CLICKHOUSE_DATABASE`. @default "driftwatch" */
  database: string;
  /** Server user. Env `DRIFTWATCH_CLICKHOUSE_USER`. @default "default" */
  username: string;
  /** Server password. Env `DRIFTWATCH_CLICKHOUSE_PASSWORD`. @default "" */
  password: string;
}

export interface CollectorOptions {
  /** Interface the API listens on. Env `DRIFTWATCH_HOST`. @default "127.0.0.1" */
  host: string;
  /** API port; 0 picks a free one. Env `DRIFTWATCH_PORT`. @default 7070 */
  port: number;
  /** Bearer token required on `POST /v1/ingest`; unset means open. Env `DRIFTWATCH_INGEST_TOKEN`. @default undefined */
  ingestToken?: string;
  /** Largest ingest body accepted, decompressed, in bytes. Env `DRIFTWATCH_MAX_BODY_BYTES`. @default 16777216 */
  maxBodyBytes: number;
  /** Ingest requests held at once (more get 429 + Retry-After). Env `DRIFTWATCH_MAX_CONCURRENT_INGESTS`. @default 32 */
  maxConcurrentIngests: number;
  /**
   * Time allowed to receive a request's body, from the end of its headers; a request still
   * sending after it is answered 408 and its connection closed (a stalled upload held its ingest
   * place). Env `DRIFTWATCH_REQUEST_TIMEOUT_MS`. @default 30000
   */
  requestTimeoutMs: number;
  /** Most raw values per feature and window read for exact tests. Env `DRIFTWATCH_MAX_WINDOW_SAMPLES`. @default 200000 */
  maxWindowSamples: number;
  /** pino level of the collector's own logs. Env `DRIFTWATCH_LOG_LEVEL`. @default "info" */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  storage: StorageOptions;
  /**
   * The Kafka source (a consumer group over the SDK's topics), on when brokers are given; HTTP
   * ingest stays on beside it. Env `DRIFTWATCH_KAFKA_*` (sources/kafka-options.ts). @default undefined (off)
   */
  kafka?: Readonly<KafkaSourceOptions>;
}

export type CollectorOptionsInput = Partial<
  Omit<CollectorOptions, 'storage' | 'port' | 'kafka'>
> & {
  /** A number, or its decimal text as the CLI's `--port` gives it (checked as the env value is). */
  port?: number | string;
  storage?: Partial<StorageOptions>;
  kafka?: KafkaSourceOptionsInput;
  /** Path of a JSON config file with the same shape. */
  configFile?: string;
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function readConfigFile(path: string): CollectorOptionsInput {
  try {
    return JSON.parse(readFileSync(resolve(path), 'utf8')) as CollectorOptionsInput;
  } catch (cause) {
    throw new CollectorError(
      CollectorErrorCodes.INVALID_OPTION,
      `cannot read config file ${path}: ${(cause as Error).message}`,
      { field: 'configFile', value: path },
      { cause },
    );
  }
}

/** Resolves code > env > file > defaults into a frozen, validated CollectorOptions. */
export function resolveCollectorOptions(
  input: CollectorOptionsInput = {},
  env: NodeJS.ProcessEnv = process.env,
): Readonly<CollectorOptions> {
  const configFile = input.configFile ?? env.DRIFTWATCH_CONFIG;
  const file = configFile ? readConfigFile(configFile) : {};
  const logLevel = pick<string>(input.logLevel, env.DRIFTWATCH_LOG_LEVEL, file.logLevel, 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw invalid('logLevel', logLevel, `one of ${LOG_LEVELS.join(', ')}`);
  }
  const url = pick<string | undefined>(
    input.storage?.url,
    env.DRIFTWATCH_CLICKHOUSE_URL,
    file.storage?.url,
    undefined,
  );
  if (url !== undefined) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    } catch {
      // Shown without its password.
      throw invalid('storage.url', shownUrl(url), 'an http(s) URL of a ClickHouse server');
    }
  }
  const database = text(
    'storage.database',
    pick(
      input.storage?.database,
      env.DRIFTWATCH_CLICKHOUSE_DATABASE,
      file.storage?.database,
      'driftwatch',
    ),
  );
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw invalid('storage.database', database, 'an identifier of letters, digits and _');
  }
  const givenToken = pick<string | undefined>(
    input.ingestToken,
    env.DRIFTWATCH_INGEST_TOKEN,
    file.ingestToken,
    undefined,
  );
  // Trimmed as the Authorization header's value is: a token read from a secret file ends with
  // a newline, and kept as given it could never match (every batch refused with 401).
  const ingestToken = typeof givenToken === 'string' ? givenToken.trim() : givenToken;
  if (ingestToken !== undefined && (typeof ingestToken !== 'string' || ingestToken === '')) {
    // Not echoed: a token is a secret.
    throw invalid(
      'ingestToken',
      typeof ingestToken,
      'a non-empty string (unset for an open ingest API)',
    );
  }

  const kafka = resolveKafkaSourceOptions(input.kafka, file.kafka, env);
  const options: CollectorOptions = {
    host: text('host', pick(input.host, env.DRIFTWATCH_HOST, file.host, '127.0.0.1')),
    port: integer(
      'port',
      pick<unknown>(input.port, env.DRIFTWATCH_PORT, file.port, 7070),
      0,
      65535,
    ),
    ...(ingestToken !== undefined ? { ingestToken } : {}),
    maxBodyBytes: integer(
      'maxBodyBytes',
      pick<unknown>(
        input.maxBodyBytes,
        env.DRIFTWATCH_MAX_BODY_BYTES,
        file.maxBodyBytes,
        16 * 1024 * 1024,
      ),
      1024,
      1024 * 1024 * 1024,
    ),
    maxConcurrentIngests: integer(
      'maxConcurrentIngests',
      pick<unknown>(
        input.maxConcurrentIngests,
        env.DRIFTWATCH_MAX_CONCURRENT_INGESTS,
        file.maxConcurrentIngests,
        32,
      ),
      1,
      10_000,
    ),
    requestTimeoutMs: integer(
      'requestTimeoutMs',
      pick<unknown>(
        input.requestTimeoutMs,
        env.DRIFTWATCH_REQUEST_TIMEOUT_MS,
        file.requestTimeoutMs,
        30_000,
      ),
      100,
      3_600_000,
    ),
    maxWindowSamples: integer(
      'maxWindowSamples',
      pick<unknown>(
        input.maxWindowSamples,
        env.DRIFTWATCH_MAX_WINDOW_SAMPLES,
        file.maxWindowSamples,
        200_000,
      ),
      100,
      100_000_000,
    ),
    logLevel: logLevel as CollectorOptions['logLevel'],
    storage: Object.freeze({
      ...(url ? { url } : {}),
      chdbPath: text(
        'storage.chdbPath',
        pick(
          input.storage?.chdbPath,
          env.DRIFTWATCH_CHDB_PATH,
          file.storage?.chdbPath,
          '.driftwatch/data',
        ),
      ),
      database,
      username: pick(
        input.storage?.username,
        env.DRIFTWATCH_CLICKHOUSE_USER,
        file.storage?.username,
        'default',
      ),
      password: pick(
        input.storage?.password,
        env.DRIFTWATCH_CLICKHOUSE_PASSWORD,
        file.storage?.password,
        '',
      ),
    }),
    ...(kafka ? { kafka } : {}),
  };
  return Object.freeze(options);
}
