/** The Kafka connection settings both ends read: brokers, SASL credentials, seed-broker aliases. */
import { describe, expect, it } from 'vitest';
import {
  isKafkaBroker,
  isKafkaCredential,
  kafkaSaslMechanism,
  kafkaSeedBrokers,
} from '../src/index.js';

describe('isKafkaBroker', () => {
  it.each(['kafka:9092', 'kafka-1.internal:19092', '10.0.0.7:1', '[::1]:9092', '[fe80::1]:65535'])(
    'accepts %s',
    (broker) => expect(isKafkaBroker(broker)).toBe(true),
  );

  it.each([
    'kafka',
    'kafka:0',
    'kafka:65536',
    'kafka:',
    '::1:9092',
    '[::1]',
    '[kafka]:9092',
    '[...]:9092',
    '[1.2.3.4]:9092',
    'http://kafka:9092',
    ' kafka:9092',
    9092,
    undefined,
  ])('refuses %s', (broker) => expect(isKafkaBroker(broker)).toBe(false));
});

describe('kafkaSaslMechanism', () => {
  it('takes any case and gives the lower case', () => {
    expect(kafkaSaslMechanism('SCRAM-SHA-512')).toBe('scram-sha-512');
    expect(kafkaSaslMechanism('plain')).toBe('plain');
  });

  it.each(['gssapi', 'oauthbearer', '', 1, undefined])('refuses %s', (value) =>
    expect(kafkaSaslMechanism(value)).toBeUndefined(),
  );
});

describe('isKafkaCredential', () => {
  it('accepts text with inner spaces and non-ASCII letters', () => {
    expect(isKafkaCredential('s3cret pass')).toBe(true);
    expect(isKafkaCredential('mot-de-passe-été')).toBe(true);
  });

  it.each(['', '   ', 'secret\n', 'a\u0000b', 'a\u0085b', 42, undefined])('refuses %j', (value) =>
    expect(isKafkaCredential(value)).toBe(false),
  );
});

describe('kafkaSeedBrokers', () => {
  it('aliases bracketed IPv6 brokers and maps the alias back', () => {
    const seeds = kafkaSeedBrokers(['[::1]:9092', 'kafka:9092', '[fe80::2]:9093']);
    expect(seeds.brokers).toEqual([
      'ipv6-0.driftwatch.invalid:9092',
      'kafka:9092',
      'ipv6-1.driftwatch.invalid:9093',
    ]);
    // kafkajs splits on ':', so each alias must read as one host and one port.
    for (const broker of seeds.brokers) expect(broker.split(':')).toHaveLength(2);
    expect(seeds.addressOf('ipv6-0.driftwatch.invalid')).toBe('::1');
    expect(seeds.addressOf('ipv6-1.driftwatch.invalid')).toBe('fe80::2');
  });

  it('leaves any other host as it is', () => {
    const seeds = kafkaSeedBrokers(['kafka:9092']);
    expect(seeds.addressOf('kafka')).toBe('kafka');
    expect(seeds.addressOf('10.0.0.7')).toBe('10.0.0.7');
  });
});
