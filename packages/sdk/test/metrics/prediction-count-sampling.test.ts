/**
 * `driftwatch.model.predictions` counts every prediction before sampling: with a sample ratio of
 * 0 no prediction event is sent, but the counter (and so DriftwatchPredictionVolumeZero, see
 * dashboards/README.md) still sees the traffic.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
});

describe('predictions counter', () => {
  it('counts predictions that sampling leaves out', async () => {
    const target = (monitor = init(
      {
        transport: { type: 'memory' },
        logs: { destination: captureLogs().destination, export: false },
        diagnostics: { destination: captureLogs().destination },
        metrics: { port: 0, host: '127.0.0.1', runtime: false, gpu: { enabled: false } },
        predictions: { sampleRatio: 0 },
      },
      {},
    ));
    for (let i = 0; i < 5; i += 1)
      target.logPrediction({ model: 'risk', modelVersion: '3', features: { a: i }, prediction: 1 });
    await target.flush();
    expect((target.transport as MemoryTransport).items('predictions')).toEqual([]);
    const address = await target.metricsAddress;
    const text = await (await fetch(`http://127.0.0.1:${address?.port}/metrics`)).text();
    expect(text).toMatch(
      /^driftwatch_model_predictions_total\{model="risk",model_version="3"\} 5$/m,
    );
  });
});
