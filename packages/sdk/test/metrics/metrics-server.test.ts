/** The SDK's own metrics server: route, GET/HEAD, 404 elsewhere, and a port already taken. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { captureLogs } from '../support/log-capture.js';
import { waitFor } from '../support/net.js';
import { startPrometheus } from '../support/prometheus.js';

let server: MetricsServer | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  blocker?.close();
  blocker = undefined;
});

function start(port: number, diagnostics = captureLogs(), route = '/prom'): MetricsServer {
  server = startMetricsServer({
    host: '127.0.0.1',
    port,
    route,
    handler: (_request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end('up 1\n');
    },
    diagnostics: createDiagnostics('debug', diagnostics.destination),
  });
  return server;
}

describe('metrics server', () => {
  it('answers GET and HEAD on its route, 404 on other paths and methods', async () => {
    const address = await start(0).address;
    const base = `http://127.0.0.1:${address?.port}`;
    const get = await fetch(`${base}/prom?x=1`);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('up 1\n');
    expect((await fetch(`${base}/prom`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/prom`, { method: 'POST' })).status).toBe(404);
  });

  it('with its port taken: no throw, no address, one error diagnostic', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const diagnostics = captureLogs();
    expect(await start(port, diagnostics).address).toBeUndefined();
    expect(diagnostics.lines.map((line) => line.level)).toEqual([50]);
    expect(String(diagnostics.lines[0]?.msg)).toContain('EADDRINUSE');
    await server?.close();
  });

  it("is scraped by Prometheus on a route with characters Go's client percent-encodes", async () => {
    // metrics.route allows ! ' ( ) *, which Prometheus (Go's url.URL) sends as %21 %27 %28 %29 %2A.
    const route = "/prom(shard-1)!'*";
    const address = await start(0, captureLogs(), route).address;
    if (!address) throw new Error('metrics server did not listen');
    const prometheus = await startPrometheus({ host: '127.0.0.1', port: address.port, route });
    try {
      const target = await waitFor('first scrape', async () => {
        const response = await fetch(`${prometheus.url}/api/v1/targets`);
        const body = (await response.json()) as {
          data: { activeTargets: Array<{ health: string; lastError: string }> };
        };
        const active = body.data.activeTargets[0];
        return active && active.health !== 'unknown' ? active : undefined;
      });
      expect(target.lastError).toBe('');
      expect(target.health).toBe('up');
    } finally {
      await prometheus.stop();
    }
  });
});
