/**
 * Test helper: the same small scoring service as an instrumented Fastify app and an Express app
 * (POST /predict/:model logs a line, runs a `predict` span and logs a prediction sample;
 * POST /label logs the ground truth), built on the published `dist` of the SDK and integrations.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { DestinationStream } from 'pino';
import type { DriftwatchOptions, Monitor } from '@driftwatch/sdk';
import express from 'express';
import Fastify from 'fastify';
import { driftwatch as fastifyDriftwatch, fastifyOptions } from '../../../fastify/dist/index.js';
import { driftwatch as expressDriftwatch, healthRoutes } from '../../../express/dist/index.js';

export type Features = Record<string, number | string | boolean | null>;

export interface PredictBody {
  features: Features;
}

export interface LabelBody {
  predictionId: string;
  model: string;
  label: number;
}

export interface PredictAnswer {
  predictionId: string;
  score: number;
}

export const TOPIC_SIGNALS = ['predictions', 'labels', 'logs', 'spans', 'metrics'] as const;
export type TopicSignal = (typeof TOPIC_SIGNALS)[number];

/** One topic per signal with a name unique to this run: `dw-<tag>-<random>.<signal>`. */
export function uniqueTopics(tag: string): Record<TopicSignal, string> {
  const run = `dw-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  return Object.fromEntries(TOPIC_SIGNALS.map((signal) => [signal, `${run}.${signal}`])) as Record<
    TopicSignal,
    string
  >;
}

/** A pino destination that keeps the lines (so tests can compare them with what Kafka got). */
export function lineSink(lines: string[] = []): DestinationStream & { lines: string[] } {
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
  };
}

/** Kafka-transport options for `init()`: no own metrics server, no GPU probe, quiet logs. */
export function kafkaMonitorOptions(
  serviceName: string,
  brokers: readonly string[],
  topics: Record<TopicSignal, string>,
  overrides: Partial<DriftwatchOptions> = {},
): DriftwatchOptions {
  return {
    serviceName,
    serviceVersion: '1.2.3',
    environment: 'it',
    // Mokapi 0.52 limits, none of which real Kafka has (see mokapi.ts): no gzip record batches,
    // and one record per partition batch (it misreads a batch whose non-last record is over
    // ~512 bytes, and counts idempotent sequence numbers per batch, not per record).
    transport: { type: 'kafka', brokers, topics, compression: 'none' },
    batch: { lingerMs: 20, maxItems: 1 },
    metrics: { serve: false, exportIntervalMs: 600_000, gpu: { enabled: false } },
    logs: { destination: lineSink() },
    diagnostics: { destination: lineSink() },
    ...overrides,
  };
}

function scoreOf(features: Features): number {
  const income = typeof features.income === 'number' ? features.income : 0;
  return Math.round((1 / (1 + Math.exp(-income / 50_000 + 1))) * 1e6) / 1e6;
}

function predict(monitor: Monitor, model: string, features: Features): Promise<PredictAnswer> {
  return monitor.span(
    'predict',
    async () => {
      const score = scoreOf(features);
      const predictionId = monitor.logPrediction({
        model,
        modelVersion: '7',
        features,
        prediction: score >= 0.5 ? 1 : 0,
        score,
      });
      return { predictionId, score };
    },
    { 'driftwatch.model': model },
  );
}

export async function buildFastifyApp(monitor: Monitor) {
  const app = Fastify(fastifyOptions(monitor));
  await app.register(fastifyDriftwatch, { monitor });
  app.post<{ Params: { model: string }; Body: PredictBody }>('/predict/:model', async (request) => {
    request.log.info({ model: request.params.model }, 'scoring');
    return predict(app.driftwatch, request.params.model, request.body.features);
  });
  app.post<{ Body: LabelBody }>('/label', async (request, reply) => {
    app.driftwatch.logLabel(request.body.predictionId, request.body.label, {
      model: request.body.model,
    });
    return reply.code(204).send();
  });
  await app.ready();
  return app;
}

export type FastifyApp = Awaited<ReturnType<typeof buildFastifyApp>>;

export interface ExpressApp {
  readonly url: string;
  close(): Promise<void>;
}

export async function startExpressApp(monitor: Monitor): Promise<ExpressApp> {
  const app = express();
  app.use(expressDriftwatch(monitor));
  app.use(healthRoutes(monitor));
  app.use(express.json());
  app.post('/predict/:model', async (request, response) => {
    const model = String(request.params.model);
    monitor.logger.info({ model }, 'scoring');
    response.json(await predict(monitor, model, (request.body as PredictBody).features));
  });
  app.post('/label', (request, response) => {
    const body = request.body as LabelBody;
    monitor.logLabel(body.predictionId, body.label, { model: body.model });
    response.status(204).end();
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
