/**
 * Items the collector would refuse together with their whole batch never reach it: a member
 * named `__proto__` (Fastify's JSON parser, as the collector's, answers 400 for the whole body)
 * costs only its own item, counted as rejected, and the collector's own 202 rejections of the
 * rest still name the right items. logPrediction already refuses such a feature name; the
 * transport's own check covers every item it is handed. The receiver is a real Fastify app with
 * its default parser.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PredictionEvent } from '@driftwatch/schema';
import { init, type Monitor } from '../../src/index.js';
import { createHttpTransport } from '../../src/transport/http-transport.js';
import type { TelemetryBatch } from '../../src/transport/transport.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';

interface Received {
  readonly status: number;
  readonly predictions: Array<Record<string, unknown>>;
}

let app: FastifyInstance;
let url: string;
let received: Received[];
let monitor: Monitor | undefined;
let diagnostics: LogCapture;

beforeEach(async () => {
  received = [];
  diagnostics = captureLogs();
  app = Fastify({ logger: false });
  app.get('/health', async () => ({ status: 'ok' }));
  // Like the collector: 202, and an item whose model is "refuse-me" rejected on its own.
  app.post('/v1/ingest', async (request, reply) => {
    const { predictions = [] } = request.body as { predictions?: Array<Record<string, unknown>> };
    received.push({ status: 202, predictions });
    const rejected = predictions.flatMap((item, index) =>
      item.model === 'refuse-me'
        ? [{ signal: 'predictions', index, issues: [{ path: '/model', message: 'refused' }] }]
        : [],
    );
    return reply.code(202).send({ accepted: {}, rejected });
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
  await app.close();
});

function start(): Monitor {
  monitor = init(
    {
      serviceName: 'refused-test',
      transport: { type: 'http', url, gzipLevel: 0 },
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: diagnostics.destination },
      metrics: { enabled: false },
      traces: { enabled: false },
      batch: { lingerMs: 60_000 },
      retry: { initialBackoffMs: 5, maxBackoffMs: 20, deadlineMs: 5000 },
    },
    {},
  );
  return monitor;
}

function predict(target: Monitor, id: string, features: object, model = 'm'): void {
  target.logPrediction({
    model,
    modelVersion: '1',
    features: features as Record<string, number>,
    prediction: 1,
    predictionId: id,
  });
}

/** A prediction item as the pipeline hands it to the transport (features as JSON.parse made them). */
function item(id: string, features: object, model = 'm'): PredictionEvent {
  return {
    predictionId: id,
    model,
    modelVersion: '1',
    timeUnixMs: 1_700_000_000_000,
    features: features as PredictionEvent['features'],
    prediction: 1,
  };
}

function batchOf(...predictions: PredictionEvent[]): TelemetryBatch {
  return { resource: {}, predictions, labels: [], logs: [], spans: [], metrics: [] };
}

describe('items the collector would refuse with their batch', () => {
  it('logPrediction refuses a feature named "__proto__" itself, naming it', async () => {
    const target = start();
    predict(target, 'p-0', { x: 1 });
    // What JSON.parse makes of a request body: "__proto__" is an own member.
    predict(target, 'p-1', JSON.parse('{"__proto__": 1, "x": 2}') as object);
    await target.flush();
    expect(received[0]?.predictions.map((p) => p.predictionId)).toEqual(['p-0']);
    expect(target.stats).toMatchObject({ sentItems: 1, dropped: { invalid: 1, rejected: 0 } });
    const warning = diagnostics.lines.find((line) => String(line.msg).includes('invalid'));
    expect(String(warning?.msg)).toContain(
      '/features: invalid name "__proto__": the collector refuses a body holding a member of that name',
    );
  });

  it('the transport leaves out only an item with a "__proto__" member, as rejected', async () => {
    const transport = createHttpTransport({ url, gzipLevel: 0 });
    const result = await transport.send(
      batchOf(
        item('p-0', { x: 1 }),
        item('p-1', JSON.parse('{"__proto__": 1, "x": 2}') as object),
        item('p-2', { x: 3 }, 'refuse-me'),
        item('p-3', { 'a"__proto__': 4, '\\"__proto__': 5 }),
      ),
    );
    await transport.shutdown(1000);
    expect(received).toHaveLength(1);
    expect(received[0]?.predictions.map((p) => p.predictionId)).toEqual(['p-0', 'p-2', 'p-3']);
    expect(received[0]?.predictions[2]?.features).toEqual({ 'a"__proto__': 4, '\\"__proto__': 5 });
    // The rejections name items by their index in the batch the pipeline made.
    expect(result).toMatchObject({
      ok: true,
      rejected: [
        { signal: 'predictions', index: 1, issues: [{ path: '__proto__' }] },
        { signal: 'predictions', index: 2, issues: [{ path: '/model', message: 'refused' }] },
      ],
    });
  });

  it('sends nothing when every item holds one, and rejects them all', async () => {
    const transport = createHttpTransport({ url, gzipLevel: 0 });
    const result = await transport.send(
      batchOf(
        item('p-0', JSON.parse('{"__proto__": 1}') as object),
        item('p-1', JSON.parse('{"y": 0, "__proto__": null}') as object),
      ),
    );
    await transport.shutdown(1000);
    expect(received).toHaveLength(0);
    expect(result).toMatchObject({ ok: true, rejected: [{ index: 0 }, { index: 1 }] });
  });
});
