/**
 * Express responses other than a plain JSON answer: `res.write` over about a second (one span
 * and one line at the real end, the context in the timer callbacks), a POST whose body was read
 * abandoned mid-stream (499 once), `res.redirect`, `res.sendFile` (a file, a missing file, a
 * conditional GET answered 304), HEAD, an error passed on after the headers were sent, and a
 * `pipeline(source, res)` whose source fails (the server's failure, not the client's: never a
 * 499; a client that leaves such a pipeline is).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { init, type MemoryTransport, type Monitor } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import type { LogCapture } from '../../sdk/test/support/log-capture.js';
import {
  completionLines,
  expectFailedAfterHeaders,
  readUntilClosed,
} from '../../sdk/test/support/recorded-requests.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { driftwatch, driftwatchErrors } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

let monitor: Monitor;
let logs: LogCapture;
let server: Listening;
let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'dw-express-files-'));
  writeFileSync(join(directory, 'model.txt'), 'weights\n');
  ({ monitor, logs } = capturedMonitor(init, 'express-responses'));
  const app = express();
  app.use(driftwatch(monitor));
  app.use(express.json());
  const stream = (_request: express.Request, response: express.Response) => {
    response.type('text/plain');
    let sent = 0;
    const timer = setInterval(() => {
      sent += 1;
      monitor.logger.info({ chunk: sent }, 'chunk');
      if (sent >= 5) {
        clearInterval(timer);
        response.end(`chunk ${sent}\n`);
      } else response.write(`chunk ${sent}\n`);
    }, 200);
    response.on('close', () => clearInterval(timer));
  };
  app.get('/stream', stream);
  app.post('/stream', stream);
  app.get('/old/:id', (request, response) => response.redirect(301, `/new/${request.params.id}`));
  app.get('/files/:name', (request, response, next) => {
    response.sendFile(request.params.name, { root: directory }, (error) => {
      if (error) next(error);
    });
  });
  app.get('/partial', (_request, response, next) => {
    response.status(200).type('text/plain').write('half of it\n');
    setTimeout(() => next(new Error('storage failed mid-way')), 20);
  });
  // Rows from a cursor that fails after `rows` of them (none: before the headers), or, with
  // `rows` = 'slow', keeps sending until the client leaves. pipeline() handles the error itself:
  // it never reaches driftwatchErrors(), only `res.errored`.
  app.get('/export/:rows', (request, response) => {
    const { rows } = request.params;
    let sent = 0;
    const source = new Readable({
      read() {
        sent += 1;
        if (rows === 'slow') setTimeout(() => this.push(`row ${sent}\n`), 50);
        else if (sent <= Number(rows)) this.push(`row ${sent}\n`);
        else setTimeout(() => this.destroy(new RangeError('cursor failed')), 20);
      },
    });
    response.type('text/plain');
    pipeline(source, response, () => undefined);
  });
  app.use(driftwatchErrors(monitor));
  server = await listen(app);
});

afterAll(async () => {
  await server?.close();
  await monitor?.shutdown({ timeoutMs: 1000 });
  rmSync(directory, { recursive: true, force: true });
});

async function recorded(requestId: string) {
  const lines = await waitFor('the completion line', () => {
    const found = completionLines(logs, requestId);
    return found.length > 0 ? found : undefined;
  });
  await monitor.flush();
  const spans = (monitor.transport as MemoryTransport)
    .items('spans')
    .filter((span) => span.kind === 'SERVER' && span.traceId === lines[0]!.trace_id);
  return { lines, spans };
}

describe('response kinds (Express)', () => {
  it('a redirect with a query string: url.query on the span, its secret values redacted', async () => {
    const response = await fetch(`${server.baseUrl}/old/7?ref=mail&token=t0ps3cret`, {
      headers: { 'x-request-id': 'express-query' },
      redirect: 'manual',
    });
    expect(response.status).toBe(301);
    const { spans } = await recorded('express-query');
    expect(spans[0]?.attributes).toMatchObject({
      'url.path': '/old/7',
      'url.query': 'ref=mail&token=REDACTED',
    });
  });

  it('res.write over a second: one span and one line at the real end, context in the timers', async () => {
    const started = performance.now();
    const response = await fetch(`${server.baseUrl}/stream`, {
      headers: { 'x-request-id': 'express-stream' },
    });
    expect((await response.text()).split('\n').filter(Boolean)).toHaveLength(5);
    const elapsedMs = performance.now() - started;
    const { lines, spans } = await recorded('express-stream');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.responseTime as number).toBeGreaterThanOrEqual(800);
    expect(lines[0]!.responseTime as number).toBeLessThanOrEqual(elapsedMs + 50);
    const chunks = logs.lines.filter((line) => line.msg === 'chunk');
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks.every((line) => line.request_id === 'express-stream')).toBe(true);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ name: 'GET /stream' });
  });

  it('a POST whose body was read, abandoned mid-stream: recorded once, as 499', async () => {
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest(`${server.baseUrl}/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'express-abandon' },
      });
      outgoing.on('response', (response) => response.on('data', () => outgoing.destroy()));
      outgoing.on('error', () => undefined);
      outgoing.on('close', () => resolve());
      outgoing.end('{"a":1}');
    });
    const { lines } = await recorded('express-abandon');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(completionLines(logs, 'express-abandon')).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 499 }, req: { route: '/stream' } });
  });

  it('res.redirect: the redirect status, route and one span', async () => {
    const response = await fetch(`${server.baseUrl}/old/7`, {
      redirect: 'manual',
      headers: { 'x-request-id': 'express-redirect' },
    });
    expect(response.status).toBe(301);
    expect(response.headers.get('x-request-id')).toBe('express-redirect');
    const { lines, spans } = await recorded('express-redirect');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 301 }, req: { route: '/old/:id' } });
    expect(spans).toHaveLength(1);
  });

  it('res.sendFile: 200, then 304 for a conditional GET, 404 for a missing file, and HEAD', async () => {
    const first = await fetch(`${server.baseUrl}/files/model.txt`, {
      headers: { 'x-request-id': 'express-file' },
    });
    expect(await first.text()).toBe('weights\n');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(`${server.baseUrl}/files/model.txt`, {
      headers: {
        'x-request-id': 'express-file-304',
        'if-none-match': etag!,
        'cache-control': 'max-age=0',
      },
    });
    expect(again.status).toBe(304);
    const missing = await fetch(`${server.baseUrl}/files/absent.txt`, {
      headers: { 'x-request-id': 'express-file-404' },
    });
    expect(missing.status).toBe(404);
    const head = await fetch(`${server.baseUrl}/files/model.txt`, {
      method: 'HEAD',
      headers: { 'x-request-id': 'express-file-head' },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-request-id')).toBe('express-file-head');
    for (const [id, status, method] of [
      ['express-file', 200, 'GET'],
      ['express-file-304', 304, 'GET'],
      ['express-file-404', 404, 'GET'],
      ['express-file-head', 200, 'HEAD'],
    ] as const) {
      const { lines, spans } = await recorded(id);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        req: { method, route: '/files/:name' },
        res: { statusCode: status },
      });
      expect(spans).toHaveLength(1);
      expect(spans[0]!.status?.code).not.toBe('ERROR');
    }
  });

  it('an error passed on after the headers were sent: the server failed, not the client', async () => {
    await readUntilClosed(`${server.baseUrl}/partial`, 'express-partial');
    const { lines, spans } = await recorded('express-partial');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 200 }, req: { route: '/partial' } });
    expect(spans).toHaveLength(1);
    await expectFailedAfterHeaders(monitor, spans[0]!, {
      route: '/partial',
      statusCode: 200,
      errorType: 'Error',
    });
  });

  it('pipeline(source, res) whose source fails after the headers: the status sent, as an error', async () => {
    await readUntilClosed(`${server.baseUrl}/export/2`, 'express-pipeline-failed');
    const { lines, spans } = await recorded('express-pipeline-failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 200 }, req: { route: '/export/:rows' } });
    expect(spans).toHaveLength(1);
    await expectFailedAfterHeaders(monitor, spans[0]!, {
      route: '/export/:rows',
      statusCode: 200,
      errorType: 'RangeError',
    });
  });

  it('pipeline(source, res) whose source fails before the headers: 500, as an error', async () => {
    await readUntilClosed(`${server.baseUrl}/export/0`, 'express-pipeline-early');
    const { lines, spans } = await recorded('express-pipeline-early');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 500 }, req: { route: '/export/:rows' } });
    expect(spans).toHaveLength(1);
    expect(spans[0]!.status).toEqual({ code: 'ERROR' });
    expect(spans[0]!.attributes).toMatchObject({
      'http.response.status_code': 500,
      'error.type': 'RangeError',
    });
  });

  it('a client that leaves a pipeline(source, res): 499, no error', async () => {
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest(`${server.baseUrl}/export/slow`, {
        headers: { 'x-request-id': 'express-pipeline-left' },
      });
      outgoing.on('response', (response) => response.once('data', () => outgoing.destroy()));
      outgoing.on('error', () => undefined);
      outgoing.on('close', () => resolve());
      outgoing.end();
    });
    const { lines, spans } = await recorded('express-pipeline-left');
    // pipeline() destroys the response with ERR_STREAM_PREMATURE_CLOSE: the client's doing.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(completionLines(logs, 'express-pipeline-left')).toHaveLength(1);
    expect(lines[0]).toMatchObject({ res: { statusCode: 499 } });
    expect(spans).toHaveLength(1);
    expect(spans[0]!.status?.code).not.toBe('ERROR');
    expect(spans[0]!.attributes?.['error.type']).toBeUndefined();
  });
});
