/**
 * The credit-risk scoring service: a Fastify app instrumented with @driftwatch/fastify.
 * `POST /predict` scores an applicant and logs a prediction sample; `POST /labels` takes the
 * late ground truth (repaid or defaulted) and forwards it through the SDK's label API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { driftwatch, fastifyOptions } from '@driftwatch/fastify';
import type { Logger, Monitor } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance, type RawServerDefault } from 'fastify';
import { MODEL_NAME, MODEL_VERSION, scoreApplicant, type Applicant } from './model.js';

const NUMERIC = [
  'age',
  'income',
  'debt_ratio',
  'credit_history_years',
  'open_accounts',
  'late_payments',
  'loan_amount',
  'utilization',
] as const;
const CATEGORICAL = ['region', 'employment_type', 'loan_purpose'] as const;

const applicantSchema = {
  type: 'object',
  required: [...NUMERIC, ...CATEGORICAL],
  additionalProperties: false,
  properties: {
    ...Object.fromEntries(NUMERIC.map((name) => [name, { type: 'number' }])),
    ...Object.fromEntries(CATEGORICAL.map((name) => [name, { type: 'string', maxLength: 64 }])),
  },
} as const;

const labelsSchema = {
  type: 'array',
  maxItems: 10_000,
  items: {
    type: 'object',
    required: ['predictionId', 'label'],
    additionalProperties: false,
    properties: {
      predictionId: { type: 'string', minLength: 1, maxLength: 128 },
      label: { enum: [0, 1] },
    },
  },
} as const;

/** The service's Fastify app; its logger is the SDK's pino logger. */
export async function buildService(
  monitor: Monitor,
): Promise<FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>> {
  const app = Fastify(fastifyOptions(monitor));
  await app.register(driftwatch, { monitor });

  app.post<{ Body: Applicant }>(
    '/predict',
    { schema: { body: applicantSchema } },
    async (request) => {
      const applicant = request.body;
      const { score, prediction } = await monitor.span('predict', async () =>
        scoreApplicant(applicant),
      );
      const predictionId = monitor.logPrediction({
        model: MODEL_NAME,
        modelVersion: MODEL_VERSION,
        features: { ...applicant },
        prediction,
        score,
      });
      request.log.info({ predictionId, score }, 'scored applicant');
      return { predictionId, score, prediction, model: MODEL_NAME, modelVersion: MODEL_VERSION };
    },
  );

  app.post<{ Body: Array<{ predictionId: string; label: 0 | 1 }> }>(
    '/labels',
    { schema: { body: labelsSchema } },
    async (request, reply) => {
      for (const { predictionId, label } of request.body)
        monitor.logLabel(predictionId, label, { model: MODEL_NAME });
      return reply.code(202).send({ accepted: request.body.length });
    },
  );

  return app;
}
