/**
 * `request.log` is made on its first use (lazy-child-logger.ts), yet it must answer pino's whole
 * logger API as the child Fastify would have made: `bindings()`, `setBindings()`, `child()`,
 * `isLevelEnabled()`, `level`, before and after its first line.
 */
import { init, type Monitor } from '@driftwatch/sdk';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type RawServerDefault } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { driftwatch, fastifyOptions } from '../src/index.js';

let monitor: Monitor;
let app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Monitor['logger']>;
let logs: LogCapture;

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'fastify-logger-api-test'));
  app = Fastify(fastifyOptions(monitor));
  await app.register(driftwatch, { monitor });
  app.get('/bindings', async (request) => {
    const before = request.log.bindings();
    request.log.setBindings({ tenant: 'acme' });
    request.log.info('after setBindings');
    return { before, after: request.log.bindings(), debug: request.log.isLevelEnabled('debug') };
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await monitor?.shutdown({ timeoutMs: 1000 });
});

describe('request.log (Fastify, made on first use)', () => {
  it('answers bindings() and setBindings() as a pino child does', async () => {
    const response = await app.inject({ url: '/bindings', headers: { 'x-request-id': 'req-42' } });
    expect(response.statusCode).toBe(200);
    // What a child that Fastify made without the plugin's factory would answer.
    const child = monitor.logger.child({ reqId: 'req-42' });
    const before = child.bindings();
    child.setBindings({ tenant: 'acme' });
    expect(before).toMatchObject({ reqId: 'req-42' });
    expect(response.json()).toEqual({ before, after: child.bindings(), debug: false });
    expect(logs.lines.find((line) => line.msg === 'after setBindings')).toMatchObject({
      reqId: 'req-42',
      tenant: 'acme',
      request_id: 'req-42',
    });
  });
});
