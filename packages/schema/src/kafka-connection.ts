/**
 * How both ends read the Kafka connection settings they share (the same `DRIFTWATCH_KAFKA_*`
 * variables serve the SDK's transport and the collector's source): broker addresses, SASL
 * credentials, PEM material. Each end reports a failure in its own error type; the rules live here
 * once, so a setting one end accepts the other does not refuse.
 */

/** `host:port`, the host a name or a bracketed IPv6 address (`[::1]:9092`). */
const BROKER = /^(\[([0-9a-fA-F:.]+)\]|[a-zA-Z0-9._-]+):(\d{1,5})$/;

/** A seed broker both ends accept: `host:port` with a port from 1 to 65535. */
export function isKafkaBroker(value: unknown): value is string {
  const match = typeof value === 'string' ? BROKER.exec(value) : null;
  const port = match ? Number(match[3]) : 0;
  return port >= 1 && port <= 65535;
}

/** SASL mechanisms with a username and password (what Kafka and managed offerings speak). */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** A mechanism as given (any case), in the lower case kafkajs takes, or undefined. */
export function kafkaSaslMechanism(value: unknown): KafkaSaslMechanism | undefined {
  const lower = typeof value === 'string' ? value.toLowerCase() : undefined;
  return KAFKA_SASL_MECHANISMS.find((mechanism) => mechanism === lower);
}

/**
 * A SASL username or password: not blank, no control character. SASLprep refuses them, and a
 * secret read from a file with its trailing newline would fail every handshake, retried for ever.
 */
export function isKafkaCredential(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && !/\p{Cc}/u.test(value);
}

/** PEM text holds at least one certificate block starting with this line. */
export const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/** Seed brokers as kafkajs can read them, and the address each stands for. */
export interface KafkaSeedBrokers {
  readonly brokers: string[];
  /** The address to connect to for a host kafkajs names (an alias, or any other host as is). */
  addressOf(host: string): string;
}

/**
 * kafkajs 2.2.4 reads a seed broker as `broker.split(':')`, so `[::1]:9092` becomes host `[` and
 * port 0 (getaddrinfo ENOTFOUND). A bracketed IPv6 broker is handed to kafkajs as an alias under
 * the reserved `.invalid` domain (RFC 2606, never resolvable), which the socket factory maps back
 * with `addressOf`. Brokers learnt from metadata come as host and port: untouched.
 */
export function kafkaSeedBrokers(brokers: readonly string[]): KafkaSeedBrokers {
  const aliases = new Map<string, string>();
  const list = brokers.map((broker) => {
    const match = BROKER.exec(broker);
    const address = match?.[2];
    if (address === undefined) return broker;
    const alias = `ipv6-${aliases.size}.driftwatch.invalid`;
    aliases.set(alias, address);
    return `${alias}:${match![3]!}`;
  });
  return { brokers: list, addressOf: (host) => aliases.get(host) ?? host };
}
