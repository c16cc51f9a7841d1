/** `driftwatch.model.score` keeps every finite score, raw negative outputs included. */
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
});

describe('model score histogram', () => {
  it('records negative scores in the lowest bucket, with a right sum and count', async () => {
    const target = (monitor = init(
      {
        transport: { type: 'memory' },
        logs: { destination: captureLogs().destination, export: false },
        diagnostics: { destination: captureLogs().destination },
        metrics: { serve: false, runtime: false, gpu: { enabled: false } },
        predictions: { scoreBuckets: [0, 0.5, 1] },
      },
      {},
    ));
    for (const score of [-2.5, -0.25, 0.75, Number.NaN])
      target.logPrediction({
        model: 'logit',
        modelVersion: '1',
        features: { x: 1 },
        prediction: 1,
        score,
      });
    await target.flush();

    const [point] = (target.transport as MemoryTransport)
      .items('metrics')
      .filter((item) => item.name === 'driftwatch.model.score');
    expect(point).toMatchObject({
      type: 'histogram',
      attributes: { model: 'logit', model_version: '1' },
      count: 3,
      sum: -2,
      explicitBounds: [0, 0.5, 1],
      bucketCounts: [2, 0, 1, 0],
    });
  });
});
