/** The memory transport receives every signal through the export pipeline. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  init,
  type DriftwatchOptions,
  type MemoryTransport,
  type Monitor,
} from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';
import { processResource } from '../support/process-resource.js';

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
});

/** A monitor on the memory transport that exports no logs and no metrics. */
function quietMonitor(options: DriftwatchOptions = {}): Monitor {
  monitor = init(
    {
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: captureLogs().destination },
      metrics: { enabled: false },
      ...options,
    },
    {},
  );
  return monitor;
}

describe('memory transport', () => {
  it('receives predictions, labels, spans, logs and metrics with the resource', async () => {
    monitor = init(
      {
        serviceName: 'memory-test',
        serviceVersion: '1.2.3',
        environment: 'test',
        transport: { type: 'memory' },
        logs: { destination: captureLogs().destination },
        diagnostics: { destination: captureLogs().destination },
        metrics: { serve: false, runtime: false, gpu: { enabled: false } },
      },
      {},
    );
    const target = monitor;
    let predictionId = '';
    await target.span('predict', async (span) => {
      await Promise.resolve();
      predictionId = target.logPrediction({
        model: 'risk',
        modelVersion: '3',
        features: { age: 41, city: 'Oslo', vip: true, income: null },
        prediction: 1,
        score: 0.83,
        segment: 'eu',
      });
      target.logger.info({ predictionId }, 'scored');
      span.setAttribute('model', 'risk');
    });
    target.logLabel(predictionId, 1, { model: 'risk' });
    await target.flush();

    const transport = target.transport as MemoryTransport;
    expect(transport.name).toBe('memory');
    const [prediction] = transport.items('predictions');
    const [span] = transport.items('spans');
    expect(span).toMatchObject({
      name: 'predict',
      kind: 'INTERNAL',
      attributes: { model: 'risk' },
    });
    expect(prediction).toMatchObject({
      predictionId,
      model: 'risk',
      modelVersion: '3',
      features: { age: 41, city: 'Oslo', vip: true, income: null },
      prediction: 1,
      score: 0.83,
      segment: 'eu',
      serviceName: 'memory-test',
      traceId: span?.traceId,
      spanId: span?.spanId,
    });
    expect(transport.items('labels')).toEqual([
      { predictionId, label: 1, model: 'risk', timeUnixMs: expect.any(Number) },
    ]);
    const log = transport.items('logs').find((record) => record.body === 'scored');
    expect(log).toMatchObject({
      traceId: span?.traceId,
      spanId: span?.spanId,
      attributes: { predictionId },
    });
    const names = new Set(transport.items('metrics').map((point) => point.name));
    expect(names).toEqual(
      new Set([
        'driftwatch.model.predictions',
        'driftwatch.model.score',
        'driftwatch_sdk_queue_items',
        'driftwatch_sdk_dropped',
        'driftwatch_sdk_export_errors',
        'driftwatch_sdk_sent_items',
      ]),
    );
    const counter = transport
      .items('metrics')
      .find((point) => point.name === 'driftwatch.model.predictions');
    expect(counter).toMatchObject({
      type: 'sum',
      value: 1,
      monotonic: true,
      attributes: { model: 'risk', model_version: '3' },
    });
    for (const batch of transport.batches) {
      expect(batch.resource).toEqual({
        'service.name': 'memory-test',
        'service.version': '1.2.3',
        'deployment.environment.name': 'test',
        'telemetry.sdk.name': '@driftwatch/sdk',
        ...processResource(),
      });
    }
    expect(target.stats.dropped.invalid).toBe(0);
  });

  it('a failing destination counts export errors and drops by reason', async () => {
    const target = quietMonitor({
      retry: { initialBackoffMs: 1, maxBackoffMs: 2, deadlineMs: 50 },
    });
    const transport = target.transport as MemoryTransport;
    transport.failWith({ ok: false, retryable: false, error: new Error('bad request') });
    target.logLabel('p-1', true);
    await target.flush();
    expect(target.stats.dropped.send_failed).toBe(1);
    expect(target.stats.exportErrors).toBe(1);
    expect(await target.readiness()).toEqual({ ready: false, checks: { transport: false } });
    transport.failWith(undefined);
    target.logLabel('p-2', false);
    await target.flush();
    expect(transport.items('labels').map((label) => label.predictionId)).toEqual(['p-2']);
    expect(await target.readiness()).toEqual({ ready: true, checks: { transport: true } });
  });

  it('a null requestId counts as none: the context id is used, or the field is left out', async () => {
    const target = quietMonitor();
    const input = {
      model: 'risk',
      modelVersion: '3',
      features: { age: 41 },
      prediction: 1,
      requestId: null as unknown as string,
    };
    target.logPrediction(input);
    await target.span('predict', async () => {
      target.logPrediction(input);
    });
    await target.flush();
    const [outside, inside] = (target.transport as MemoryTransport).items('predictions');
    expect(outside).not.toHaveProperty('requestId');
    expect(inside?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(target.stats.dropped.invalid).toBe(0);
  });
});
