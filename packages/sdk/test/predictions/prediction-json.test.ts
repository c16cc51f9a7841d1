/**
 * The prediction sample's wire JSON (HTTP and Kafka transports) is byte for byte what
 * `JSON.stringify` makes of the event the recorder built: for events with and without the
 * optional members, inside and outside a request, and with strings that need escaping.
 */
import type { PredictionEvent } from '@driftwatch/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { convertPrediction, predictionJson } from '../../src/predictions/prediction-json.js';
import { WireJson } from '../../src/transport/wire-json.js';
import { captureLogs } from '../support/log-capture.js';

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
});

/** Allowed in names and ids (no control characters), but escaped or multi-byte in JSON. */
const ODD = 'a"b\\c é \ud800 😀';
/** Allowed in values only. */
const CONTROL = 'bell \u0007 tab \t';

describe('prediction JSON', () => {
  it('is JSON.stringify of the events the recorder builds', async () => {
    monitor = init(
      {
        serviceName: 'svc "quoted"',
        transport: { type: 'memory' },
        logs: { destination: captureLogs().destination, export: false },
        diagnostics: { destination: captureLogs().destination },
        metrics: { enabled: false },
      },
      {},
    );
    const target = monitor;
    target.logPrediction({
      model: 'credit-risk',
      modelVersion: '1.4.0',
      features: { age: 41, income: 58000.5, city: 'Zürich', vip: true, missing: null },
      prediction: 1,
      score: 0.7257170574098334,
    });
    target.logPrediction({
      model: `model ${ODD}`,
      modelVersion: 'v"2"',
      features: { [`name ${ODD}`]: ODD + CONTROL, tiny: 1e-7, huge: 1e21, negative: -0 },
      prediction: `label ${ODD}${CONTROL}`,
      predictionId: `id ${ODD}`,
      segment: `segment ${ODD}${CONTROL}`,
      requestId: `request ${ODD}`,
      timeUnixMs: 1_700_000_000_123,
    });
    await target.span('predict', async () => {
      await Promise.resolve();
      target.logPrediction({
        model: 'm',
        modelVersion: '1',
        features: {},
        prediction: false,
        score: -3.5,
      });
    });
    await target.flush();
    const events = (target.transport as MemoryTransport).items('predictions') as PredictionEvent[];
    expect(events).toHaveLength(3);
    expect(events[2]?.traceId).toMatch(/^[0-9a-f]{32}$/);
    for (const event of events) {
      expect(predictionJson(event)).toBe(JSON.stringify(event));
      expect(convertPrediction(event, true)).toEqual({
        ok: true,
        item: new WireJson(JSON.stringify(event), event.model),
      });
      expect(convertPrediction(event, false)).toEqual({ ok: true, item: event });
    }
  });
});
