/** Maps errors to HTTP answers that carry a stable code and name the field at fault. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { CollectorError, CollectorErrorCodes, type CollectorErrorCode } from '../errors.js';

const STATUS: Partial<Record<CollectorErrorCode, number>> = {
  [CollectorErrorCodes.BAD_BATCH]: 400,
  [CollectorErrorCodes.BAD_EVENT]: 400,
  [CollectorErrorCodes.BAD_ANALYSIS_REQUEST]: 400,
  [CollectorErrorCodes.UNAUTHORIZED]: 401,
  [CollectorErrorCodes.STORAGE_FAILED]: 503,
};

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | CollectorError, request, reply) => {
    if (error instanceof CollectorError) {
      const status = STATUS[error.code] ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      return reply
        .code(status)
        .send({ code: error.code, message: error.message, ...error.details });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply
      .code(status)
      .send({ code: error.code ?? 'DW_COLLECTOR_INTERNAL', message: error.message });
  });
}
