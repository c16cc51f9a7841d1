/**
 * `POST /v1/ingest`: the HTTP source. Accepts an IngestBatch (JSON, optionally gzip), validates
 * item by item and stores the valid ones before answering:
 *   202 {accepted, rejected: []}        every item stored
 *   202 {accepted, rejected: [...]}      valid items stored; each rejected item names its fields
 *   400 {code, message, rejected}        nothing valid in the batch (or not an IngestBatch)
 *   401 bad or missing bearer token; 413 body too large;
 *   429 + Retry-After  more requests held than `maxConcurrentIngests` (body not read; retry);
 *   503 + Retry-After  storage unavailable (retry).
 */
import { timingSafeEqual } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { SIGNALS, type IngestResult, type Signal } from '@driftwatch/schema';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import { IngestAdmission } from '../ingest/admission.js';
import { splitBatch } from '../ingest/split-batch.js';
import type { EventWriter } from '../storage/event-writer.js';

export interface IngestRouteOptions {
  readonly writer: EventWriter;
  readonly token?: string;
  /** Ingest requests held at once; more are answered 429. @default 32 */
  readonly maxConcurrentIngests?: number;
}

/** Code of the 429 answer (belongs in errors.ts' CollectorErrorCodes). */
/** Seconds the SDK is asked to wait: a burst drains fast; a ClickHouse restart takes a while. */
const RETRY_AFTER_OVERLOADED_S = '1';
const RETRY_AFTER_STORAGE_S = '5';

function authorized(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function registerIngestRoute(app: FastifyInstance, options: IngestRouteOptions): void {
  const admission = new IngestAdmission(options.maxConcurrentIngests);
  app.post(
    '/v1/ingest',
    {
      // Decompress before parsing; Fastify's bodyLimit then applies to the decompressed bytes.
      preParsing: async (request, _reply, payload) => {
        const encoding = request.headers['content-encoding'];
        if (encoding === undefined || encoding === 'identity') return payload;
        if (encoding !== 'gzip') {
          throw new CollectorError(
            CollectorErrorCodes.BAD_BATCH,
            `unsupported content-encoding "${encoding}"; expected gzip or identity`,
          );
        }
        // Fastify checks content-length against `receivedEncodedLength` of a replaced stream.
        const gunzip = Object.assign(createGunzip(), { receivedEncodedLength: 0 });
        payload.on('data', (chunk: Buffer) => {
          gunzip.receivedEncodedLength += chunk.length;
        });
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
        const release = admission.tryAcquire();
        if (!release) {
          return reply
            .code(429)
            .header('retry-after', RETRY_AFTER_OVERLOADED_S)
            .header('connection', 'close')
            .send({
              code: CollectorErrorCodes.OVERLOADED,
              message: `collector busy: ${admission.maxConcurrent} ingest requests in progress; retry after ${RETRY_AFTER_OVERLOADED_S} s`,
            });
        }
        // 'close' follows the answer, an error and an aborted request alike.
        reply.raw.once('close', release);
        return undefined;
      },
    },
    async (request, reply) => {
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
      const accepted = Object.fromEntries(SIGNALS.map((s) => [s, batch.valid[s].length])) as Record<
        Signal,
        number
      >;
      const acceptedTotal = batch.total - batch.rejected.length;
      if (acceptedTotal === 0 && batch.total > 0) {
        const first = batch.rejected[0]!;
        const issue = first.issues[0];
        return reply.code(400).send({
          code: CollectorErrorCodes.BAD_EVENT,
          message: `no valid item in the batch; first: ${first.signal}[${first.index}]${issue ? ` ${issue.path || '(item)'}: ${issue.message}` : ''}`,
          accepted,
          rejected: batch.rejected,
        });
      }
      if (acceptedTotal > 0) {
        try {
          await options.writer.write(batch.valid, batch.resource);
        } catch (error) {
          if (!(error instanceof CollectorError)) throw error;
          request.log.error({ err: error }, 'ingest batch not stored');
          return reply
            .code(503)
            .header('retry-after', RETRY_AFTER_STORAGE_S)
            .send({ code: error.code, message: error.message });
        }
      }
      const result: IngestResult = { accepted, rejected: batch.rejected };
      return reply.code(202).send(result);
    },
  );
}
