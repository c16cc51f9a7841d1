/**
 * The HTTP transport's readiness probe (`GET /health`). After the collector refused a batch
 * (401, 403, 404, or a redirect, which the transport does not follow: the URL is not the
 * collector's) its `/health` answers 200 whatever the token or the ingest path, so the probe
 * must not turn such a refusal back into "ready"; the next accepted batch does. A probe the
 * collector never answers is no delivery: shutdown does not wait for it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Monitor } from '../../src/index.js';
import { waitFor } from '../support/net.js';
import { predictionOnlyMonitor, sendOnePrediction } from '../support/prediction-monitor.js';

let server: Server | undefined;
let monitor: Monitor | undefined;

afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A collector whose /health is up and whose ingest answers `ingestStatus()`. */
async function collector(ingestStatus: () => number): Promise<string> {
  server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/health') {
      response.writeHead(200).end('{"status":"ok"}');
      return;
    }
    request.resume();
    request.on('end', () => response.writeHead(ingestStatus()).end('{}'));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

function start(url: string): Monitor {
  monitor = predictionOnlyMonitor('readiness-test', { type: 'http', url, token: 'wrong' });
  return monitor;
}

describe('HTTP transport readiness after a refused batch', () => {
  it.each([401, 403, 404, 301, 307, 308])(
    'stays not ready after a %i while /health answers 200, until a batch is accepted',
    async (status) => {
      let answer = status;
      const target = start(await collector(() => answer));
      await waitFor('ready', async () => ((await target.readiness()).ready ? true : undefined));
      await sendOnePrediction(target);
      expect(target.stats.dropped.send_failed).toBe(1);
      // Asked for 2.5 s: the /health probe (at most once a second) runs meanwhile.
      for (let i = 0; i < 25; i += 1) {
        expect((await target.readiness()).ready).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      answer = 202;
      await sendOnePrediction(target);
      expect((await target.readiness()).ready).toBe(true);
    },
  );
});

describe('HTTP transport readiness while batches fail', () => {
  it.each([503, 500, 429])(
    'stays not ready while batches get a %i and /health answers 200, until a retry is delivered',
    async (status) => {
      let answer = status;
      const target = start(await collector(() => answer));
      await waitFor('ready', async () => ((await target.readiness()).ready ? true : undefined));
      // Not flushed: the pipeline retries the batch in the background.
      target.logPrediction({ model: 'm', modelVersion: '1', features: { x: 1 }, prediction: 1 });
      void target.flush();
      await waitFor('not ready', async () => ((await target.readiness()).ready ? undefined : true));
      // Asked for 2.5 s: the /health probe (at most once a second) runs meanwhile.
      for (let i = 0; i < 25; i += 1) {
        expect((await target.readiness()).ready).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      answer = 202;
      await waitFor('ready', async () => ((await target.readiness()).ready ? true : undefined));
      expect(target.stats.sentItems).toBe(1);
    },
  );
});

describe('HTTP transport readiness probe', () => {
  it.each([301, 302, 307, 308])(
    'a /health answered with a %i redirect is not ready',
    async (status) => {
      server = createServer((request, response) => {
        request.resume();
        response.writeHead(status, { location: 'https://elsewhere.invalid/health' }).end();
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const target = start(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      // Asked for 1.5 s: the probe (at most once a second) has answered by then, twice.
      for (let i = 0; i < 15; i += 1) {
        expect((await target.readiness()).ready).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  );
});

describe('HTTP transport readiness probe at shutdown', () => {
  it('a probe the collector never answers is aborted at once: shutdown does not wait for it', async () => {
    const probes: Array<Promise<void>> = [];
    server = createServer((request) => {
      // Accepts the probe and never answers it (a hung collector).
      probes.push(new Promise((resolve) => request.on('close', resolve)));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const target = predictionOnlyMonitor('probe-shutdown', { type: 'http', url });
    await waitFor('the probe', () => (probes.length > 0 ? true : undefined));
    const started = performance.now();
    await target.shutdown({ timeoutMs: 20_000 });
    // Nothing was queued: returning takes no part of the 20 s deadline.
    expect(performance.now() - started).toBeLessThan(5_000);
    await probes[0];
    expect(target.stats.dropped.shutdown).toBe(0);
  });
});
