/**
 * Test helper: a real node:http server standing in for the collector's `POST /v1/ingest`. It
 * records every request (headers, gunzipped JSON body) and answers from a script of responses;
 * `GET /health` (the transport's readiness probe) is answered and not recorded.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { TelemetryBatch } from '../../src/index.js';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBytes: number;
  readonly batch: TelemetryBatch;
  readonly receivedAt: number;
}

export interface ScriptedResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Never answer (a hung destination). */
  readonly hang?: boolean;
  /** Answer after this long (a slow destination). */
  readonly delayMs?: number;
}

export interface IngestReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Decides each answer; the default accepts everything with 200. */
  respondWith(answer: (request: ReceivedRequest, index: number) => ScriptedResponse): void;
  /** Status of `GET /health` (the transport's readiness probe); 200 by default. */
  healthStatus(status: number): void;
  close(): Promise<void>;
}

export async function startIngestReceiver(): Promise<IngestReceiver> {
  const requests: ReceivedRequest[] = [];
  let health = 200;
  let answer: (request: ReceivedRequest, index: number) => ScriptedResponse = () => ({
    status: 200,
    body: '{}',
  });
  const server: Server = createServer((req, res) => {
    // The transport's readiness probe: answered, not recorded (not an ingest request).
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(health).end('{"status":"ok"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const json = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawBytes: raw.length,
        batch: JSON.parse(json.toString('utf8')) as TelemetryBatch,
        receivedAt: Date.now(),
      };
      requests.push(request);
      const response = answer(request, requests.length - 1);
      if (response.hang) return;
      const reply = (): void => {
        res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
        res.end(response.body ?? '');
      };
      if (response.delayMs === undefined) reply();
      else setTimeout(reply, response.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(next) {
      answer = next;
    },
    healthStatus(status) {
      health = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Items of one signal across every request received. */
export function receivedItems<S extends keyof Omit<TelemetryBatch, 'resource'>>(
  receiver: IngestReceiver,
  signal: S,
): Array<TelemetryBatch[S][number]> {
  return receiver.requests.flatMap(
    (request) => request.batch[signal] as Array<TelemetryBatch[S][number]>,
  );
}
