/** Maps errors to HTTP answers that carry a stable code and name the field at fault. */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { CollectorError, CollectorErrorCodes, type CollectorErrorCode } from '../errors.js';
import { INGEST_PATH, unsupportedMediaType } from './ingest-route.js';
import { RETRY_AFTER_SHUTTING_DOWN_S } from './shutting-down.js';

const STATUS: Partial<Record<CollectorErrorCode, number>> = {
  [CollectorErrorCodes.BAD_BATCH]: 400,
  [CollectorErrorCodes.BAD_EVENT]: 400,
  [CollectorErrorCodes.BAD_ANALYSIS_REQUEST]: 400,
  [CollectorErrorCodes.UNAUTHORIZED]: 401,
  [CollectorErrorCodes.REQUEST_TIMEOUT]: 408,
  [CollectorErrorCodes.BODY_TOO_LARGE]: 413,
  [CollectorErrorCodes.UNSUPPORTED_MEDIA_TYPE]: 415,
  [CollectorErrorCodes.STORAGE_FAILED]: 503,
  [CollectorErrorCodes.SHUTTING_DOWN]: 503,
};

/** Seconds to wait before retrying, sent as `Retry-After` (RFC 9110 §10.2.3) with these codes. */
const RETRY_AFTER_S: Partial<Record<CollectorErrorCode, string>> = {
  [CollectorErrorCodes.SHUTTING_DOWN]: RETRY_AFTER_SHUTTING_DOWN_S,
};

/** What an error is answered with. */
interface Answer {
  readonly status: number;
  readonly body: { code: string; message: string } & Record<string, unknown>;
}

/**
 * A body Fastify or zlib could not read, answered with the collector's stable DW_* codes
 * (callers branch on them) rather than Fastify's or zlib's (FST_ERR_CTP_*, Z_DATA_ERROR).
 * Undefined for any other error.
 */
function unreadableBody(error: FastifyError, request: FastifyRequest): Answer | undefined {
  // What the body was meant to be: an ingest batch, or an analysis request.
  const code =
    request.routeOptions.url === INGEST_PATH
      ? CollectorErrorCodes.BAD_BATCH
      : CollectorErrorCodes.BAD_ANALYSIS_REQUEST;
  const answer = (status: number, message: string, answerCode: string = code): Answer => ({
    status,
    body: { code: answerCode, message },
  });
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return answer(
        400,
        'body is not valid JSON (a "__proto__" member, or a "constructor" holding "prototype", is refused too)',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return answer(400, 'body is empty; expected a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return answer(400, 'body length differs from its content-length');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return answer(
        415,
        unsupportedMediaType(request.headers['content-type']),
        CollectorErrorCodes.UNSUPPORTED_MEDIA_TYPE,
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return answer(
        413,
        'body larger than maxBodyBytes (counted decompressed); send smaller batches',
        CollectorErrorCodes.BODY_TOO_LARGE,
      );
    default:
      // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR) for a gzip body that is corrupt or cut short.
      return typeof error.code === 'string' && error.code.startsWith('Z_')
        ? answer(400, `body is not valid gzip: ${error.message}`)
        : undefined;
  }
}

function answerOf(error: FastifyError | CollectorError, request: FastifyRequest): Answer {
  if (error instanceof CollectorError) {
    return {
      status: STATUS[error.code] ?? 500,
      body: { code: error.code, message: error.message, ...error.details },
    };
  }
  return (
    unreadableBody(error, request) ?? {
      status: error.statusCode ?? 500,
      body: { code: error.code ?? 'DW_COLLECTOR_INTERNAL', message: error.message },
    }
  );
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | CollectorError, request, reply) => {
    const { status, body } = answerOf(error, request);
    const retryAfter = RETRY_AFTER_S[body.code as CollectorErrorCode];
    // A request refused during shutdown is expected, not a failure of the collector.
    if (body.code === CollectorErrorCodes.SHUTTING_DOWN) request.log.info(body.message);
    else if (status >= 500) request.log.error({ err: error }, 'request failed');
    if (retryAfter !== undefined) reply.header('retry-after', retryAfter);
    // The rest of a timed-out body may never come: the connection is not reused.
    if (status === 408) reply.header('connection', 'close');
    // RFC 9110 §15.5.2: a 401 names the scheme to authenticate with (RFC 6750 §3).
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="driftwatch"');
    return reply.code(status).send(body);
  });
}
