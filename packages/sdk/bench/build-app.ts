/**
 * Builds the benchmark's Fastify app, the same two prediction routes in each variant: bare,
 * Driftwatch fully on (request log line, span, histogram, one prediction sample per request,
 * all exported over the HTTP transport), the conventional stack (instrumented by the
 * `--import`ed otel-register.ts, with Fastify's own pino request logging), or the hand-written
 * floor (floor-app.ts).
 */
import type { DestinationStream } from 'pino';
import Fastify, { type FastifyInstance } from 'fastify';
import { init, type Monitor } from '@driftwatch/sdk';
import { driftwatch, fastifyOptions } from '../../fastify/dist/index.js';
import { createFloor } from './floor-app.js';
import { ensembleScore, MODEL_NAME, MODEL_VERSION, score, type Features } from './model.js';
import type { Variant } from './variants.js';

export interface AppConfig {
  readonly variant: Variant;
  /** Base URL of the ingest sink (Driftwatch's HTTP transport posts `{url}/v1/ingest`). */
  readonly sinkUrl: string;
  /** Ensemble size of the heavy route (about 1 ms of CPU). */
  readonly ensembleMembers: number;
  /** Where the log lines go, the same for Driftwatch and Fastify's pino. */
  readonly logDestination: DestinationStream;
}

export interface BenchServer {
  readonly app: FastifyInstance;
  /** Prediction requests answered so far. */
  served(): number;
  /** Flushes the telemetry (Driftwatch: and reports its delivery counters). */
  finish(): Promise<Record<string, unknown>>;
}

/** Where otel-register.ts leaves the started NodeSDK (a registry symbol: importing that file would start it). */
const OTEL_SDK_KEY = Symbol.for('driftwatch.bench.otelSdk');

interface PredictBody {
  features: Features;
}

const bodySchema = {
  type: 'object',
  required: ['features'],
  properties: { features: { type: 'object', additionalProperties: { type: 'number' } } },
} as const;

/** Records one prediction sample (Driftwatch, the floor) or nothing (bare, conventional). */
type RecordPrediction = (features: Features, prediction: number, score: number) => void;

function addRoutes(
  app: FastifyInstance,
  members: number,
  record: RecordPrediction | undefined,
  count: () => void,
): void {
  const answer = (
    features: Features,
    probability: number,
  ): { score: number; prediction: number } => {
    const prediction = probability >= 0.5 ? 1 : 0;
    record?.(features, prediction, probability);
    count();
    return { score: probability, prediction };
  };
  app.post<{ Body: PredictBody }>('/predict', { schema: { body: bodySchema } }, async (request) =>
    answer(request.body.features, score(request.body.features)),
  );
  app.post<{ Body: PredictBody }>(
    '/predict-heavy',
    { schema: { body: bodySchema } },
    async (request) => answer(request.body.features, ensembleScore(request.body.features, members)),
  );
}

function driftwatchMonitor(config: AppConfig): Monitor {
  return init(
    {
      serviceName: 'bench-model',
      serviceVersion: '1.0.0',
      environment: 'bench',
      transport: { type: 'http', url: config.sinkUrl },
      logs: { destination: config.logDestination },
      metrics: { port: 0, host: '127.0.0.1' },
    },
    // Defaults only: DRIFTWATCH_* variables of the calling shell must not change the run.
    {},
  );
}

export async function buildApp(config: AppConfig): Promise<BenchServer> {
  let served = 0;
  const count = (): void => {
    served += 1;
  };
  if (config.variant === 'driftwatch') {
    const monitor = driftwatchMonitor(config);
    const app = Fastify(fastifyOptions(monitor)) as unknown as FastifyInstance;
    await app.register(driftwatch, { monitor });
    addRoutes(
      app,
      config.ensembleMembers,
      (features, prediction, probability) =>
        monitor.logPrediction({
          model: MODEL_NAME,
          modelVersion: MODEL_VERSION,
          features,
          prediction,
          score: probability,
        }),
      count,
    );
    return {
      app,
      served: () => served,
      async finish() {
        await monitor.flush();
        const stats = structuredClone(monitor.stats);
        await monitor.shutdown();
        return { stats };
      },
    };
  }
  if (config.variant === 'floor') {
    const floor = createFloor(config);
    const app = Fastify({ logger: false });
    floor.instrument(app);
    addRoutes(app, config.ensembleMembers, floor.logPrediction, count);
    return {
      app,
      served: () => served,
      async finish() {
        await floor.flush();
        return {};
      },
    };
  }
  const app: FastifyInstance =
    config.variant === 'bare'
      ? Fastify({ logger: false })
      : (Fastify({
          logger: { level: 'info', stream: config.logDestination },
        }) as unknown as FastifyInstance);
  addRoutes(app, config.ensembleMembers, undefined, count);
  return {
    app,
    served: () => served,
    async finish() {
      const sdk = (globalThis as Record<symbol, { shutdown(): Promise<void> } | undefined>)[
        OTEL_SDK_KEY
      ];
      await sdk?.shutdown();
      return {};
    },
  };
}
