/**
 * `onResponse` hooks added before the plugin (an app's own, another plugin's) run before any of
 * the plugin's, in registration order: one that is async, or one that fails, must not change how
 * a finished request is recorded (once, with its status), over HTTP/1 and under app.inject().
 */
import { init, type Monitor } from '@driftwatch/sdk';
import Fastify, { type FastifyInstance, type onResponseHookHandler } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { completionLines, serverSpans } from '../../sdk/test/support/recorded-requests.js';
import { driftwatch, fastifyOptions } from '../src/index.js';

let monitor: Monitor;
let logs: LogCapture;

beforeAll(() => {
  ({ monitor, logs } = capturedMonitor(init, 'fastify-hook-order'));
});

afterAll(async () => {
  await monitor.shutdown();
});

const EARLIER_HOOKS: Array<[string, onResponseHookHandler]> = [
  ['async', async () => new Promise((resolve) => setTimeout(resolve, 5))],
  [
    'rejecting',
    async () => {
      throw new Error('audit hook failed');
    },
  ],
  ['failing through next()', (_request, _reply, next) => next(new Error('audit hook failed'))],
];

async function appWith(hook: onResponseHookHandler): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions(monitor)) as unknown as FastifyInstance;
  app.addHook('onResponse', hook);
  await app.register(driftwatch, { monitor });
  app.get('/answer', async () => ({ ok: true }));
  return app;
}

/** Its one completion line and one span, once recorded. */
async function recordedOnce(requestId: string): Promise<Record<string, unknown>> {
  await waitFor('its completion line', () => completionLines(logs, requestId)[0], 2000);
  // A second one would follow at once.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const lines = completionLines(logs, requestId);
  expect(lines).toHaveLength(1);
  const spans = (await serverSpans(monitor)).filter(
    (span) => span.attributes?.['url.path'] === '/answer' && span.traceId === lines[0]?.trace_id,
  );
  expect(spans).toHaveLength(1);
  expect(spans[0]?.attributes?.['http.response.status_code']).toBe(200);
  return lines[0] ?? {};
}

describe('an onResponse hook added before the plugin (Fastify)', () => {
  it.each(EARLIER_HOOKS)(
    '%s: under app.inject(), recorded once with its status',
    async (_, hook) => {
      const app = await appWith(hook);
      const response = await app.inject({ url: '/answer' });
      expect(response.statusCode).toBe(200);
      const line = await recordedOnce(String(response.headers['x-request-id']));
      expect(line.res).toEqual({ statusCode: 200 });
      await app.close();
    },
  );

  it.each(EARLIER_HOOKS)('%s: over HTTP/1, recorded once with its status', async (_, hook) => {
    const app = await appWith(hook);
    const response = await fetch(`${await app.listen({ port: 0, host: '127.0.0.1' })}/answer`);
    expect(response.status).toBe(200);
    await response.text();
    const line = await recordedOnce(String(response.headers.get('x-request-id')));
    expect(line.res).toEqual({ statusCode: 200 });
    await app.close();
  });
});
