/**
 * Failures Mokapi cannot produce (a SASL listener refusing the password, a broker certificate
 * that does not verify), as kafkajs reports them: whether the batch is retried, and a diagnostic
 * that names the brokers and the option to check, never the password.
 */
import { describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { describeKafkaError, isRetryableKafkaError } from '../../src/transport/kafka-errors.js';
import { resolveKafkaOptions } from '../../src/transport/kafka-options.js';

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } = kafkajs;
// kafkajs exports these classes without (or with narrower) typings than its constructors take.
type ErrorClass = new (...args: unknown[]) => Error;
const { KafkaJSConnectionClosedError, KafkaJSNonRetriableError, KafkaJSSASLAuthenticationError } =
  kafkajs as unknown as Record<
    'KafkaJSConnectionClosedError' | 'KafkaJSNonRetriableError' | 'KafkaJSSASLAuthenticationError',
    ErrorClass
  >;

const retriesExceeded = (error: Error) =>
  new KafkaJSNumberOfRetriesExceeded(error, { retryCount: 2, retryTime: 100 });

describe('kafka errors', () => {
  it('a refused SASL password: not retried, named with the user and transport.sasl, password never shown', () => {
    const options = resolveKafkaOptions(
      {
        brokers: ['k1:9093', 'k2:9093'],
        sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'hunter2' },
      },
      {},
    );
    const refused = new KafkaJSSASLAuthenticationError(
      'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );
    const error = new KafkaJSNonRetriableError(refused, { cause: refused });
    expect(isRetryableKafkaError(error)).toBe(false);
    const described = describeKafkaError(error, options);
    expect(described.message).toMatch(
      /^kafka k1:9093,k2:9093: SASL authentication failed for user "svc" \(SASL SCRAM SHA512 authentication failed: .*invalid credentials.*\); check transport\.sasl$/,
    );
    expect(described.message).not.toContain('hunter2');
    expect(described.cause).toBe(error);
  });

  it('a broker certificate that does not verify: retried, and the TLS options named', () => {
    const options = resolveKafkaOptions({ brokers: ['k1:9093'], tls: true }, {});
    const error = retriesExceeded(
      new KafkaJSConnectionError('Connection error: self-signed certificate in certificate chain', {
        broker: 'k1:9093',
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      }),
    );
    expect(isRetryableKafkaError(error)).toBe(true);
    expect(describeKafkaError(error, options).message).toBe(
      "kafka k1:9093: the broker's TLS certificate was not accepted (Connection error: self-signed certificate in certificate chain); check transport.tls.ca and the broker host name",
    );
  });

  it('a TLS listener closing a plaintext client: the hint names transport.tls', () => {
    const options = resolveKafkaOptions({ brokers: ['k1:9093'] }, {});
    const error = retriesExceeded(
      new KafkaJSConnectionClosedError('Closed connection', { host: 'k1', port: 9093 }),
    );
    expect(isRetryableKafkaError(error)).toBe(true);
    expect(describeKafkaError(error, options).message).toContain(
      'the broker closed the connection (Closed connection); if the listener expects TLS or SASL, set transport.tls or transport.sasl',
    );
  });

  it("a send retrying on a producer whose connections the broker closed: the broker's doing, not the transport's or TLS's", () => {
    const options = resolveKafkaOptions({ brokers: ['k1:9093'], tls: true }, {});
    // What kafkajs reports when the socket factory refuses with the reason the transport gave.
    const lost =
      'every connection to the broker closed (read ECONNRESET): the broker stopped, restarted or dropped them';
    const error = retriesExceeded(
      new KafkaJSConnectionError(`Failed to connect: ${lost}`, { broker: 'k1:9093' }),
    );
    expect(isRetryableKafkaError(error)).toBe(true);
    expect(describeKafkaError(error, options).message).toBe(
      `kafka k1:9093: Failed to connect: ${lost}`,
    );
  });

  it('plain errors from kafkajs internals are retried; programming errors are not', () => {
    expect(isRetryableKafkaError(new Error('Broker not connected'))).toBe(true);
    expect(isRetryableKafkaError(retriesExceeded(new Error('Broker not connected')))).toBe(true);
    expect(isRetryableKafkaError(new TypeError('Cannot read properties of undefined'))).toBe(false);
    expect(isRetryableKafkaError('not an error')).toBe(false);
  });
});
