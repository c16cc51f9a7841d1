/**
 * Answers a request that arrives while the collector shuts down (on a keep-alive connection
 * still open, a pipelined request) with 503, `Retry-After` and DW_COLLECTOR_SHUTTING_DOWN.
 * Fastify's own answer (`return503OnClosing`, turned off in app.ts) is written straight to the
 * socket, past hooks and the error handler: a bare 503 without Retry-After or a DW_ code, which
 * clients could not tell from any other failure or know when to retry.
 */
import type { FastifyInstance } from 'fastify';
import { CollectorError, CollectorErrorCodes } from '../errors.js';

/** Seconds a client is asked to wait: a restart, or a load balancer moving to another instance. */
export const RETRY_AFTER_SHUTTING_DOWN_S = '5';

export function registerShuttingDown(app: FastifyInstance): void {
  let shuttingDown = false;
  // preClose runs as close() begins, before in-flight requests are waited for.
  app.addHook('preClose', async () => {
    shuttingDown = true;
  });
  // First of the onRequest hooks: refused before it takes an ingest place or reads its body.
  app.addHook('onRequest', async () => {
    if (!shuttingDown) return;
    throw new CollectorError(
      CollectorErrorCodes.SHUTTING_DOWN,
      `collector shutting down; retry after ${RETRY_AFTER_SHUTTING_DOWN_S} s`,
    );
  });
}
