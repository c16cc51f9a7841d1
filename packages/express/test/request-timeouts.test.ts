/**
 * A request the server gives up on (Node's `requestTimeout`: the body never arrived in full) is
 * recorded with the status the client got, 408, once: not as the 400 that `express.json()` then
 * fails the request with, nor as a client that left (499).
 */
import { init, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { rawExchange, serverSpans } from '../../sdk/test/support/recorded-requests.js';
import { driftwatch } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

let monitor: Monitor;
let logs: LogCapture;
let listening: Listening;
let port: number;

beforeAll(async () => {
  ({ monitor, logs } = capturedMonitor(init, 'express-timeouts'));
  const app = express();
  app.use(driftwatch(monitor));
  app.post('/parsed', express.json(), (request, response) => {
    response.json({ received: request.body as unknown });
  });
  // Waits for a body it never reads: only the server's timeout ends the request.
  app.post('/unread', () => undefined);
  listening = await listen(app, { requestTimeout: 300, connectionsCheckingInterval: 50 });
  port = listening.port;
});

afterAll(async () => {
  await listening.close();
  await monitor.shutdown({ timeoutMs: 1000 });
});

describe('server-side request timeouts (Express)', () => {
  it.each(['/parsed', '/unread'])(
    '%s: an incomplete body timed out, recorded as 408',
    async (path) => {
      const received = await rawExchange(
        port,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
          `Content-Length: 20\r\nx-request-id: timeout${path.replace('/', '-')}\r\n\r\n{"a"`,
      );
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      const lines = await waitFor('the timed-out request recorded', () => {
        const found = logs.lines.filter(
          (line) => line.msg === 'request completed' && (line.req as { url?: string }).url === path,
        );
        return found.length > 0 ? found : undefined;
      });
      // Nothing more comes later.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ res: { statusCode: 408 }, req: { route: path } });
      const spans = (await serverSpans(monitor)).filter(
        (span) => span.attributes?.['url.path'] === path,
      );
      expect(spans).toHaveLength(1);
      expect(spans[0]!.attributes?.['http.response.status_code']).toBe(408);
    },
  );
});
