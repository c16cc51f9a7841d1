/** Test helper: a Fastify app whose logger is the monitor's, with the plugin registered. */
import type { Monitor } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import { driftwatch, fastifyOptions } from '../../src/index.js';

export async function instrumentedApp(monitor: Monitor): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions(monitor)) as unknown as FastifyInstance;
  await app.register(driftwatch, { monitor });
  return app;
}
