/** Liveness (`/health`) and readiness (`/readiness`: storage answers a ping). */
import type { FastifyInstance } from 'fastify';
import type { Storage } from '../storage/open-storage.js';

export function registerHealthRoutes(app: FastifyInstance, storage: Storage): void {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/readiness', async (_request, reply) => {
    const ping = await storage.client.ping();
    if (ping.success) return { status: 'ready', storage: storage.kind };
    return reply
      .code(503)
      .send({ status: 'not ready', storage: storage.kind, reason: String(ping.error) });
  });
}
