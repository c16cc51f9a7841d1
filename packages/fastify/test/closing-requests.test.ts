/**
 * A request that arrives while Fastify closes (on a keep-alive connection that was already open)
 * is refused with Fastify's 503 and `connection: close`, and recorded like any other: a span, a
 * completion line and its `x-request-id`. Fastify's own 503 comes before any hook; with
 * `fastifyOptions` the plugin answers it instead.
 */
import { connect } from 'node:net';
import { init } from '@driftwatch/sdk';
import { afterAll, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { completionLines, serverSpans } from '../../sdk/test/support/recorded-requests.js';
import { instrumentedApp } from './support/instrumented-app.js';

const { monitor, logs } = capturedMonitor(init, 'fastify-closing');
afterAll(() => monitor.shutdown());

it('a request arriving while the server closes: 503, recorded with its id', async () => {
  const app = await instrumentedApp(monitor);
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { slow: true };
  });
  app.get('/fast', async () => ({ fast: true }));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const socket = connect(Number(new URL(address).port), '127.0.0.1');
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write('GET /slow HTTP/1.1\r\nhost: x\r\nx-request-id: first\r\n\r\n');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const closed = app.close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  socket.write('GET /fast HTTP/1.1\r\nhost: x\r\nx-request-id: second\r\n\r\n');
  await ended;
  await closed;

  const answers = received.split(/(?=HTTP\/1\.1 )/);
  expect(answers).toHaveLength(2);
  expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /);
  expect(answers[1]).toMatch(/^HTTP\/1\.1 503 /);
  expect(answers[1]).toMatch(/\r\nx-request-id: second\r\n/i);
  expect(answers[1]).toMatch(/\r\nconnection: close\r\n/i);
  expect(answers[1]).toContain(
    '{"error":"Service Unavailable","message":"Service Unavailable","statusCode":503}',
  );
  const spans = await serverSpans(monitor);
  expect(spans.map((span) => [span.name, span.attributes?.['http.response.status_code']])).toEqual(
    expect.arrayContaining([
      ['GET /slow', 200],
      ['GET /fast', 503],
    ]),
  );
  expect(completionLines(logs, 'first')).toMatchObject([{ res: { statusCode: 200 } }]);
  expect(completionLines(logs, 'second')).toMatchObject([{ res: { statusCode: 503 } }]);
});
