/**
 * Options of the Kafka transport: resolved code > `DRIFTWATCH_KAFKA_*` environment > default,
 * validated with messages that name the field, the value and what was expected, then frozen.
 */
import { readFileSync } from 'node:fs';
import {
  DEFAULT_KAFKA_TOPICS,
  isKafkaBroker,
  isKafkaCredential,
  KAFKA_SASL_MECHANISMS,
  kafkaSaslMechanism,
  PEM_CERTIFICATE,
  type KafkaSaslMechanism,
} from '@driftwatch/schema';
import { SdkError, SdkErrorCodes } from '../errors.js';
import { rejectUnknownKeys } from '../option-keys.js';
import { DECIMAL, fromEnv } from '../options-parse.js';

/** The signals the transport spreads over one topic each. */
export type KafkaSignal = 'predictions' | 'labels' | 'logs' | 'spans' | 'metrics';

export type { KafkaSaslMechanism };

/** Record-batch codec: gzip is built into kafkajs; `none` for brokers that lack it. */
export type KafkaCompression = 'none' | 'gzip';

export interface KafkaSaslOptions {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

export interface KafkaTlsOptions {
  /** PEM CA bundle that signs the brokers' certificates. @default the system store */
  ca?: string | undefined;
  /** PEM client certificate (mutual TLS). @default none */
  cert?: string | undefined;
  /** PEM private key of `cert`. @default none */
  key?: string | undefined;
  /** Reject brokers whose certificate does not verify (also `'true'`/`'false'`). @default true */
  rejectUnauthorized?: boolean | undefined;
}

/**
 * What callers (and `init({ transport: { type: 'kafka', … } })`) may pass. Numbers and booleans
 * may also be given as text (`acks: '1'`, `tls: 'true'`); an `undefined` field is unset.
 */
export interface KafkaTransportOptions {
  /** Bootstrap brokers as `host:port` (array or comma-separated). Env `DRIFTWATCH_KAFKA_BROKERS`. Required. */
  brokers?: string | readonly string[] | undefined;
  /** Client id the brokers see. Env `DRIFTWATCH_KAFKA_CLIENT_ID`. @default 'driftwatch-sdk' */
  clientId?: string | undefined;
  /**
   * Topic per signal. Env `DRIFTWATCH_KAFKA_TOPIC_<SIGNAL>` (e.g. `DRIFTWATCH_KAFKA_TOPIC_LOGS`).
   * @default driftwatch.predictions, driftwatch.labels, driftwatch.logs, driftwatch.spans, driftwatch.metrics
   */
  topics?: { [S in KafkaSignal]?: string | undefined } | undefined;
  /**
   * SASL credentials. Env `DRIFTWATCH_KAFKA_SASL_MECHANISM`, `_USERNAME`, `_PASSWORD` (trimmed,
   * as every variable: a secret file's trailing newline is dropped). Username and password must
   * not be blank nor hold control characters. @default none
   */
  sasl?: KafkaSaslOptions | undefined;
  /**
   * TLS to the brokers: `true` for system CAs, or PEM material. Env `DRIFTWATCH_KAFKA_TLS`,
   * `_TLS_CA_FILE` (a PEM file with a `-----BEGIN CERTIFICATE-----` block; alone it turns TLS
   * on) and `_TLS_REJECT_UNAUTHORIZED`. `_TLS_REJECT_UNAUTHORIZED` set while TLS is off, or a CA
   * file with `DRIFTWATCH_KAFKA_TLS=false`, fails at start-up. @default false
   */
  tls?: boolean | KafkaTlsOptions | undefined;
  /** Record-batch codec. Env `DRIFTWATCH_KAFKA_COMPRESSION`. @default 'gzip' */
  compression?: KafkaCompression | undefined;
  /** Idempotent producer (no duplicates from kafkajs's own retries within one send; a batch the pipeline sends again goes through a fresh producer, so delivery stays at-least-once; needs `acks: -1`), dropped once if the broker refuses it. Env `DRIFTWATCH_KAFKA_IDEMPOTENT`. @default true */
  idempotent?: boolean | undefined;
  /** Acknowledgements: -1 all in-sync replicas, 1 leader, 0 none. Env `DRIFTWATCH_KAFKA_ACKS`. @default -1 */
  acks?: -1 | 0 | 1 | undefined;
  /** TCP connect timeout per broker, 1 to 2147483647. Env `DRIFTWATCH_KAFKA_CONNECTION_TIMEOUT_MS`. @default 3000 */
  connectionTimeoutMs?: number | undefined;
  /** Timeout of one Kafka request, 1 to 2147483647. Env `DRIFTWATCH_KAFKA_REQUEST_TIMEOUT_MS`. @default 5000 */
  requestTimeoutMs?: number | undefined;
  /** Longest one `send()` may take, kafkajs retries included, 1 to 2147483647. Env `DRIFTWATCH_KAFKA_SEND_TIMEOUT_MS`. @default 10000 */
  sendTimeoutMs?: number | undefined;
  /** kafkajs retries inside one send (the SDK pipeline retries whole batches on top). @default 2 */
  retries?: number | undefined;
  /** Largest record as the broker counts it against `message.max.bytes` (a record batch of one: the item's JSON, its key, headers and framing); bigger items are dropped with a diagnostic (Kafka's default limit is 1 MB). @default 1000000 */
  maxMessageBytes?: number | undefined;
  /** Largest produce request: a bigger batch is split into several requests. @default 1000000 */
  maxRequestBytes?: number | undefined;
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
type Env = Readonly<Record<string, string | undefined>>;

/** The largest integer option: kafkajs hands timeouts to setTimeout, which takes 2^31-1 ms. */
const MAX_INT = 2_147_483_647;

/** `shownAsIs`: `value` is a placeholder (`(unset)`) to show even for a secret field. */
function fail(
  field: string,
  value: unknown,
  expected: string,
  source?: string,
  shownAsIs = false,
): never {
  // The message in the form of every other option's (README, Options), named as init() takes
  // them: under `transport`, with `type: 'kafka'`.
  const option = field === '' ? 'transport' : `transport.${field}`;
  const from = source ? ` (env ${source})` : '';
  // A string where the sasl object belongs may be `mechanism:user:password`.
  const secret =
    !shownAsIs && (field.endsWith('password') || (field === 'sasl' && typeof value === 'string'));
  const shown = secret ? '"***"' : displayed(value);
  throw new SdkError(
    SdkErrorCodes.INVALID_OPTION,
    `invalid option ${option}${from}: got ${shown}, expected ${expected}`,
    { option, value: secret ? '***' : value, source: source ?? 'code', expected },
  );
}

/** A value as an error shows it: JSON where it can be, else its text (a BigInt, a cycle). */
function displayed(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** One field: code value if given, else the environment variable (trimmed, empty = unset). */
function pick<T>(code: T | undefined, env: Env, name: string): [T | string | undefined, string?] {
  if (code !== undefined) return [code];
  const text = fromEnv(env, ENV + name);
  return text === undefined ? [undefined] : [text, ENV + name];
}

/** A boolean, or its text form (from the environment or code); undefined for anything else. */
function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

function parseBool(field: string, value: unknown, fallback: boolean, src?: string): boolean {
  if (value === undefined) return fallback;
  return booleanOf(value) ?? fail(field, value, 'true or false', src);
}

/** A number, or its decimal text (`Number` alone would also take `0x10` or `0b11`). */
function numberOf(value: unknown): unknown {
  return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
}

function parseInt(field: string, value: unknown, fallback: number, min: number, src?: string) {
  if (value === undefined) return fallback;
  const n = numberOf(value);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > MAX_INT) {
    return fail(field, value, `an integer from ${min} to ${MAX_INT}`, src);
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
    if (!isKafkaBroker(broker)) return fail('brokers', broker, expected, src);
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
    const name = topic ?? DEFAULT_KAFKA_TOPICS[signal];
    if (typeof name !== 'string' || !TOPIC_PATTERN.test(name) || name === '.' || name === '..')
      fail(`topics.${signal}`, name, '1-249 characters of [a-zA-Z0-9._-]', src);
    // The collector reads each topic as one signal (and refuses to start with a topic shared):
    // the records of a second signal on it would all go to its dead-letter topic.
    const sharedWith = KAFKA_SIGNALS.find((other) => topics[other] === name);
    if (sharedWith !== undefined)
      fail(
        `topics.${signal}`,
        name,
        `a topic of its own (topics.${sharedWith} is also "${name}"; the collector reads one signal per topic)`,
        src,
      );
    topics[signal] = name;
  }
  return Object.freeze(topics);
}

/** A SASL username or password, checked as both ends check it (see isKafkaCredential). */
function credential(field: string, value: unknown, shown: unknown, src?: string): string {
  if (value === undefined)
    fail(field, '(unset)', 'a non-blank string without control characters', src, true);
  if (!isKafkaCredential(value))
    fail(field, shown, 'a non-blank string without control characters', src);
  return value;
}

function parseSasl(value: unknown, env: Env): Readonly<KafkaSaslOptions> | undefined {
  const mechanisms = KAFKA_SASL_MECHANISMS.join(' | ');
  if (value !== undefined) {
    if (typeof value !== 'object' || value === null)
      fail('sasl', value, 'an object { mechanism, username, password }');
    const { mechanism, username, password } = value as Partial<Record<string, unknown>>;
    const known = kafkaSaslMechanism(mechanism) ?? fail('sasl.mechanism', mechanism, mechanisms);
    return Object.freeze({
      mechanism: known,
      username: credential('sasl.username', username, username),
      password: credential('sasl.password', password, password),
    });
  }
  // Trimmed as every variable, a blank one unset.
  const [mechanism, mechanismSrc = `${ENV}SASL_MECHANISM`] = pick(undefined, env, 'SASL_MECHANISM');
  const [username, userSrc = `${ENV}SASL_USERNAME`] = pick(undefined, env, 'SASL_USERNAME');
  const [password, passSrc = `${ENV}SASL_PASSWORD`] = pick(undefined, env, 'SASL_PASSWORD');
  if (mechanism === undefined) {
    // Credentials without a mechanism would silently connect without SASL.
    const credentialSrc =
      username !== undefined ? userSrc : password !== undefined ? passSrc : undefined;
    if (credentialSrc !== undefined)
      fail(
        'sasl.mechanism',
        env[mechanismSrc] ?? '(unset)',
        `${mechanisms} (${credentialSrc} is set)`,
        mechanismSrc,
      );
    return undefined;
  }
  const known =
    kafkaSaslMechanism(mechanism) ?? fail('sasl.mechanism', mechanism, mechanisms, mechanismSrc);
  return Object.freeze({
    mechanism: known,
    username: credential('sasl.username', username, username ?? env[userSrc] ?? '(unset)', userSrc),
    password: credential('sasl.password', password, undefined, passSrc),
  });
}

/** The CA file's text, read once at start-up: it must be readable and hold a PEM certificate. */
function readCaFile(file: string, src: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    return fail('tls.ca', file, `a readable PEM file${code ? ` (${code})` : ''}`, src);
  }
  // Anything else (a key, DER bytes, an empty file) would fail each handshake, retried for ever.
  if (!text.includes(PEM_CERTIFICATE))
    fail('tls.ca', file, `a PEM file holding a "${PEM_CERTIFICATE}" block`, src);
  return text;
}

/** `tls` from code: a boolean (or its text), or PEM material, `undefined` fields left out. */
function parseTlsCode(value: unknown): ResolvedKafkaOptions['tls'] {
  const enabled = booleanOf(value);
  if (enabled !== undefined) return enabled;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('tls', value, 'true, false or { ca?, cert?, key?, rejectUnauthorized? }');
  const tls = value as Record<string, unknown>;
  const pem: { ca?: string; cert?: string; key?: string } = {};
  for (const field of ['ca', 'cert', 'key'] as const) {
    const text = tls[field];
    if (text === undefined) continue;
    if (typeof text !== 'string') fail(`tls.${field}`, '(not a string)', 'a PEM string');
    // As from DRIFTWATCH_KAFKA_TLS_CA_FILE: anything else fails each handshake, retried for ever.
    if (field === 'ca' && !text.includes(PEM_CERTIFICATE))
      fail('tls.ca', '(not PEM)', `PEM text holding a "${PEM_CERTIFICATE}" block`);
    pem[field] = text;
  }
  // A client certificate needs its key and the reverse: either alone fails each handshake,
  // retried for ever, where start-up can say which one is missing.
  for (const [given, missing] of [
    ['cert', 'key'],
    ['key', 'cert'],
  ] as const) {
    if (pem[given] !== undefined && pem[missing] === undefined)
      fail(
        `tls.${missing}`,
        undefined,
        `a PEM string: tls.${given} is set (mutual TLS needs both)`,
      );
  }
  const reject = parseBool('tls.rejectUnauthorized', tls.rejectUnauthorized, true);
  return Object.freeze({ ...pem, rejectUnauthorized: reject });
}

/**
 * `tls` from DRIFTWATCH_KAFKA_TLS, _TLS_CA_FILE (alone it turns TLS on) and
 * _TLS_REJECT_UNAUTHORIZED. Each is checked whether TLS is on or not, and one that would go
 * unused, TLS being off, fails: who sets it expects TLS, and would get plaintext without a word.
 */
function parseTlsEnv(env: Env): ResolvedKafkaOptions['tls'] {
  const [tlsText, tlsSrc] = pick(undefined, env, 'TLS');
  const [caFile, caSrc] = pick(undefined, env, 'TLS_CA_FILE');
  const [rejectText, rejectSrc] = pick(undefined, env, 'TLS_REJECT_UNAUTHORIZED');
  const reject = parseBool('tls.rejectUnauthorized', rejectText, true, rejectSrc);
  const enabled = parseBool('tls', tlsText, caFile !== undefined, tlsSrc);
  if (!enabled) {
    const off = `TLS is off (${ENV}TLS is ${tlsText === undefined ? 'unset' : 'false'}); set ${ENV}TLS=true to use TLS`;
    if (rejectSrc !== undefined)
      fail('tls.rejectUnauthorized', rejectText, `no value while ${off}`, rejectSrc);
    if (caSrc !== undefined) fail('tls.ca', caFile, `no value while ${off}`, caSrc);
    return false;
  }
  if (caFile === undefined || caSrc === undefined)
    return reject ? true : Object.freeze({ rejectUnauthorized: false });
  return Object.freeze({ ca: readCaFile(String(caFile), caSrc), rejectUnauthorized: reject });
}

/**
 * Resolves the Kafka transport options from code, then `DRIFTWATCH_KAFKA_*`, then defaults.
 * Throws SdkError `DW_SDK_INVALID_OPTION` naming the option and the value at fault.
 *
 * `unknownKeyNote` follows "no such option" in the error for a misplaced key (why these options
 * are the Kafka transport's).
 *
 * @example resolveKafkaOptions({ brokers: ['kafka-1:9092'], compression: 'gzip' }, process.env)
 */
export function resolveKafkaOptions(
  input: KafkaTransportOptions = {},
  env: Env = process.env,
  unknownKeyNote = '',
): ResolvedKafkaOptions {
  if (typeof input !== 'object' || input === null) fail('', input, 'an options object');
  rejectUnknownKeys('transport (kafka)', 'transport.', input, unknownKeyNote);
  rejectUnknownKeys('transport.sasl', 'transport.sasl.', input.sasl);
  if (typeof input.tls === 'object')
    rejectUnknownKeys('transport.tls', 'transport.tls.', input.tls);
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
  // Text is a number from code too, as for every Kafka option ('1' from a config file).
  const acksNumber = numberOf(acks);
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
    tls: input.tls === undefined ? parseTlsEnv(env) : parseTlsCode(input.tls),
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
