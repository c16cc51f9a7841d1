/**
 * logPrediction / logLabel with values as hosts pass them: a BigInt id (an int8 column) is kept
 * as its digits; an id of another type, or features in a Map, is refused with a diagnostic naming
 * the field instead of being replaced or sent empty; null for an optional field means not given;
 * a refused model name is counted as dropped, not in a model series; trace ids of a foreign OTel
 * context are sent in W3C's lower case.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { Monitor } from '../../src/index.js';
import {
  basePrediction,
  memoryMonitors,
  sentItems,
  warningsOf,
} from '../support/memory-monitors.js';

const { start } = memoryMonitors('host-values-test');
const base = basePrediction;
const sent = sentItems;
const warnings = warningsOf;

async function metricsText(monitor: Monitor): Promise<string> {
  const server = createServer((request, response) => monitor.metricsHandler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('values as hosts pass them', () => {
  it('a BigInt prediction id is kept as its digits, for the prediction and its label', async () => {
    const { monitor } = start();
    const id = monitor.logPrediction({ ...base, predictionId: 9007199254740993n as never });
    monitor.logLabel(9007199254740993n as never, 1);
    await monitor.flush();
    expect(id).toBe('9007199254740993');
    expect(sent(monitor, 'predictions')[0]?.predictionId).toBe('9007199254740993');
    expect(sent(monitor, 'labels')[0]?.predictionId).toBe('9007199254740993');
  });

  it.each([
    ['true', true, 'true'],
    ['an object', { id: 1 }, 'an object'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
  ])('a prediction id of %s is refused, naming the field', async (_case, predictionId, shown) => {
    const { monitor, diagnostics } = start();
    monitor.logPrediction({ ...base, predictionId: predictionId as never });
    await monitor.flush();
    expect(sent(monitor, 'predictions')).toEqual([]);
    expect(monitor.stats.dropped.invalid).toBe(1);
    expect(warnings(diagnostics)).toEqual([
      `driftwatch: dropped an invalid predictions item: /predictionId: expected a string or a finite number; got ${shown}`,
    ]);
  });

  it.each([
    ['Map', new Map([['a', 1]])],
    ['Set', new Set([1])],
    // A model's input tensor: sent as features named "0", "1", … while an array was refused.
    ['Float32Array', new Float32Array([0.5, 1.5])],
    ['Buffer', Buffer.from('ab')],
    // A forgotten await: a spread of a promise copies nothing.
    ['Promise', Promise.resolve({ age: 41 })],
    ['String', new String('abc')],
    ['RegExp', /age/],
    ['Error', new Error('no features')],
    ['URLSearchParams', new URLSearchParams('age=41')],
  ])('features in a %s are refused, not sent empty or by index', async (kind, features) => {
    const { monitor, diagnostics } = start();
    monitor.logPrediction({ ...base, features: features as never });
    await monitor.flush();
    expect(sent(monitor, 'predictions')).toEqual([]);
    expect(warnings(diagnostics)[0]).toContain(
      `/features: expected a plain object of feature values; got a ${kind}`,
    );
  });

  it('features in an instance of a class of the host are its own properties, sent', async () => {
    class Applicant {
      age = 41;
      city = 'Oslo';
    }
    const { monitor } = start();
    monitor.logPrediction({ ...base, predictionId: 'p-class', features: new Applicant() as never });
    await monitor.flush();
    expect(sent(monitor, 'predictions')[0]).toMatchObject({
      predictionId: 'p-class',
      features: { age: 41, city: 'Oslo' },
    });
    expect(monitor.stats.dropped.invalid).toBe(0);
  });

  it('more than 1000 features are refused by their count, 1000 are sent', async () => {
    const { monitor, diagnostics } = start();
    const many = (count: number): Record<string, number> =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, i]));
    monitor.logPrediction({ ...base, predictionId: 'p-1001', features: many(1001) });
    monitor.logPrediction({ ...base, predictionId: 'p-1000', features: many(1000) });
    await monitor.flush();
    expect(sent(monitor, 'predictions').map((event) => event.predictionId)).toEqual(['p-1000']);
    expect(warnings(diagnostics)).toEqual([
      'driftwatch: dropped an invalid predictions item: /features: expected at most 1000 features; got more',
    ]);
  });

  it('null for score, segment or the label model means not given', async () => {
    const { monitor } = start();
    monitor.logPrediction({
      ...base,
      predictionId: 'p-null',
      score: null as never,
      segment: null as never,
    });
    monitor.logLabel('p-null', 1, { model: null as never });
    await monitor.flush();
    const [prediction] = sent(monitor, 'predictions');
    expect(prediction).toMatchObject({ predictionId: 'p-null' });
    expect(prediction).not.toHaveProperty('score');
    expect(prediction).not.toHaveProperty('segment');
    expect(sent(monitor, 'labels')[0]).toMatchObject({ predictionId: 'p-null', label: 1 });
    expect(sent(monitor, 'labels')[0]).not.toHaveProperty('model');
    expect(monitor.stats.dropped.invalid).toBe(0);
  });

  it('a refused model or version is dropped, not counted in a model series', async () => {
    const { monitor } = start();
    monitor.logPrediction({ ...base, model: undefined as never, score: 0.9 });
    monitor.logPrediction({ ...base, modelVersion: '' });
    monitor.logPrediction({ ...base, modelVersion: 'v'.repeat(64) + 'EXTRA', score: 0.4 });
    monitor.logPrediction({ ...base, model: 'a\nb' });
    monitor.logPrediction({ ...base, modelVersion: 'v'.repeat(64), score: 0.2 });
    await monitor.flush();
    expect(monitor.stats.dropped.invalid).toBe(4);
    const text = await metricsText(monitor);
    const series = text
      .split('\n')
      .filter((line) => line.startsWith('driftwatch_model_predictions_total{'));
    expect(series).toEqual([
      `driftwatch_model_predictions_total{model="m",model_version="${'v'.repeat(64)}"} 1`,
    ]);
    expect(text).toContain(
      `driftwatch_model_score_count{model="m",model_version="${'v'.repeat(64)}"} 1`,
    );
  });

  it("a sample refused for its id or its features' kind still counts the model's prediction", async () => {
    const { monitor } = start();
    monitor.logPrediction({ ...base, predictionId: true as never, score: 0.3 });
    monitor.logPrediction({ ...base, features: new Map([['a', 1]]) as never, score: 0.3 });
    monitor.logPrediction({ ...base, features: JSON.parse('{"__proto__":1}') as never });
    // Refused by a feature's value: counted before as after.
    monitor.logPrediction({ ...base, features: { a: {} as never }, score: 0.3 });
    await monitor.flush();
    expect(monitor.stats.dropped.invalid).toBe(4);
    const text = await metricsText(monitor);
    expect(text).toContain('driftwatch_model_predictions_total{model="m",model_version="1"} 4');
    expect(text).toContain('driftwatch_model_score_count{model="m",model_version="1"} 3');
  });

  it('a prediction that is no object is reported with what it was', async () => {
    const { monitor, diagnostics } = start();
    monitor.logPrediction(undefined as never);
    expect(warnings(diagnostics)).toEqual([
      'driftwatch: dropped an invalid predictions item: logPrediction expects an object { model, modelVersion, features, prediction, … }; got undefined',
    ]);
  });

  it('a refused model is reported whatever the sampling, not only when sampled in', async () => {
    const { monitor } = start({ predictions: { sampleRatio: 0.1 } });
    for (let i = 0; i < 200; i += 1)
      monitor.logPrediction({ ...base, modelVersion: 'v'.repeat(65), predictionId: `p-${i}` });
    await monitor.flush();
    expect(monitor.stats.dropped.invalid).toBe(200);
  });

  it("a foreign OTel context's upper-case trace ids are sent in lower case", async () => {
    const { monitor } = start({ traces: { registerGlobal: true } });
    const foreign = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
      spanId: '00F067AA0BA902B7',
      traceFlags: 1,
    });
    context.with(foreign, () => monitor.logPrediction({ ...base, predictionId: 'p-upper' }));
    await monitor.flush();
    expect(sent(monitor, 'predictions')[0]).toMatchObject({
      predictionId: 'p-upper',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    expect(monitor.stats.dropped.invalid).toBe(0);
  });
});
