/**
 * A connected Kafka transport with nothing to send costs the host nothing: kafkajs 2.2.4 re-arms
 * a 1 ms timer for ever once a broker has answered (tulios/kafkajs#1704), about 1,000 wake-ups a
 * second, unless the SDK quiets its request queue (transport/kafkajs-idle.ts). Idle, it still
 * notices a broker that went away (its connections close) and one that came back.
 */
import { createHook } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { init, type Monitor } from '../../src/index.js';
import { kafkaMonitorOptions, lineSink, TOPIC_SIGNALS, uniqueTopics } from './apps.js';
import { startMokapi, type Mokapi } from '../../../../test/helpers/mokapi.js';

const topics = uniqueTopics('idle');
let mokapi: Mokapi | undefined;
let monitor: Monitor | undefined;
// The transport's debug lines (connections lost, reconnects), shown when a readiness wait fails.
const diagnostics = lineSink();

beforeAll(async () => {
  mokapi = await startMokapi({
    topics: TOPIC_SIGNALS.map((signal) => ({ name: topics[signal], signal })),
  });
  monitor = init(
    kafkaMonitorOptions('idle-svc', mokapi.brokers, topics, {
      metrics: { enabled: false },
      logs: { export: false },
      diagnostics: { destination: diagnostics, level: 'debug' },
    }),
    {},
  );
});

afterAll(async () => {
  await monitor?.shutdown({ timeoutMs: 5000 });
  await mokapi?.stop();
});

it('an idle connected producer arms no timers', async () => {
  monitor!.logPrediction({ model: 'idle', modelVersion: '1', features: { a: 1 }, prediction: 1 });
  await monitor!.flush();
  expect(monitor!.stats.sentItems).toBe(1);
  await sleep(200);
  let timers = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'Timeout') timers += 1;
    },
  }).enable();
  await sleep(500);
  hook.disable();
  // The sleep above is one; kafkajs's request-timeout interval is one Timeout, re-armed.
  expect(timers).toBeLessThan(10);
});

it('an idle transport turns not ready when the broker goes away, and ready when it returns', async () => {
  const readyWithin = async (expected: boolean, ms: number): Promise<number> => {
    const started = Date.now();
    while ((await monitor!.readiness()).ready !== expected) {
      if (Date.now() - started > ms) {
        const lines = diagnostics.lines.join('');
        throw new Error(`readiness not ${expected} within ${ms} ms; diagnostics:\n${lines}`);
      }
      await sleep(100);
    }
    return Date.now() - started;
  };
  // Ready, possibly after a reconnect: a connection kafkajs or the broker closed after the first
  // test's send is a lost connection too, and the fresh producer takes a moment to connect.
  await readyWithin(true, 5000);
  const sent = monitor!.stats.sentItems;
  await mokapi!.kill();
  // Nothing is sent meanwhile: the lost connections alone say so.
  await readyWithin(false, 5000);
  await mokapi!.start();
  await readyWithin(true, 30_000);
  expect(monitor!.stats.sentItems).toBe(sent);
});
