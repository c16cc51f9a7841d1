/**
 * A refused topic's request: split per topic when it holds several, left out when it holds one
 * (its records counted), and for a while after planned apart from the other topics.
 */
import type { ProducerBatch } from 'kafkajs';
import { expect, it } from 'vitest';
import { resolveKafkaOptions } from '../../src/transport/kafka-options.js';
import { KafkaTopicRefusals } from '../../src/transport/kafka-topic-refusals.js';
import { silentLogger } from './silent-logger.js';

const message = { key: null, value: '{}', headers: {} };
const request = (...topics: string[]): ProducerBatch => ({
  topicMessages: topics.map((topic) => ({ topic, messages: [message, message] })),
  acks: -1,
});
const topicsOf = (requests: ProducerBatch[]) =>
  requests.map((entry) => (entry.topicMessages ?? []).map((topic) => topic.topic));

it('splits, then leaves the refused topic out, then plans it apart', () => {
  const refusals = new KafkaTopicRefusals(
    resolveKafkaOptions({ brokers: ['k:9092'] }, {}),
    silentLogger,
  );
  const error = new Error('This server does not host this topic-partition');
  const requests = [request('a', 'b'), request('c')];
  expect(refusals.refuse(requests, 0, error)).toBe(0);
  expect(topicsOf(requests)).toEqual([['a'], ['b'], ['c']]);
  expect(refusals.refuse(requests, 1, error)).toBe(2);
  expect(topicsOf(requests)).toEqual([['a'], ['c']]);
  expect(topicsOf(refusals.isolate([request('a', 'b', 'c'), request('b')]))).toEqual([
    ['a', 'c'],
    ['b'],
    ['b'],
  ]);
  expect(topicsOf(refusals.isolate([request('a', 'c')]))).toEqual([['a', 'c']]);
});
