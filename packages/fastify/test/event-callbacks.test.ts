/**
 * Lines logged from the raw request's and response's own event callbacks carry the request's ids:
 * a content-type parser that reads the body by events (as multipart and raw-stream parsers do),
 * a body chunk that arrives in a later socket read, the body's 'end', the request's 'close' and
 * the response's 'finish', and a listener of an emitter shared by all requests. Node emits the
 * raw events from the socket's reads and writes, outside the request's context.
 */
import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import { init } from '@driftwatch/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { instrumentedApp } from './support/instrumented-app.js';

const { monitor, logs } = capturedMonitor(init, 'fastify-event-callbacks');
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = await instrumentedApp(monitor);
  // Made once, outside any request: its listeners run where emit() is called.
  const bus = new EventEmitter();
  bus.on('scored', () => monitor.logger.info('from a shared emitter'));
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => {
    const chunks: Buffer[] = [];
    payload.on('data', (chunk: Buffer) => {
      monitor.logger.info('from a body chunk');
      chunks.push(chunk);
    });
    payload.on('end', () => {
      monitor.logger.info('from the body end');
      done(null, Buffer.concat(chunks).toString());
    });
  });
  app.post('/upload', async (request, reply) => {
    reply.raw.on('finish', () => monitor.logger.info('from the response finish'));
    request.raw.on('close', () => monitor.logger.info('from the request close'));
    monitor.logger.info('in the handler after the body');
    bus.emit('scored');
    return `got ${String(request.body)}`;
  });
  port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
});

afterAll(async () => {
  await app.close();
  await monitor.shutdown();
});

/** POSTs `abcd` in two TCP writes 100 ms apart: the second part arrives in a later read. */
function postInTwoReads(requestId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => (received += data));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n' +
        `Content-Length: 4\r\nConnection: close\r\nx-request-id: ${requestId}\r\n\r\nab`,
    );
    setTimeout(() => socket.write('cd'), 100);
  });
}

describe('event callbacks of the raw request and response (Fastify)', () => {
  it('lines logged from them carry the request id and trace id', async () => {
    const received = await postInTwoReads('fastify-event-callbacks');
    expect(received).toMatch(/^HTTP\/1\.1 200 [^]*got abcd$/);
    const messages = [
      'from a body chunk',
      'from the body end',
      'in the handler after the body',
      'from a shared emitter',
      'from the response finish',
      'from the request close',
    ];
    await waitFor('the request close line', () =>
      logs.lines.some((line) => line.msg === 'from the request close') ? true : undefined,
    );
    const lines = logs.lines.filter((line) => messages.includes(line.msg as string));
    // Two body chunks (one per read), then one line from each other callback.
    expect(lines.map((line) => line.msg).sort()).toEqual(
      [messages[0], ...messages].sort() as string[],
    );
    const completed = logs.lines.find((line) => line.msg === 'request completed');
    expect(completed?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    for (const line of lines) {
      expect(line, String(line.msg)).toMatchObject({
        request_id: 'fastify-event-callbacks',
        trace_id: completed?.trace_id,
      });
    }
  });
});
