/**
 * How both ends read the Kafka connection settings they share (the same `DRIFTWATCH_KAFKA_*`
 * variables serve the SDK's transport and the collector's source): broker addresses, SASL
 * credentials, PEM material, and how a broker socket is made. Each end reports a failure in its
 * own error type; the rules live here once, so a setting one end accepts the other does not refuse.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

/** `host:port`, the host a name or a bracketed IPv6 address (`[::1]:9092`). */
const BROKER = /^(\[([0-9a-fA-F:.]+)\]|[a-zA-Z0-9._-]+):(\d{1,5})$/;

/** A seed broker both ends accept: `host:port` with a port from 1 to 65535. */
export function isKafkaBroker(value: unknown): value is string {
  const match = typeof value === 'string' ? BROKER.exec(value) : null;
  const port = match ? Number(match[3]) : 0;
  // Brackets hold an IPv6 address only (`[1.2.3.4]`, `[...]` would fail to resolve at each send).
  const bracketed = match?.[2];
  if (bracketed !== undefined && isIP(bracketed) !== 6) return false;
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

/** What kafkajs hands its `socketFactory` (the shape of its ISocketFactory's argument). */
export interface KafkaSocketOptions {
  readonly host: string;
  readonly port: number;
  /** kafkajs's `ssl` option: true or TLS options for TLS, absent for plaintext. */
  readonly ssl?: boolean | ConnectionOptions | undefined;
  readonly onConnect: () => void;
}

/** kafkajs's own socket keep-alive delay. */
const KEEP_ALIVE_MS = 60_000;

/**
 * A broker socket as kafkajs's default factory makes it, for ends that need their own factory
 * (an aliased seed broker, sockets that must not hold the process). TLS gives the host name for
 * SNI and the certificate check, never an IP address (RFC 6066 has no IP server names).
 */
export function connectKafkaSocket({ host, port, ssl, onConnect }: KafkaSocketOptions): Socket {
  const socket = ssl
    ? tlsConnect(
        {
          host,
          port,
          ...(isIP(host) === 0 ? { servername: host } : {}),
          ...(typeof ssl === 'object' ? ssl : {}),
        },
        onConnect,
      )
    : netConnect({ host, port }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_MS);
  return socket;
}

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
