/** Analysis API: models with data, and drift + model-quality reports over two windows. */
import type { FastifyInstance } from 'fastify';
import { countLabels, listModels, runModelReport } from '../analysis/model-report.js';
import { parseWindow } from '../analysis/time-window.js';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import type { Storage } from '../storage/open-storage.js';

/**
 * Reports run at once; more are answered 429. Each may hold MAX_WINDOW_VALUES per window, so
 * this bounds what reports hold together (nothing did: every poll of a dashboard or script added
 * its windows' samples to the collector's memory).
 */
export const MAX_CONCURRENT_REPORTS = 4;

/** Seconds a refused report is asked to wait: a report takes seconds, not milliseconds. */
const RETRY_AFTER_REPORTS_S = '2';

interface ReportBody {
  model?: unknown;
  modelVersion?: unknown;
  reference?: { from?: unknown; to?: unknown };
  current?: { from?: unknown; to?: unknown };
  driftShare?: unknown;
}

export function registerReportRoutes(
  app: FastifyInstance,
  storage: Storage,
  maxWindowSamples: number,
  maxConcurrentReports = MAX_CONCURRENT_REPORTS,
): void {
  let reportsInProgress = 0;

  app.get('/v1/models', async () => ({ models: await listModels(storage) }));

  app.get<{ Params: { model: string } }>('/v1/models/:model/labels/count', async (request) => ({
    model: request.params.model,
    labels: await countLabels(storage, request.params.model),
  }));

  app.post<{ Body: ReportBody }>('/v1/reports', async (request, reply) => {
    const body = request.body ?? {};
    if (typeof body.model !== 'string' || body.model.length === 0) {
      throw new CollectorError(
        CollectorErrorCodes.BAD_ANALYSIS_REQUEST,
        `model must be a non-empty string, got ${JSON.stringify(body.model)}`,
        {
          field: 'model',
        },
      );
    }
    if (body.modelVersion !== undefined && typeof body.modelVersion !== 'string') {
      throw new CollectorError(
        CollectorErrorCodes.BAD_ANALYSIS_REQUEST,
        'modelVersion must be a string',
        { field: 'modelVersion' },
      );
    }
    const driftShare = body.driftShare === undefined ? undefined : Number(body.driftShare);
    if (driftShare !== undefined && !(driftShare > 0 && driftShare <= 1)) {
      throw new CollectorError(
        CollectorErrorCodes.BAD_ANALYSIS_REQUEST,
        `driftShare must be in (0, 1], got ${JSON.stringify(body.driftShare)}`,
        {
          field: 'driftShare',
        },
      );
    }
    const reportRequest = {
      model: body.model,
      ...(typeof body.modelVersion === 'string' ? { modelVersion: body.modelVersion } : {}),
      reference: parseWindow('reference', body.reference),
      current: parseWindow('current', body.current),
      ...(driftShare === undefined ? {} : { driftShare }),
    };
    if (reportsInProgress >= maxConcurrentReports) {
      return reply
        .code(429)
        .header('retry-after', RETRY_AFTER_REPORTS_S)
        .send({
          code: CollectorErrorCodes.OVERLOADED,
          message: `collector busy: ${maxConcurrentReports} reports in progress, as many as run at once; retry after ${RETRY_AFTER_REPORTS_S} s`,
          maxConcurrentReports,
        });
    }
    reportsInProgress++;
    try {
      return await runModelReport(storage, reportRequest, maxWindowSamples);
    } finally {
      reportsInProgress--;
    }
  });
}
