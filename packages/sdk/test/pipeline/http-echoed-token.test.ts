/**
 * A collector, or a proxy before it, that echoes the request's headers in its error body: the
 * failure the SDK reports (and logs) shows the body, never the bearer token in it, also as JSON
 * escapes it.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpTransport } from '../../src/transport/http-transport.js';
import type { TelemetryBatch } from '../../src/transport/transport.js';

const TOKEN = 'dw-token-S3CRET-1234';
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const status = request.url?.startsWith('/fail500') ? 500 : 401;
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'nope', echo: request.headers.authorization }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const batch: TelemetryBatch = {
  resource: { 'service.name': 'svc' },
  predictions: [],
  labels: [],
  logs: [{ timeUnixNano: '1', severityNumber: 9, severityText: 'INFO', body: 'x' }],
  spans: [],
  metrics: [],
};

it.each(['', '/fail500'])('names the answer without the token (%s)', async (path) => {
  const transport = createHttpTransport({ url: `${url}${path}`, token: TOKEN, timeoutMs: 5000 });
  try {
    const result = await transport.send(batch);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/collector answered HTTP (401|500)/);
    expect(result.error.message).toContain('Bearer ***');
    expect(result.error.message).not.toContain(TOKEN);
  } finally {
    await transport.shutdown(1000);
  }
});

it('names the answer without a token holding a quote or a backslash, which JSON escapes', async () => {
  const token = 'dw-"S3CRET\\-1234';
  const transport = createHttpTransport({ url, token, timeoutMs: 5000 });
  try {
    const result = await transport.send(batch);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain('Bearer ***');
    expect(result.error.message).not.toContain('S3CRET');
  } finally {
    await transport.shutdown(1000);
  }
});
