/**
 * A server that answers `101 Switching Protocols` (a proxy or a wrong service on the collector's
 * URL): Node emits neither 'response' nor 'error' for it, so the send and the readiness probe
 * once waited forever. Both now fail at once, and shutdown has nothing in flight to wait for.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { TelemetryBatch } from '../../src/index.js';
import { createHttpTransport } from '../../src/transport/http-transport.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

const batch: TelemetryBatch = {
  resource: { 'service.name': 'switch-test' },
  predictions: [],
  labels: [],
  logs: [],
  spans: [],
  metrics: [],
};

it('fails a send and a probe answered with 101 instead of waiting for an answer', async () => {
  const requests: string[] = [];
  server = createServer();
  // Node answers an upgrade request here; a plain POST gets the 101 written by hand.
  server.on('request', (request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.socket?.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n',
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // A timeout far beyond the test's: only the 101 itself can end the send in time.
  const transport = createHttpTransport({ url: `http://127.0.0.1:${port}`, timeoutMs: 600_000 });
  const result = await transport.send(batch);
  expect(result).toMatchObject({ ok: false, retryable: true });
  expect(result.ok ? '' : result.error.message).toContain('HTTP 101');
  // The probe at start-up was answered the same way: asked again, it is not stuck in flight.
  expect(transport.isReady()).toBe(false);
  expect(requests).toContain('GET /health');
  await transport.shutdown(1000);
});
