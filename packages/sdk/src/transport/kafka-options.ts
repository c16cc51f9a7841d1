/**
 * Options of the Kafka transport: resolved code > `DRIFTWATCH_KAFKA_*` environment > default,
 * validated with messages that name the field, the value and what was expected, then frozen.
 */
import { readFileSync } from 'node:fs';
import { SdkError, SdkErrorCodes } from '../errors.js';
import { rejectUnknownKeys } from '../option-keys.js';
import { DECIMAL } from '../options-parse.js';

/** The signals the transport spreads over one topic each. */
export type KafkaSignal = 'predictions' | 'labels' | 'logs' | 'spans' | 'metrics';

/** SASL mechanisms with a username/password (what Kafka and managed offerings speak). */
export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** Record-batch codec: gzip is built into kafkajs; `none` for brokers that lack it. */
export type KafkaCompression = 'none' | 'gzip';

export interface KafkaSaslOptions {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

export interface KafkaTlsOptions {
  /** PEM CA bundle that signs the brokers' certificates. @default the system store */
  ca?: string;
  /** PEM client certificate (mutual TLS). @default none */
  cert?: string;
  /** PEM private key of `cert`. @default none */
  key?: string;
  /** Reject brokers whose certificate does not verify. @default true */
  rejectUnauthorized?: boolean;
}

/** What callers (and `init({ transport: { type: 'kafka', … } })`) may pass. */
export interface KafkaTransportOptions {
  /** Bootstrap brokers as `host:port` (array or comma-separated). Env `DRIFTWATCH_KAFKA_BROKERS`. Required. */
  brokers?: string | readonly string[];
  /** Client id the brokers see. Env `DRIFTWATCH_KAFKA_CLIENT_ID`. @default 'driftwatch-sdk' */
  clientId?: string;
  /**
   * Topic per signal. Env `DRIFTWATCH_KAFKA_TOPIC_<SIGNAL>` (e.g. `DRIFTWATCH_KAFKA_TOPIC_LOGS`).
   * @default driftwatch.predictions, driftwatch.labels, driftwatch.logs, driftwatch.spans, driftwatch.metrics
   */
  topics?: Partial<Record<KafkaSignal, string>>;
  /** SASL credentials. Env `DRIFTWATCH_KAFKA_SASL_MECHANISM`, `_USERNAME`, `_PASSWORD`. @default none */
  sasl?: KafkaSaslOptions;
  /** TLS to the brokers: `true` for system CAs, or PEM material. Env `DRIFTWATCH_KAFKA_TLS`, `_TLS_CA_FILE`. @default false */
  tls?: boolean | KafkaTlsOptions;
  /** Record-batch codec. Env `DRIFTWATCH_KAFKA_COMPRESSION`. @default 'gzip' */
  compression?: KafkaCompression;
  /** Idempotent producer (no duplicates from kafkajs's own retries within one send; a batch the pipeline sends again goes through a fresh producer, so delivery stays at-least-once; needs `acks: -1`), dropped once if the broker refuses it. Env `DRIFTWATCH_KAFKA_IDEMPOTENT`. @default true */
  idempotent?: boolean;
  /** Acknowledgements: -1 all in-sync replicas, 1 leader, 0 none. Env `DRIFTWATCH_KAFKA_ACKS`. @default -1 */
  acks?: -1 | 0 | 1;
  /** TCP connect timeout per broker. Env `DRIFTWATCH_KAFKA_CONNECTION_TIMEOUT_MS`. @default 3000 */
  connectionTimeoutMs?: number;
  /** Timeout of one Kafka request. Env `DRIFTWATCH_KAFKA_REQUEST_TIMEOUT_MS`. @default 5000 */
  requestTimeoutMs?: number;
  /** Longest one `send()` may take, kafkajs retries included. Env `DRIFTWATCH_KAFKA_SEND_TIMEOUT_MS`. @default 10000 */
  sendTimeoutMs?: number;
  /** kafkajs retries inside one send (the SDK pipeline retries whole batches on top). @default 2 */
  retries?: number;
  /** Largest encoded item; bigger items are dropped with a diagnostic (Kafka's default limit is 1 MB). @default 1000000 */
  maxMessageBytes?: number;
  /** Largest produce request: a bigger batch is split into several requests. @default 1000000 */
  maxRequestBytes?: number;
}

/** The resolved, validated, frozen options. */
export interface ResolvedKafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topics: Readonly<Record<KafkaSignal, string>>;
  readonly sasl: Readonly<KafkaSaslOptions> | undefined;
  readonly tls: false | true | Readonly<KafkaTlsOptions>;
  readonly compression: KafkaCompression;
  readonly idempotent: boolean;
  readonly acks: -1 | 0 | 1;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly sendTimeoutMs: number;
  readonly retries: number;
  readonly maxMessageBytes: number;
  readonly maxRequestBytes: number;
}

export const KAFKA_SIGNALS: readonly KafkaSignal[] = [
  'predictions',
  'labels',
  'logs',
  'spans',
  'metrics',
];

const ENV = 'DRIFTWATCH_KAFKA_';
const TOPIC_PATTERN = /^[a-zA-Z0-9._-]{1,249}$/;
const BROKER_PATTERN = /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9._-]+):(\d{1,5})$/;
type Env = Readonly<Record<string, string | undefined>>;

function fail(field: string, value: unknown, expected: string, source?: string): never {
  // The message in the form of every other option's (README, Options).
  const from = source ? ` (env ${source})` : '';
  const secret = field.endsWith('password');
  const shown = secret ? '"***"' : (JSON.stringify(value) ?? String(value));
  throw new SdkError(
    SdkErrorCodes.INVALID_OPTION,
    `invalid option kafka.${field}${from}: got ${shown}, expected ${expected}`,
    { option: `kafka.${field}`, value: secret ? '***' : value, source: source ?? 'code', expected },
  );
}

/** One field: code value if given, else the environment variable, else undefined. */
function pick<T>(code: T | undefined, env: Env, name: string): [T | string | undefined, string?] {
  if (code !== undefined) return [code];
  const raw = env[ENV + name];
  return raw === undefined || raw.trim() === '' ? [undefined] : [raw.trim(), ENV + name];
}

function parseBool(field: string, value: unknown, fallback: boolean, src?: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return fail(field, value, 'true or false', src);
}

function parseInt(field: string, value: unknown, fallback: number, min: number, src?: string) {
  if (value === undefined) return fallback;
  // Decimal text only: `Number` would also take `0x10` or `0b11`.
  const n = typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > 2_147_483_647) {
    return fail(field, value, `an integer >= ${min}`, src);
  }
  return n;
}

function parseBrokers(value: unknown, src?: string): readonly string[] {
  const expected = 'one or more "host:port" (array or comma-separated string)';
  if (value === undefined) return fail('brokers', value, expected, src ?? `${ENV}BROKERS`);
  const list =
    typeof value === 'string' ? value.split(',').map((b) => b.trim()) : (value as unknown[]);
  if (!Array.isArray(list) || list.length === 0) return fail('brokers', value, expected, src);
  for (const broker of list) {
    const match = typeof broker === 'string' ? BROKER_PATTERN.exec(broker) : null;
    const port = match ? Number(match[2]) : 0;
    if (port < 1 || port > 65535) return fail('brokers', broker, expected, src);
  }
  return Object.freeze([...(list as string[])]);
}

function parseTopics(value: unknown, env: Env): Readonly<Record<KafkaSignal, string>> {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value)))
    fail('topics', value, `an object with topic names per signal (${KAFKA_SIGNALS.join(', ')})`);
  const given = (value ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KAFKA_SIGNALS.includes(key as KafkaSignal))
      fail(`topics.${key}`, given[key], `no such signal; one of ${KAFKA_SIGNALS.join(', ')}`);
  }
  const topics = {} as Record<KafkaSignal, string>;
  for (const signal of KAFKA_SIGNALS) {
    const [topic, src] = pick(given[signal], env, `TOPIC_${signal.toUpperCase()}`);
    const name = topic ?? `driftwatch.${signal}`;
    if (typeof name !== 'string' || !TOPIC_PATTERN.test(name) || name === '.' || name === '..')
      fail(`topics.${signal}`, name, '1-249 characters of [a-zA-Z0-9._-]', src);
    topics[signal] = name;
  }
  return Object.freeze(topics);
}

function parseSasl(value: unknown, env: Env): Readonly<KafkaSaslOptions> | undefined {
  const fromCode = value !== undefined;
  const mechanism = fromCode
    ? (value as Partial<KafkaSaslOptions> | null)?.mechanism
    : env[`${ENV}SASL_MECHANISM`];
  if (!fromCode && (mechanism === undefined || mechanism.trim() === '')) {
    // Credentials without a mechanism would silently connect without SASL.
    const credential = ['SASL_USERNAME', 'SASL_PASSWORD']
      .map((name) => `${ENV}${name}`)
      .find((name) => (env[name] ?? '').trim() !== '');
    if (credential !== undefined)
      fail(
        'sasl.mechanism',
        mechanism ?? '(unset)',
        `plain | scram-sha-256 | scram-sha-512 (${credential} is set)`,
        `${ENV}SASL_MECHANISM`,
      );
    return undefined;
  }
  const src = fromCode ? undefined : `${ENV}SASL_MECHANISM`;
  if (fromCode && (typeof value !== 'object' || value === null))
    fail('sasl', value, 'an object { mechanism, username, password }');
  const mechanisms: readonly string[] = ['plain', 'scram-sha-256', 'scram-sha-512'];
  const lower = typeof mechanism === 'string' ? mechanism.toLowerCase() : mechanism;
  if (typeof lower !== 'string' || !mechanisms.includes(lower))
    fail('sasl.mechanism', mechanism, mechanisms.join(' | '), src);
  const username = fromCode ? (value as KafkaSaslOptions).username : env[`${ENV}SASL_USERNAME`];
  const password = fromCode ? (value as KafkaSaslOptions).password : env[`${ENV}SASL_PASSWORD`];
  const userSrc = fromCode ? undefined : `${ENV}SASL_USERNAME`;
  const passSrc = fromCode ? undefined : `${ENV}SASL_PASSWORD`;
  if (typeof username !== 'string' || username === '')
    fail('sasl.username', username, 'a non-empty string', userSrc);
  if (typeof password !== 'string' || password === '')
    fail('sasl.password', password, 'a non-empty string', passSrc);
  return Object.freeze({ mechanism: lower as KafkaSaslMechanism, username, password });
}

function parseTls(value: unknown, env: Env): ResolvedKafkaOptions['tls'] {
  if (value === true || value === false) return value;
  if (value !== undefined) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      fail('tls', value, 'true, false or { ca?, cert?, key?, rejectUnauthorized? }');
    const tls = value as Record<string, unknown>;
    for (const field of ['ca', 'cert', 'key'] as const) {
      if (tls[field] !== undefined && typeof tls[field] !== 'string')
        fail(`tls.${field}`, '(not a string)', 'a PEM string');
    }
    // A client certificate needs its key and the reverse: either alone fails each handshake,
    // retried for ever, where start-up can say which one is missing.
    for (const [given, missing] of [
      ['cert', 'key'],
      ['key', 'cert'],
    ] as const) {
      if (tls[given] !== undefined && tls[missing] === undefined)
        fail(
          `tls.${missing}`,
          undefined,
          `a PEM string: tls.${given} is set (mutual TLS needs both)`,
        );
    }
    const reject = parseBool('tls.rejectUnauthorized', tls.rejectUnauthorized, true);
    return Object.freeze({ ...(tls as KafkaTlsOptions), rejectUnauthorized: reject });
  }
  // As for every other variable, an empty value counts as unset.
  const caFile = pick(undefined, env, 'TLS_CA_FILE')[0] as string | undefined;
  const enabled = parseBool(
    'tls',
    pick(undefined, env, 'TLS')[0],
    caFile !== undefined,
    `${ENV}TLS`,
  );
  if (!enabled) return false;
  const reject = parseBool(
    'tls.rejectUnauthorized',
    pick(undefined, env, 'TLS_REJECT_UNAUTHORIZED')[0],
    true,
    `${ENV}TLS_REJECT_UNAUTHORIZED`,
  );
  if (caFile === undefined) return reject ? true : Object.freeze({ rejectUnauthorized: false });
  let ca: string;
  try {
    ca = readFileSync(caFile, 'utf8');
  } catch {
    return fail('tls.ca', caFile, 'a readable PEM file', `${ENV}TLS_CA_FILE`);
  }
  return Object.freeze({ ca, rejectUnauthorized: reject });
}

/**
 * Resolves the Kafka transport options from code, then `DRIFTWATCH_KAFKA_*`, then defaults.
 * Throws SdkError `DW_SDK_INVALID_OPTION` naming the option and the value at fault.
 *
 * @example resolveKafkaOptions({ brokers: ['kafka-1:9092'], compression: 'gzip' }, process.env)
 */
export function resolveKafkaOptions(
  input: KafkaTransportOptions = {},
  env: Env = process.env,
): ResolvedKafkaOptions {
  if (typeof input !== 'object' || input === null) fail('', input, 'an options object');
  rejectUnknownKeys('kafka', 'kafka.', input);
  rejectUnknownKeys('kafka.sasl', 'kafka.sasl.', input.sasl);
  if (typeof input.tls === 'object') rejectUnknownKeys('kafka.tls', 'kafka.tls.', input.tls);
  const [brokers, brokersSrc] = pick(input.brokers, env, 'BROKERS');
  const [clientId, clientSrc] = pick(input.clientId, env, 'CLIENT_ID');
  const [compression, compressionSrc] = pick(input.compression, env, 'COMPRESSION');
  const [idempotent, idemSrc] = pick(input.idempotent, env, 'IDEMPOTENT');
  const [acks, acksSrc] = pick(input.acks, env, 'ACKS');
  const [connectMs, connectSrc] = pick(input.connectionTimeoutMs, env, 'CONNECTION_TIMEOUT_MS');
  const [requestMs, requestSrc] = pick(input.requestTimeoutMs, env, 'REQUEST_TIMEOUT_MS');
  const [sendMs, sendSrc] = pick(input.sendTimeoutMs, env, 'SEND_TIMEOUT_MS');

  const id = clientId ?? 'driftwatch-sdk';
  if (typeof id !== 'string' || !/^[a-zA-Z0-9._-]{1,128}$/.test(id))
    fail('clientId', id, '1-128 characters of [a-zA-Z0-9._-]', clientSrc);
  const codec = compression ?? 'gzip';
  if (codec !== 'none' && codec !== 'gzip')
    fail('compression', codec, "'none' | 'gzip'", compressionSrc);
  // One message for every bad value: "an integer >= -1" would not say that only three are valid.
  const acksExpected = '-1 (all in-sync replicas), 0 or 1';
  // Text is a number only from the environment; code passes -1, 0 or 1.
  const acksNumber =
    acksSrc !== undefined && typeof acks === 'string' && DECIMAL.test(acks) ? Number(acks) : acks;
  if (acksNumber !== undefined && acksNumber !== -1 && acksNumber !== 0 && acksNumber !== 1)
    fail('acks', acks, acksExpected, acksSrc);
  const acksValue = acksNumber ?? -1;
  const idem = parseBool('idempotent', idempotent, true, idemSrc);
  if (idem && acksValue !== -1)
    fail(
      'acks',
      acksValue,
      '-1 when idempotent is true (set idempotent: false for acks 0/1)',
      acksSrc,
    );

  const retries = parseInt('retries', input.retries, 2, 0);
  // kafkajs refuses every send of an idempotent producer that may not retry: fail at start-up.
  if (idem && retries === 0)
    fail('retries', retries, 'at least 1 when idempotent is true (set idempotent: false for 0)');

  const options: ResolvedKafkaOptions = {
    brokers: parseBrokers(brokers, brokersSrc),
    clientId: id,
    topics: parseTopics(input.topics, env),
    sasl: parseSasl(input.sasl, env),
    tls: parseTls(input.tls, env),
    compression: codec,
    idempotent: idem,
    acks: acksValue as -1 | 0 | 1,
    connectionTimeoutMs: parseInt('connectionTimeoutMs', connectMs, 3000, 1, connectSrc),
    requestTimeoutMs: parseInt('requestTimeoutMs', requestMs, 5000, 1, requestSrc),
    sendTimeoutMs: parseInt('sendTimeoutMs', sendMs, 10_000, 1, sendSrc),
    retries,
    maxMessageBytes: parseInt('maxMessageBytes', input.maxMessageBytes, 1_000_000, 64),
    maxRequestBytes: parseInt('maxRequestBytes', input.maxRequestBytes, 1_000_000, 1024),
  };
  return Object.freeze(options);
}
