/**
 * Prediction sampling by id (the same answer in every process, so labels follow their
 * predictions), ids and times as JavaScript hosts pass them, and a clean shutdown.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  init,
  type DriftwatchOptions,
  type MemoryTransport,
  type Monitor,
} from '../../src/index.js';
import { sampledIn } from '../../src/predictions/sampling.js';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createContextStorage } from '../../src/context/request-context.js';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { FastMetrics } from '../../src/metrics/fast-instruments.js';
import { resolveOptions } from '../../src/options.js';
import { ExportPipeline } from '../../src/pipeline/export-pipeline.js';
import { PredictionRecorder } from '../../src/predictions/prediction-recorder.js';
import { captureLogs } from '../support/log-capture.js';

const monitors: Monitor[] = [];
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((monitor) => monitor.shutdown()));
});

function start(options: DriftwatchOptions = {}): Monitor {
  const monitor = init(
    {
      serviceName: 'sampling-test',
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
      ...options,
    },
    {},
  );
  monitors.push(monitor);
  return monitor;
}

const transportOf = (monitor: Monitor) => monitor.transport as MemoryTransport;

describe('prediction sampling', () => {
  it('keeps sequential ids (database ids, counters) evenly, not in runs', () => {
    // 1,000 blocks of 100 consecutive ids at ratio 0.1: each block keeps about 10, and no long
    // stretch of ids is dropped (FNV-1a alone kept 0 or 60 per block, dropped 1,058 in a row).
    const perBlock: number[] = [];
    let run = 0;
    let longestDropped = 0;
    for (let block = 0; block < 1000; block += 1) {
      let kept = 0;
      for (let i = 0; i < 100; i += 1) {
        if (sampledIn(String(1_000_000 + block * 100 + i), 0.1)) {
          kept += 1;
          run = 0;
        } else longestDropped = Math.max(longestDropped, (run += 1));
      }
      perBlock.push(kept);
    }
    expect(Math.min(...perBlock)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...perBlock)).toBeLessThanOrEqual(25);
    expect(longestDropped).toBeLessThan(150);
    const total = perBlock.reduce((sum, kept) => sum + kept, 0);
    expect(total / 100_000).toBeCloseTo(0.1, 2);
  });

  it('keeps the labels of sampled-in predictions only, in this process and in another', async () => {
    const options = { predictions: { modelSampleRatios: { low: 0.1 } } };
    const serving = start(options);
    const ids = Array.from({ length: 1000 }, (_, i) =>
      serving.logPrediction({ model: 'low', modelVersion: '1', features: { i }, prediction: 1 }),
    );
    // Labels arrive later in another process with the same options (a second monitor here).
    const labelling = start(options);
    for (const id of ids) labelling.logLabel(id, 1, { model: 'low' });
    await Promise.all([serving.flush(), labelling.flush()]);

    const sent = transportOf(serving)
      .items('predictions')
      .map((item) => item.predictionId);
    expect(sent.length).toBeGreaterThan(50);
    expect(sent.length).toBeLessThan(150);
    const labelled = transportOf(labelling)
      .items('labels')
      .map((item) => item.predictionId);
    expect(labelled.sort()).toEqual([...sent].sort());
    // Every prediction still counts in the model metrics.
    expect(serving.stats.dropped.invalid).toBe(0);
  });

  it('a label that names no model keeps every kept prediction of a model sampled above the global ratio', async () => {
    const options = { predictions: { sampleRatio: 0.1, modelSampleRatios: { risk: 1 } } };
    const serving = start(options);
    const ids = Array.from({ length: 200 }, (_, i) =>
      serving.logPrediction({ model: 'risk', modelVersion: '1', features: { i }, prediction: 1 }),
    );
    const labelling = start(options);
    for (const id of ids) labelling.logLabel(id, 1);
    await Promise.all([serving.flush(), labelling.flush()]);
    expect(transportOf(serving).items('predictions')).toHaveLength(200);
    const labelled = transportOf(labelling)
      .items('labels')
      .map((item) => item.predictionId);
    expect(labelled.sort()).toEqual([...ids].sort());
  });

  it('a label that names no model takes the largest of very many model ratios', () => {
    // Past what resolveOptions takes (it caps the count): the recorder itself must not spread
    // the ratios into Math.max, which threw a RangeError from init() at about 125000.
    const resolved = resolveOptions({ predictions: { sampleRatio: 0 } }, {});
    const ratios: Record<string, number> = {};
    for (let i = 0; i < 200_000; i += 1) ratios[`model-${i}`] = 0;
    ratios['kept'] = 1;
    const options = {
      ...resolved,
      predictions: { ...resolved.predictions, modelSampleRatios: ratios },
    };
    const pipeline = new ExportPipeline({
      queue: resolved.queue,
      batch: resolved.batch,
      retry: resolved.retry,
      resource: {},
      diagnostics: createDiagnostics('info', captureLogs().destination),
    });
    const recorder = new PredictionRecorder(
      options,
      pipeline,
      createContextStorage(),
      new FastMetrics(resourceFromAttributes({})),
    );
    recorder.logLabel('p-1', 1);
    expect(pipeline.queued('labels')).toBe(1);
  });

  it('ratio 0 sends neither predictions nor their labels; 1 sends all', async () => {
    const monitor = start({ predictions: { modelSampleRatios: { off: 0 } } });
    const off = monitor.logPrediction({
      model: 'off',
      modelVersion: '1',
      features: {},
      prediction: 0,
    });
    const on = monitor.logPrediction({
      model: 'on',
      modelVersion: '1',
      features: {},
      prediction: 0,
    });
    monitor.logLabel(off, 1, { model: 'off' });
    monitor.logLabel(on, 1, { model: 'on' });
    await monitor.flush();
    expect(
      transportOf(monitor)
        .items('predictions')
        .map((item) => item.predictionId),
    ).toEqual([on]);
    expect(
      transportOf(monitor)
        .items('labels')
        .map((item) => item.predictionId),
    ).toEqual([on]);
  });
});

describe('values as JavaScript hosts pass them', () => {
  it('a numeric prediction id is kept as its digits, for the prediction and its label', async () => {
    const monitor = start();
    const id = monitor.logPrediction({
      model: 'm',
      modelVersion: '1',
      features: {},
      prediction: 1,
      predictionId: 12345 as never,
    });
    monitor.logLabel(12345 as never, 0);
    await monitor.flush();
    expect(id).toBe('12345');
    expect(transportOf(monitor).items('predictions')[0]?.predictionId).toBe('12345');
    expect(transportOf(monitor).items('labels')[0]?.predictionId).toBe('12345');
  });

  it('fractional millisecond times are rounded and a NaN score is left out, the sample kept', async () => {
    const monitor = start();
    const time = Date.now() + 0.5;
    monitor.logPrediction({
      model: 'm',
      modelVersion: '1',
      features: {},
      prediction: 1,
      score: Number.NaN,
      timeUnixMs: time,
      predictionId: 'p-1',
    });
    monitor.logLabel('p-1', 1, { timeUnixMs: time });
    await monitor.flush();
    const [prediction] = transportOf(monitor).items('predictions');
    expect(prediction).toMatchObject({ predictionId: 'p-1', timeUnixMs: Math.round(time) });
    expect(prediction).not.toHaveProperty('score');
    expect(transportOf(monitor).items('labels')[0]?.timeUnixMs).toBe(Math.round(time));
    expect(monitor.stats.dropped.invalid).toBe(0);
  });
});

describe('shutdown', () => {
  it('a clean shutdown drops nothing, metrics included', async () => {
    const monitor = start();
    monitor.logPrediction({ model: 'm', modelVersion: '1', features: {}, prediction: 1 });
    await monitor.shutdown();
    expect(monitor.stats.dropped.shutdown).toBe(0);
    expect(transportOf(monitor).items('metrics').length).toBeGreaterThan(0);
  });

  it('a metrics route mounted on the host answers 503 once the monitor is shut down', async () => {
    const monitor = start();
    const server = createServer((request, response) => monitor.metricsHandler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      expect((await fetch(url)).status).toBe(200);
      await monitor.shutdown();
      expect((await fetch(url)).status).toBe(503);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
