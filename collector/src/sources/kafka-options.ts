/**
 * Options of the Kafka source, resolved as every collector option (code > `DRIFTWATCH_KAFKA_*`
 * environment > config file > default). The source is on when brokers are given. Variable names
 * and topic defaults are the SDK's Kafka transport's, so one environment serves both ends.
 */
import { readFileSync } from 'node:fs';
import {
  DEFAULT_KAFKA_DLQ_TOPIC,
  DEFAULT_KAFKA_TOPICS,
  isKafkaBroker,
  isKafkaCredential,
  isKafkaTopicName,
  KAFKA_SASL_MECHANISMS,
  kafkaSaslMechanism,
  PEM_CERTIFICATE,
  SIGNALS,
  type KafkaSaslMechanism,
  type Signal,
} from '@driftwatch/schema';
import { integer, invalid, pick } from '../option-checks.js';

export type { KafkaSaslMechanism };

export interface KafkaSaslOptions {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

export interface KafkaTlsOptions {
  /** PEM CA bundle that signs the brokers' certificates. @default the system store */
  ca?: string;
  /** PEM client certificate (mutual TLS, with `key`). @default none */
  cert?: string;
  /** PEM private key of `cert`. @default none */
  key?: string;
  /** Refuse brokers whose certificate does not verify. @default true */
  rejectUnauthorized: boolean;
}

export interface KafkaSourceOptions {
  /** Bootstrap brokers, `host:port`; setting them turns the source on. Env `DRIFTWATCH_KAFKA_BROKERS` (comma-separated). @default undefined (off) */
  brokers: readonly string[];
  /** Client id the brokers see. Env `DRIFTWATCH_KAFKA_CLIENT_ID`. @default "driftwatch-collector" */
  clientId: string;
  /** Consumer group; collectors of one group share the partitions. Env `DRIFTWATCH_KAFKA_GROUP_ID`. @default "driftwatch-collector" */
  groupId: string;
  /** Topic per signal. Env `DRIFTWATCH_KAFKA_TOPIC_<SIGNAL>`. @default driftwatch.predictions, .labels, .logs, .spans, .metrics */
  topics: Readonly<Record<Signal, string>>;
  /** Where records that fail validation go, with the reason in headers. Env `DRIFTWATCH_KAFKA_DLQ_TOPIC`. @default "driftwatch.dlq" */
  deadLetterTopic: string;
  /** SASL credentials. Env `DRIFTWATCH_KAFKA_SASL_MECHANISM`, `_USERNAME`, `_PASSWORD`. @default none */
  sasl?: Readonly<KafkaSaslOptions>;
  /** TLS: `true` for the system CAs, or PEM material. Env `DRIFTWATCH_KAFKA_TLS`, `_TLS_CA_FILE`, `_TLS_REJECT_UNAUTHORIZED`. @default false */
  tls: boolean | Readonly<KafkaTlsOptions>;
  /** Longest wait between two tries of a failed write (storage or dead-letter topic), in ms. Env `DRIFTWATCH_KAFKA_RETRY_MAX_MS`. @default 30000 */
  retryMaxMs: number;
}

/** What code or the config file may give: brokers also as a comma-separated string. */
export type KafkaSourceOptionsInput = Partial<
  Omit<KafkaSourceOptions, 'brokers' | 'topics' | 'sasl' | 'tls'>
> & {
  brokers?: string | readonly string[];
  topics?: Partial<Record<Signal, string>>;
  sasl?: Partial<KafkaSaslOptions>;
  tls?: boolean | Partial<KafkaTlsOptions>;
};

type Env = NodeJS.ProcessEnv;
const ENV = 'DRIFTWATCH_KAFKA_';
const CLIENT_ID = /^[a-zA-Z0-9._-]{1,255}$/;
const MECHANISMS = KAFKA_SASL_MECHANISMS.join(' | ');

/** A variable's value, trimmed (a secret file's newline), or undefined when unset or blank. */
function variable(env: Env, name: string): string | undefined {
  const value = env[ENV + name]?.trim();
  return value === '' ? undefined : value;
}

function brokersOf(value: unknown): readonly string[] {
  const expected = 'one or more "host:port" (array or comma-separated string)';
  const list = typeof value === 'string' ? value.split(',').map((b) => b.trim()) : value;
  if (!Array.isArray(list) || list.length === 0) throw invalid('kafka.brokers', value, expected);
  for (const broker of list as unknown[]) {
    if (!isKafkaBroker(broker)) throw invalid('kafka.brokers', broker, expected);
  }
  return Object.freeze([...(list as string[])]);
}

/** A client or group id: code > environment > file > `driftwatch-collector`, checked. */
function idOf(
  option: 'clientId' | 'groupId',
  code: string | undefined,
  envValue: string | undefined,
  fileValue: string | undefined,
): string {
  const id = pick(code, envValue, fileValue, 'driftwatch-collector');
  if (!CLIENT_ID.test(id))
    throw invalid(`kafka.${option}`, id, '1-255 characters of [a-zA-Z0-9._-]');
  return id;
}

function topicOf(field: string, value: unknown): string {
  if (!isKafkaTopicName(value)) throw invalid(field, value, '1-249 characters of [a-zA-Z0-9._-]');
  return value;
}

function booleanOf(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  throw invalid(field, value, 'true or false');
}

function saslOf(input: KafkaSourceOptionsInput, file: KafkaSourceOptionsInput, env: Env) {
  const given = input.sasl ?? {};
  const fromFile = file.sasl ?? {};
  const mechanism = pick(given.mechanism, variable(env, 'SASL_MECHANISM'), fromFile.mechanism, '');
  const username = pick(given.username, variable(env, 'SASL_USERNAME'), fromFile.username, '');
  const password = pick(given.password, variable(env, 'SASL_PASSWORD'), fromFile.password, '');
  if (mechanism === '') {
    // Credentials without a mechanism would connect without SASL, without a word.
    if (username !== '' || password !== '')
      throw invalid('kafka.sasl.mechanism', '', `${MECHANISMS} (credentials are set)`);
    return undefined;
  }
  const known = kafkaSaslMechanism(mechanism);
  if (known === undefined) throw invalid('kafka.sasl.mechanism', mechanism, MECHANISMS);
  if (!isKafkaCredential(username))
    throw invalid('kafka.sasl.username', username, 'a non-blank string without control characters');
  // Never echoed: a password is a secret.
  if (!isKafkaCredential(password))
    throw invalid('kafka.sasl.password', '***', 'a non-blank string without control characters');
  return Object.freeze({ mechanism: known, username, password });
}

function caFileText(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid('kafka.tls.ca', path, `a readable PEM file (${(error as Error).message})`);
  }
  if (!pem.includes(PEM_CERTIFICATE))
    throw invalid('kafka.tls.ca', path, `a PEM file holding a "${PEM_CERTIFICATE}" block`);
  return pem;
}

function tlsOf(input: KafkaSourceOptionsInput, file: KafkaSourceOptionsInput, env: Env) {
  const given = input.tls ?? (variable(env, 'TLS') === undefined ? file.tls : undefined);
  const caFile = variable(env, 'TLS_CA_FILE');
  const rejectText = variable(env, 'TLS_REJECT_UNAUTHORIZED');
  const fields = typeof given === 'object' ? given : {};
  const enabled =
    typeof given === 'object'
      ? true
      : booleanOf('kafka.tls', given ?? variable(env, 'TLS'), caFile !== undefined);
  const rejectUnauthorized = booleanOf(
    'kafka.tls.rejectUnauthorized',
    fields.rejectUnauthorized ?? rejectText,
    true,
  );
  if (!enabled) {
    // Who sets them expects TLS, and would get plaintext without a word.
    if (rejectText !== undefined)
      throw invalid('kafka.tls.rejectUnauthorized', rejectText, 'no value while TLS is off');
    if (caFile !== undefined) throw invalid('kafka.tls.ca', caFile, 'no value while TLS is off');
    return false;
  }
  const pem = {
    ...(fields.ca !== undefined ? { ca: fields.ca } : {}),
    ...(fields.ca === undefined && caFile !== undefined ? { ca: caFileText(caFile) } : {}),
    ...(fields.cert !== undefined ? { cert: fields.cert } : {}),
    ...(fields.key !== undefined ? { key: fields.key } : {}),
  };
  if ((pem.cert === undefined) !== (pem.key === undefined))
    throw invalid('kafka.tls', '(cert or key)', 'both tls.cert and tls.key for mutual TLS');
  if (Object.keys(pem).length === 0 && rejectUnauthorized) return true;
  return Object.freeze({ ...pem, rejectUnauthorized });
}

/**
 * The Kafka source's options, or undefined when no brokers are given (the source is off).
 * Throws DW_COLLECTOR_INVALID_OPTION naming the option and the value at fault.
 */
export function resolveKafkaSourceOptions(
  input: KafkaSourceOptionsInput = {},
  file: KafkaSourceOptionsInput = {},
  env: Env = process.env,
): Readonly<KafkaSourceOptions> | undefined {
  const brokers = pick<unknown>(input.brokers, variable(env, 'BROKERS'), file.brokers, undefined);
  if (brokers === undefined) return undefined;
  const clientId = idOf('clientId', input.clientId, variable(env, 'CLIENT_ID'), file.clientId);
  const groupId = idOf('groupId', input.groupId, variable(env, 'GROUP_ID'), file.groupId);
  const topics = {} as Record<Signal, string>;
  for (const signal of SIGNALS) {
    const topic = pick(
      input.topics?.[signal],
      variable(env, `TOPIC_${signal.toUpperCase()}`),
      file.topics?.[signal],
      DEFAULT_KAFKA_TOPICS[signal],
    );
    topics[signal] = topicOf(`kafka.topics.${signal}`, topic);
  }
  const deadLetterTopic = topicOf(
    'kafka.deadLetterTopic',
    pick(
      input.deadLetterTopic,
      variable(env, 'DLQ_TOPIC'),
      file.deadLetterTopic,
      DEFAULT_KAFKA_DLQ_TOPIC,
    ),
  );
  const names = [...Object.values(topics), deadLetterTopic];
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  // Two signals on one topic would be read as one of them: the other's records all refused.
  if (repeated !== undefined)
    throw invalid('kafka.topics', repeated, 'a different topic for each signal and the DLQ');
  const retryMaxMs = integer(
    'kafka.retryMaxMs',
    pick<unknown>(input.retryMaxMs, variable(env, 'RETRY_MAX_MS'), file.retryMaxMs, 30_000),
    100,
    3_600_000,
  );
  const sasl = saslOf(input, file, env);
  return Object.freeze({
    brokers: brokersOf(brokers),
    clientId,
    groupId,
    topics: Object.freeze(topics),
    deadLetterTopic,
    ...(sasl ? { sasl } : {}),
    tls: tlsOf(input, file, env),
    retryMaxMs,
  });
}
