/** Analysis API: models with data, and drift + model-quality reports over two windows. */
import type { FastifyInstance } from 'fastify';
import { countLabels, listModels, runModelReport } from '../analysis/model-report.js';
import { parseWindow } from '../analysis/time-window.js';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import type { Storage } from '../storage/open-storage.js';

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
): void {
  app.get('/v1/models', async () => ({ models: await listModels(storage) }));

  app.get<{ Params: { model: string } }>('/v1/models/:model/labels/count', async (request) => ({
    model: request.params.model,
    labels: await countLabels(storage, request.params.model),
  }));

  app.post<{ Body: ReportBody }>('/v1/reports', async (request) => {
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
    return runModelReport(
      storage,
      {
        model: body.model,
        ...(typeof body.modelVersion === 'string' ? { modelVersion: body.modelVersion } : {}),
        reference: parseWindow('reference', body.reference),
        current: parseWindow('current', body.current),
        ...(driftShare === undefined ? {} : { driftShare }),
      },
      maxWindowSamples,
    );
  });
}
