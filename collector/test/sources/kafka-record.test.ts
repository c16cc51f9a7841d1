/** Decoding one Kafka record, and the dead letter of one refused, without a broker. */
import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { deadLetter } from '../../src/sources/dead-letter.js';
import { decodeRecord } from '../../src/sources/kafka-record.js';
import { logRecord, prediction } from '../helpers/events.js';
import { sdkHeaders } from '../helpers/kafka-fixture.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('decodeRecord', () => {
  it('accepts an item of the topic signal, with lone surrogates replaced as HTTP ingest does', () => {
    const item = prediction({ predictionId: 'p-1', segment: 'a\ud800b' });
    const decoded = decodeRecord('predictions', json(item), sdkHeaders('predictions'));
    expect(decoded).toEqual({ ok: true, item: { ...item, segment: 'a\ufffdb' } });
  });

  it('reads Buffer headers and takes the last of a repeated one', () => {
    const headers = {
      'dw-schema-version': [Buffer.from('2'), Buffer.from('1')],
      'dw-signal': Buffer.from('logs'),
    };
    expect(decodeRecord('logs', json(logRecord), headers).ok).toBe(true);
  });

  it.each([
    [
      'a missing value',
      null,
      sdkHeaders('logs'),
      'bad-json',
      '(value)',
      'value missing; expected a JSON object',
    ],
    [
      'a wrong content type',
      json(logRecord),
      { ...sdkHeaders('logs'), 'content-type': 'text/plain' },
      'content-type',
      'header content-type',
      'header content-type "text/plain"; expected application/json',
    ],
    [
      'a time storage cannot hold',
      json({ ...logRecord, timeUnixNano: '9999999999999999999' }),
      sdkHeaders('logs'),
      'invalid-item',
      '/timeUnixNano',
      '/timeUnixNano: Expected nanoseconds the storage can hold',
    ],
    [
      'two issues',
      json({ ...logRecord, severityNumber: 'x', body: 3 }),
      sdkHeaders('logs'),
      'invalid-item',
      '/severityNumber',
      '; /body: ',
    ],
  ])('refuses %s with reason, field and message', (_, value, headers, reason, field, message) => {
    const decoded = decodeRecord('logs', value, headers);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.rejection).toMatchObject({ reason, field });
    expect(decoded.rejection.message).toContain(message);
  });
});

describe('deadLetter', () => {
  it('keeps key, value and the original headers, and adds where it came from and why', () => {
    const record = {
      key: Buffer.from('k'),
      value: Buffer.from('{oops'),
      offset: '41',
      headers: { ...sdkHeaders('labels'), 'dw-dlq-reason': 'forged' },
      timestamp: '0',
      attributes: 0,
    } as unknown as KafkaMessage;
    const letter = deadLetter({ topic: 't.labels', partition: 2, groupId: 'g' }, record, {
      reason: 'bad-json',
      field: '(value)',
      message: 'value is not JSON',
    });
    expect(letter).toEqual({
      key: record.key,
      value: record.value,
      headers: {
        ...sdkHeaders('labels'),
        'dw-dlq-reason': 'bad-json',
        'dw-dlq-field': '(value)',
        'dw-dlq-message': 'value is not JSON',
        'dw-dlq-source-topic': 't.labels',
        'dw-dlq-source-partition': '2',
        'dw-dlq-source-offset': '41',
        'dw-dlq-consumer-group': 'g',
      },
    });
  });
});
