/**
 * Ends a request whose body has not arrived `timeoutMs` after its headers: a client that sent
 * headers and part of a body, then nothing, held its ingest place for as long as its connection
 * lived, and `maxConcurrentIngests` of them had everyone answered 429 and kept `close()` waiting.
 * Node's own `requestTimeout` is not used: it is checked on an interval that a closing server
 * stops, so a stalled upload would still hold up shutdown. The request is answered 408
 * (DW_COLLECTOR_REQUEST_TIMEOUT, see error-handler.ts) and its connection closed.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { CollectorError, CollectorErrorCodes } from '../errors.js';

export function registerBodyDeadline(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('preParsing', async (request, reply, payload) => {
    const { 'content-length': length, 'transfer-encoding': chunked } = request.headers;
    if (chunked === undefined && (length === undefined || length === '0')) return payload;
    // Fastify reads the body from the returned stream; failing it fails the read, not the socket,
    // so the 408 can still be written.
    const body = new PassThrough();
    const timer = setTimeout(() => {
      body.destroy(
        new CollectorError(
          CollectorErrorCodes.REQUEST_TIMEOUT,
          `request body not received within ${timeoutMs} ms`,
          { timeoutMs },
        ),
      );
    }, timeoutMs);
    const stop = () => clearTimeout(timer);
    body.once('end', stop);
    reply.raw.once('close', stop);
    // After the body was refused (too large), nobody listens to it any more.
    body.on('error', () => {});
    payload.on('error', (error) => body.destroy(error));
    payload.pipe(body);
    return body;
  });
}
