/**
 * (d) the hand-written floor, run with BENCH_FLOOR=1: the least code that gives (b)'s outputs in
 * the same Fastify app, with no SDK. Per request: ids from a random pool, AsyncLocalStorage
 * entered in `onRequest` (the handler reads the ids from it, as `logPrediction` does), the same
 * log line written to the same destination, a duration histogram of fixed buckets, and the span,
 * log record and prediction sample as template-literal JSON, posted in batches of 512 to the
 * sink (`/v1/floor`, counted apart from (b)'s `/v1/ingest`). No queue limits, retries,
 * validation, redaction, metrics server or pino: what is left is what the outputs cost.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { MODEL_NAME, MODEL_VERSION, type Features } from './model.js';

interface FloorContext {
  readonly requestId: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly startMs: number;
  readonly startPerfMs: number;
}

export interface Floor {
  /** Adds the hooks to `app`. */
  instrument(app: FastifyInstance): void;
  /** Queues the prediction sample of the current request. */
  logPrediction(features: Features, prediction: number, score: number): void;
  /** Posts what is still queued and waits for the post in flight. */
  flush(): Promise<void>;
}

const BATCH_ITEMS = 512;
const LINGER_MS = 200;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const POOL_BYTES = 4096;
const kContext = Symbol('floor.context');

export function createFloor(config: {
  readonly sinkUrl: string;
  readonly logDestination: DestinationStream;
}): Floor {
  const storage = new AsyncLocalStorage<FloorContext>();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = `${config.sinkUrl}/v1/floor`;
  const bucketCounts = new Float64Array(BUCKETS.length + 1);
  let pool = randomBytes(POOL_BYTES);
  let offset = 0;
  const hex = (bytes: number): string => {
    if (offset + bytes > POOL_BYTES) {
      pool = randomBytes(POOL_BYTES);
      offset = 0;
    }
    offset += bytes;
    return pool.toString('hex', offset - bytes, offset);
  };

  let spans: string[] = [];
  let logs: string[] = [];
  let predictions: string[] = [];
  let queued = 0;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const post = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (inFlight !== undefined || queued === 0) return;
    const body = `{"spans":[${spans.join(',')}],"logs":[${logs.join(',')}],"predictions":[${predictions.join(',')}]}`;
    spans = [];
    logs = [];
    predictions = [];
    queued = 0;
    inFlight = new Promise<void>((resolve) => {
      const headers = { 'content-type': 'application/json' };
      const sent = httpRequest(url, { method: 'POST', agent, headers }, (response) => {
        response.resume();
        response.on('end', resolve);
      });
      sent.on('error', () => resolve());
      sent.end(body);
    }).then(() => {
      inFlight = undefined;
      if (queued >= BATCH_ITEMS) post();
    });
  };
  const queue = (): void => {
    queued += 1;
    if (queued >= BATCH_ITEMS) post();
    else timer ??= setTimeout(post, LINGER_MS);
  };

  return {
    instrument(app) {
      app.decorateRequest(kContext, null);
      app.addHook('onRequest', (request, reply, next) => {
        const context: FloorContext = {
          requestId: randomUUID(),
          traceId: hex(16),
          spanId: hex(8),
          startMs: Date.now(),
          startPerfMs: performance.now(),
        };
        (request as unknown as Record<symbol, FloorContext>)[kContext] = context;
        reply.header('x-request-id', context.requestId);
        storage.run(context, next);
      });
      app.addHook('onResponse', (request, reply, next) => {
        const context = (request as unknown as Record<symbol, FloorContext>)[kContext]!;
        const seconds = (performance.now() - context.startPerfMs) / 1000;
        let bucket = 0;
        while (bucket < BUCKETS.length && seconds > BUCKETS[bucket]!) bucket += 1;
        bucketCounts[bucket]! += 1;
        const { requestId, traceId, spanId, startMs } = context;
        const method = request.method;
        const path = request.url;
        const route = request.routeOptions.url;
        const status = reply.statusCode;
        const endNanos = `${Date.now()}000000`;
        config.logDestination.write(
          `{"level":30,"time":${startMs},"service.name":"bench-model","service.version":"1.0.0","environment":"bench","request_id":"${requestId}","trace_id":"${traceId}","span_id":"${spanId}","req":{"method":"${method}","url":"${path}","route":"${route}"},"res":{"statusCode":${status}},"responseTime":${(seconds * 1000).toFixed(3)},"msg":"request completed"}\n`,
        );
        spans.push(
          `{"traceId":"${traceId}","spanId":"${spanId}","name":"${method} ${route}","kind":"SERVER","startTimeUnixNano":"${startMs}000000","endTimeUnixNano":"${endNanos}","attributes":{"http.request.method":"${method}","url.path":"${path}","url.scheme":"http","http.route":"${route}","http.response.status_code":${status}}}`,
        );
        logs.push(
          `{"timeUnixNano":"${endNanos}","severityNumber":9,"severityText":"INFO","body":"request completed","attributes":{"request_id":"${requestId}","req.method":"${method}","req.url":"${path}","req.route":"${route}","res.statusCode":${status}},"traceId":"${traceId}","spanId":"${spanId}"}`,
        );
        queue();
        queue();
        next();
      });
    },
    logPrediction(features, prediction, score) {
      const context = storage.getStore();
      predictions.push(
        `{"predictionId":"${randomUUID()}","model":"${MODEL_NAME}","modelVersion":"${MODEL_VERSION}","timeUnixMs":${Date.now()},"features":${JSON.stringify(features)},"prediction":${prediction},"score":${score},"requestId":"${context?.requestId}","traceId":"${context?.traceId}","spanId":"${context?.spanId}"}`,
      );
      queue();
    },
    async flush() {
      post();
      await inFlight;
      post();
      await inFlight;
    },
  };
}
