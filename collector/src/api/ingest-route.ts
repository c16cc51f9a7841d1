/**
 * `POST /v1/ingest`: the HTTP source. Accepts an IngestBatch (JSON, optionally gzip), validates
 * item by item and stores the valid ones before answering:
 *   202 {accepted, rejected: []}        every item stored
 *   202 {accepted, rejected: [...]}      valid items stored; each rejected item names its fields
 *   400 {code, message, rejected}        nothing valid in the batch (or not an IngestBatch)
 *   401 bad or missing bearer token; 413 body too large; 503 storage unavailable (retry).
 */
import { timingSafeEqual } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { SIGNALS, type IngestResult, type Signal } from '@driftwatch/schema';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import { splitBatch } from '../ingest/split-batch.js';
import type { EventWriter } from '../storage/event-writer.js';

export interface IngestRouteOptions {
  readonly writer: EventWriter;
  readonly token?: string;
}

function authorized(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function registerIngestRoute(app: FastifyInstance, options: IngestRouteOptions): void {
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
      onRequest: async (request) => {
        if (options.token !== undefined && !authorized(request, options.token)) {
          throw new CollectorError(
            CollectorErrorCodes.UNAUTHORIZED,
            'missing or wrong bearer token for /v1/ingest',
          );
        }
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
      if (acceptedTotal > 0) await options.writer.write(batch.valid, batch.resource);
      const result: IngestResult = { accepted, rejected: batch.rejected };
      return reply.code(202).send(result);
    },
  );
}
