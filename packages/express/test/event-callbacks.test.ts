/**
 * Lines logged from the request's and the response's own event callbacks carry the request's ids:
 * a body read by events (a raw webhook body, a multipart parser that pipes the request and calls
 * `next()` from its 'finish', as multer does), the handler that runs after such a middleware, and
 * a response's 'finish' listener (a logging middleware's), the request's 'close'. Node emits those events from the
 * socket's reads and writes, outside the request's context.
 */
import { connect } from 'node:net';
import { init } from '@driftwatch/sdk';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { waitFor } from '../../sdk/test/support/net.js';
import { driftwatch } from '../src/index.js';
import { listen, type Listening } from './support/listen.js';

const { monitor, logs } = capturedMonitor(init, 'express-event-callbacks');
let listening: Listening;

beforeAll(async () => {
  const app = express();
  app.use(driftwatch(monitor));
  // A logging middleware that writes its line when the response is finished.
  app.use((_request, response, next) => {
    response.on('finish', () => monitor.logger.info('from the response finish'));
    next();
  });
  // Reads the body itself and goes on from its 'end', as event-driven body parsers do.
  const readBody: express.RequestHandler = (request, _response, next) => {
    const chunks: Buffer[] = [];
    request.on('close', () => monitor.logger.info('from the request close'));
    request.on('data', (chunk: Buffer) => {
      monitor.logger.info('from a body chunk');
      chunks.push(chunk);
    });
    request.on('end', () => {
      monitor.logger.info('from the body end');
      request.body = Buffer.concat(chunks).toString();
      next();
    });
  };
  app.post('/upload', readBody, (request, response) => {
    monitor.logger.info('in the handler after the body');
    response.send(`got ${String(request.body)}`);
  });
  listening = await listen(app);
});

afterAll(async () => {
  await listening.close();
  await monitor.shutdown();
});

/** POSTs `abcd` in two TCP writes 100 ms apart: the second part arrives in a later read. */
function postInTwoReads(requestId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(listening.baseUrl).port), '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => (received += data));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n' +
        `x-request-id: ${requestId}\r\n\r\nab`,
    );
    setTimeout(() => socket.write('cd'), 100);
  });
}

describe('event callbacks of the request and response (Express)', () => {
  it('lines logged from them, and after them, carry the request id', async () => {
    const received = await postInTwoReads('event-callbacks');
    expect(received).toMatch(/^HTTP\/1\.1 200 [^]*got abcd$/);
    const messages = [
      'from a body chunk',
      'from the body end',
      'in the handler after the body',
      'from the response finish',
    ];
    const lines = await waitFor('the lines of the request', () => {
      const found = logs.lines.filter((line) => messages.includes(line.msg as string));
      return found.some((line) => line.msg === 'from the response finish') ? found : undefined;
    });
    // Two body chunks, the end, the handler, the finish.
    expect(lines.map((line) => line.msg)).toEqual([messages[0], ...messages]);
    const closed = await waitFor('the request close line', () =>
      logs.lines.find((line) => line.msg === 'from the request close'),
    );
    for (const line of [...lines, closed]) {
      expect(line).toMatchObject({ request_id: 'event-callbacks' });
      expect(typeof line.trace_id).toBe('string');
    }
  });
});
