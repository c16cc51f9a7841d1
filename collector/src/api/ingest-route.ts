/**
 * `POST /v1/ingest`: the HTTP source. Accepts an IngestBatch (JSON, optionally gzip), validates
 * item by item and stores the valid ones before answering:
 *   202 {accepted, rejected: [], rejectedTotal: 0}  every item stored
 *   202 {accepted, rejected: [...], rejectedTotal}   valid items stored; each rejected item names
 *       its fields (the first ones listed, see rejection-list.ts; `rejectedTotal` counts them all)
 *   400 {code, message, rejected, rejectedTotal}     nothing valid in the batch (BAD_EVENT)
 *   400 DW_COLLECTOR_BAD_BATCH   not an IngestBatch (not JSON, corrupt gzip, wrong envelope), or
 *       an `idempotency-key` that is not 1–128 visible ASCII characters
 *   401 bad or missing bearer token; 408 body not received within `requestTimeoutMs`;
 *   413 body too large; 415 content-type not application/json;
 *   429 + Retry-After  more requests held than `maxConcurrentIngests` (body not read; retry);
 *   503 + Retry-After  storage unavailable, or the collector shutting down (shutting-down.ts;
 *       DW_COLLECTOR_SHUTTING_DOWN): retry.
 * A batch sent with an `idempotency-key` (the SDK makes one per batch and sends it again with each
 * retry) is stored once however often it arrives: its OTel rows are inserted under a token made
 * of the key (migration 0008's insert deduplication), and predictions and labels merge on their
 * ids anyway. So a batch whose 202 was lost on the way back is not doubled by its retry.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { SIGNALS, type IngestResult, type Signal } from '@driftwatch/schema';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import { IngestAdmission, type IngestSlot } from '../ingest/admission.js';
import { splitBatch } from '../ingest/split-batch.js';
import type { EventWriter } from '../storage/event-writer.js';

/** The 202 answer: IngestResult and `rejectedTotal`, every rejected item, listed or not. */
export interface IngestAnswer extends IngestResult {
  readonly rejectedTotal: number;
}

export interface IngestRouteOptions {
  readonly writer: EventWriter;
  readonly token?: string;
  /** Ingest requests held at once; more are answered 429. @default 32 */
  readonly maxConcurrentIngests?: number;
}

/** The route's path (the error handler names what an unreadable body was meant to be by it). */
export const INGEST_PATH = '/v1/ingest';

/** Seconds the SDK is asked to wait: a burst drains fast; a ClickHouse restart takes a while. */
const RETRY_AFTER_OVERLOADED_S = '1';
const RETRY_AFTER_STORAGE_S = '5';

/** SHA-256 of a text: equal-length digests let the comparison take the same time for any token. */
const digest = (text: string) => createHash('sha256').update(text).digest();

/** `Bearer <token>`: the scheme in any case (RFC 9110 §11.1), the token in constant time. */
function authorized(request: FastifyRequest, token: string): boolean {
  const match = /^(\S+)[ \t]+(.+)$/.exec(request.headers.authorization?.trim() ?? '');
  const [, scheme = '', given = ''] = match ?? [];
  const tokenMatches = timingSafeEqual(digest(given), digest(token));
  return scheme.toLowerCase() === 'bearer' && tokenMatches;
}

/** The body's content coding, compared case-insensitively (RFC 9110 §8.4.1); x-gzip is gzip. */
function contentCoding(request: FastifyRequest): string {
  const coding = (request.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return 'identity';
  return coding === 'x-gzip' ? 'gzip' : coding;
}

/** Whether the body is declared JSON: `application/json`, parameters (charset) aside. */
function declaredJson(request: FastifyRequest): boolean {
  const [mediaType = ''] = (request.headers['content-type'] ?? '').split(';', 1);
  return mediaType.trim().toLowerCase() === 'application/json';
}

/** The message of a 415 answer. */
export function unsupportedMediaType(type: string | undefined): string {
  return `content-type ${type ? `"${type}"` : 'missing'}; expected application/json`;
}

function overloaded(reply: FastifyReply, admission: IngestAdmission): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', RETRY_AFTER_OVERLOADED_S)
    .header('connection', 'close')
    .send({
      code: CollectorErrorCodes.OVERLOADED,
      message: `collector busy: ${admission.maxConcurrent} ingest requests in progress; retry after ${RETRY_AFTER_OVERLOADED_S} s`,
    });
}

export function registerIngestRoute(app: FastifyInstance, options: IngestRouteOptions): void {
  const admission = new IngestAdmission(options.maxConcurrentIngests);
  const slots = new WeakMap<FastifyRequest, IngestSlot>();
  app.post(
    INGEST_PATH,
    {
      // Decompress before parsing; Fastify's bodyLimit then applies to the decompressed bytes.
      preParsing: async (request, _reply, payload) => {
        const coding = contentCoding(request);
        if (coding === 'identity') return payload;
        if (coding !== 'gzip') {
          throw new CollectorError(
            CollectorErrorCodes.BAD_BATCH,
            `unsupported content-encoding "${request.headers['content-encoding']}"; expected gzip or identity`,
          );
        }
        // Fastify checks content-length against `receivedEncodedLength` of a replaced stream.
        const gunzip = Object.assign(createGunzip(), { receivedEncodedLength: 0 });
        payload.on('data', (chunk: Buffer) => {
          gunzip.receivedEncodedLength += chunk.length;
        });
        // pipe() does not pass errors on: a body that failed (timed out, aborted) fails the read.
        payload.on('error', (error) => gunzip.destroy(error));
        payload.pipe(gunzip);
        return gunzip;
      },
      onRequest: async (request, reply) => {
        if (options.token !== undefined && !authorized(request, options.token)) {
          throw new CollectorError(
            CollectorErrorCodes.UNAUTHORIZED,
            'missing or wrong bearer token for /v1/ingest',
          );
        }
        // Refused before it takes a place (Fastify would read text/plain as a string).
        if (!declaredJson(request)) {
          throw new CollectorError(
            CollectorErrorCodes.UNSUPPORTED_MEDIA_TYPE,
            unsupportedMediaType(request.headers['content-type']),
          );
        }
        const slot = admission.tryAcquire();
        if (!slot) return overloaded(reply, admission);
        slots.set(request, slot);
        // 'close' follows the answer, an error and an aborted request alike; it frees the place
        // only of a request that never reached the handler (body refused, client gone).
        reply.raw.once('close', () => slot.connectionClosed());
        return undefined;
      },
    },
    async (request, reply) => {
      const slot = slots.get(request);
      // The client left before the handler ran and its place went to another request.
      if (slot && !slot.enterHandler()) return overloaded(reply, admission);
      try {
        return await storeBatch(request, reply, options);
      } finally {
        slot?.release();
      }
    },
  );
}

/** Visible ASCII but the quote and the backslash (an sf-string's characters without escapes). */
const IDEMPOTENCY_KEY = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;

/**
 * The request's `idempotency-key`, as a Structured Fields string (`"…"`, as the IETF draft has it)
 * or bare (as Stripe and others take it); undefined when there is none. Throws BAD_BATCH for a
 * malformed one.
 */
function idempotencyKey(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const text = String(header).trim();
  const key =
    text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
  if (IDEMPOTENCY_KEY.test(key)) return key;
  // Answered 400 by the error handler, as every BAD_BATCH.
  throw new CollectorError(
    CollectorErrorCodes.BAD_BATCH,
    `idempotency-key header: expected 1–128 visible ASCII characters other than " and \\, optionally in double quotes; got ${JSON.stringify(String(header).slice(0, 160))}`,
  );
}

/** Validates the parsed body, stores its valid items and answers. */
async function storeBatch(
  request: FastifyRequest,
  reply: FastifyReply,
  options: IngestRouteOptions,
): Promise<FastifyReply> {
  const split = splitBatch(request.body);
  if (!split.ok) {
    const first = split.issues[0];
    return reply.code(400).send({
      code: CollectorErrorCodes.BAD_BATCH,
      message: `body is not an ingest batch: ${first ? `${first.path || '(body)'}: ${first.message}` : 'invalid'}`,
      issues: split.issues,
    });
  }
  const { batch } = split;
  const key = idempotencyKey(request);
  const accepted = Object.fromEntries(SIGNALS.map((s) => [s, batch.valid[s].length])) as Record<
    Signal,
    number
  >;
  const acceptedTotal = batch.total - batch.rejectedTotal;
  // The first rejected items and how many there were (the list is capped: rejection-list.ts).
  const rejections = { rejected: batch.rejected, rejectedTotal: batch.rejectedTotal };
  if (acceptedTotal === 0 && batch.total > 0) {
    const first = batch.rejected[0];
    const issue = first?.issues[0];
    return reply.code(400).send({
      code: CollectorErrorCodes.BAD_EVENT,
      message: `no valid item in the batch${first ? `; first: ${first.signal}[${first.index}]` : ''}${issue ? ` ${issue.path || '(item)'}: ${issue.message}` : ''}`,
      accepted,
      ...rejections,
    });
  }
  if (acceptedTotal > 0) {
    try {
      await options.writer.write(
        batch.valid,
        batch.resource,
        // With what was accepted of each signal: a key sent again with another body (a client's
        // bug) is not taken for the same batch, whatever else differs.
        key === undefined
          ? {}
          : { deduplicationToken: `http/${key}/${SIGNALS.map((s) => accepted[s]).join('.')}` },
      );
    } catch (error) {
      if (!(error instanceof CollectorError)) throw error;
      request.log.error({ err: error }, 'ingest batch not stored');
      return reply
        .code(503)
        .header('retry-after', RETRY_AFTER_STORAGE_S)
        .send({ code: error.code, message: error.message });
    }
  }
  const result: IngestAnswer = { accepted, ...rejections };
  return reply.code(202).send(result);
}
