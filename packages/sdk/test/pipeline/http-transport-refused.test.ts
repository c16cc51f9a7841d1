/**
 * Items the collector would refuse together with their whole batch never reach it: a member
 * named `__proto__` (Fastify's JSON parser, as the collector's, answers 400 for the whole body)
 * costs only its own item, counted as rejected, and the collector's own 202 rejections of the
 * rest still name the right items. The receiver is a real Fastify app with its default parser.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { init, type Monitor } from '../../src/index.js';
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

describe('items the collector would refuse with their batch', () => {
  it('leaves out only the item with a "__proto__" member, counted as rejected', async () => {
    const target = start();
    predict(target, 'p-0', { x: 1 });
    // What JSON.parse makes of a request body: "__proto__" is an own member.
    predict(target, 'p-1', JSON.parse('{"__proto__": 1, "x": 2}') as object);
    predict(target, 'p-2', { x: 3 }, 'refuse-me');
    predict(target, 'p-3', { 'a"__proto__': 4, '\\"__proto__': 5 });
    await target.flush();

    expect(received).toHaveLength(1);
    expect(received[0]?.predictions.map((p) => p.predictionId)).toEqual(['p-0', 'p-2', 'p-3']);
    expect(received[0]?.predictions[2]?.features).toEqual({ 'a"__proto__': 4, '\\"__proto__': 5 });
    expect(target.stats.sentItems).toBe(2);
    expect(target.stats.dropped.rejected).toBe(2);
    expect(target.stats.dropped.send_failed).toBe(0);
    const warning = diagnostics.lines.find((line) => String(line.msg).includes('rejected'));
    // The first rejection names the item by its index in the batch the SDK made.
    expect(String(warning?.msg)).toContain('predictions[1] __proto__');
    expect(warning).toMatchObject({ rejected: 2 });
  });

  it('maps the collector’s rejections past a left-out item back to their own items', async () => {
    const target = start();
    predict(target, 'p-0', JSON.parse('{"__proto__": 1}') as object);
    predict(target, 'p-1', { x: 1 }, 'refuse-me');
    predict(target, 'p-2', { x: 2 });
    await target.flush();
    expect(received[0]?.predictions.map((p) => p.predictionId)).toEqual(['p-1', 'p-2']);
    expect(target.stats).toMatchObject({ sentItems: 1, dropped: { rejected: 2 } });
  });

  it('sends nothing when every item holds one, and counts them all', async () => {
    const target = start();
    predict(target, 'p-0', JSON.parse('{"__proto__": 1}') as object);
    predict(target, 'p-1', JSON.parse('{"y": 0, "__proto__": null}') as object);
    await target.flush();
    expect(received).toHaveLength(0);
    expect(target.stats).toMatchObject({ sentItems: 0, dropped: { rejected: 2, send_failed: 0 } });
  });
});
