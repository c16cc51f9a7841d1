/**
 * The local collector stand-in: a node:http server that really receives what the servers
 * export. `POST /v1/ingest` bodies (Driftwatch's HTTP transport) are kept and, when the driver
 * asks for the counts, gunzipped, parsed and counted per signal; OTLP posts (`/v1/traces`,
 * `/v1/metrics`, `/v1/logs`, the conventional stack; `/v1/floor`, the hand-written floor) are
 * counted by requests and bytes, and the spans in `/v1/traces` bodies are counted with the
 * ingest items (did (c) export a span per request?).
 * Decoding is deferred so that the sink does the same work for both stacks while the servers
 * are measured (receive the bytes, answer): the collector's decoding cost is not the SDK's, and
 * on a 2-core machine it would otherwise be taken from the server under test.
 * Runs as a child process of the bench driver.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { serveRequests } from './ipc.js';
import { countOtlpSpans } from './otlp-span-count.js';

export interface SinkCounts {
  /** Items received per signal through `/v1/ingest`. */
  readonly items: Record<string, number>;
  ingestBatches: number;
  ingestWireBytes: number;
  /** Requests and bytes received per OTLP path. */
  readonly otlp: Record<string, { requests: number; bytes: number }>;
  /** Spans in the `/v1/traces` bodies (the conventional stack's OTLP export). */
  otlpSpans: number;
  badRequests: number;
}

const counts: SinkCounts = {
  items: {},
  ingestBatches: 0,
  ingestWireBytes: 0,
  otlp: {},
  otlpSpans: 0,
  badRequests: 0,
};

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Ingest bodies received but not yet decoded. */
let pending: { wire: Buffer; encoding: string | undefined }[] = [];
/** OTLP trace bodies received but not yet decoded. */
let pendingTraces: { body: Buffer; contentType: string | undefined }[] = [];

function countIngest(wire: Buffer, encoding: string | undefined): void {
  const json = encoding === 'gzip' ? gunzipSync(wire) : wire;
  const batch = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
  counts.ingestBatches += 1;
  counts.ingestWireBytes += wire.length;
  for (const [signal, items] of Object.entries(batch)) {
    if (Array.isArray(items)) counts.items[signal] = (counts.items[signal] ?? 0) + items.length;
  }
}

/** Decodes the bodies received so far; a body that does not decode counts as a bad request. */
function decodePending(): SinkCounts {
  for (const { wire, encoding } of pending) {
    try {
      countIngest(wire, encoding);
    } catch {
      counts.badRequests += 1;
    }
  }
  pending = [];
  for (const { body, contentType } of pendingTraces) {
    try {
      counts.otlpSpans += countOtlpSpans(body, contentType);
    } catch {
      counts.badRequests += 1;
    }
  }
  pendingTraces = [];
  return counts;
}

const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  readBody(request)
    .then((body) => {
      if (request.method === 'POST' && path === '/v1/ingest') {
        pending.push({ wire: body, encoding: request.headers['content-encoding'] });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      if (request.method === 'POST' && path.startsWith('/v1/')) {
        const entry = (counts.otlp[path] ??= { requests: 0, bytes: 0 });
        entry.requests += 1;
        entry.bytes += body.length;
        if (path === '/v1/traces')
          pendingTraces.push({ body, contentType: request.headers['content-type'] });
        response
          .writeHead(200, {
            'content-type': String(request.headers['content-type'] ?? 'application/json'),
          })
          .end();
        return;
      }
      response.writeHead(404).end();
    })
    .catch(() => {
      counts.badRequests += 1;
      response.writeHead(400).end();
    });
});

server.listen(0, '127.0.0.1', () => {
  serveRequests((server.address() as AddressInfo).port, { counts: decodePending });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
