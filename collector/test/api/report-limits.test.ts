/**
 * What bounds a report's memory: at most MAX_CONCURRENT_REPORTS reports run at once (more are
 * answered 429 naming the limit), and a window whose samples would exceed maxWindowValues is
 * refused with a 400 naming it, before its values are read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '@clickhouse/client';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { runModelReport } from '../../src/analysis/model-report.js';
import { MAX_CONCURRENT_REPORTS } from '../../src/api/report-routes.js';
import { CollectorErrorCodes } from '../../src/errors.js';
import type { Storage } from '../../src/storage/open-storage.js';
import { EventWriter } from '../../src/storage/event-writer.js';
import { prediction } from '../helpers/events.js';
import { openTempStorage } from '../helpers/temp-storage.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

/** The real storage, whose queries wait while `hold` is set: reports stay in progress. */
function heldStorage(storage: Storage) {
  let release: (() => void) | undefined;
  let held: Promise<void> | undefined;
  let waiting = 0;
  const client = new Proxy(storage.client, {
    get(target, property) {
      if (property === 'query') {
        return async (params: Parameters<ClickHouseClient['query']>[0]) => {
          if (held) {
            waiting++;
            await held;
          }
          return target.query(params);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
  return {
    storage: { ...storage, client } as Storage,
    hold() {
      held = new Promise((resolve) => (release = resolve));
    },
    release() {
      held = undefined;
      release?.();
    },
    waiting: () => waiting,
  };
}

describe('report limits', () => {
  let temp: Awaited<ReturnType<typeof openTempStorage>>;
  let held: ReturnType<typeof heldStorage>;
  let collector: CollectorApp;
  beforeAll(async () => {
    temp = await openTempStorage('dw_report_limits');
    held = heldStorage(temp.storage);
    collector = await buildApp({ storageInstance: held.storage, logLevel: 'silent' });
    // 10 predictions a window, each with 2 numeric features and 1 text feature.
    const predictions = [0, 2].flatMap((startHour) =>
      Array.from({ length: 10 }, (_, i) =>
        prediction({
          predictionId: `w${startHour}-${i}`,
          timeUnixMs: T0 + startHour * HOUR + i * 1000,
          features: { age: 30 + i, income: 1000 * i, region: i % 2 ? 'north' : 'south' },
        }),
      ),
    );
    // A model with 300 predictions a window, for a per-column cap that has to shrink.
    const wide = [0, 2].flatMap((startHour) =>
      Array.from({ length: 300 }, (_, i) =>
        prediction({
          model: 'wide-model',
          predictionId: `wide-${startHour}-${i}`,
          timeUnixMs: T0 + startHour * HOUR + i * 1000,
          features: { age: 20 + (i % 50), income: 10 * i, region: i % 3 ? 'north' : 'south' },
        }),
      ),
    );
    await new EventWriter(temp.storage).write({
      predictions: [...predictions, ...wide],
      labels: [],
      logs: [],
      spans: [],
      metrics: [],
    });
  });
  afterAll(async () => {
    held.release();
    await collector.app.close();
    await temp.dispose();
  });

  const windows = {
    reference: { fromMs: T0, toMs: T0 + HOUR },
    current: { fromMs: T0 + 2 * HOUR, toMs: T0 + 3 * HOUR },
  };
  const post = () =>
    collector.app.inject({
      method: 'POST',
      url: '/v1/reports',
      payload: {
        model: 'credit-risk',
        reference: { from: windows.reference.fromMs, to: windows.reference.toMs },
        current: { from: windows.current.fromMs, to: windows.current.toMs },
      },
    });

  it('answers 429 naming the limit while MAX_CONCURRENT_REPORTS reports run, and frees the slots', async () => {
    held.hold();
    try {
      const running = Array.from({ length: MAX_CONCURRENT_REPORTS }, () => post());
      // Each report in progress waits on its storage (for its two windows' value counts).
      const inProgress = 2 * MAX_CONCURRENT_REPORTS;
      while (held.waiting() < inProgress) await new Promise((r) => setImmediate(r));
      const over = post();
      let answered = false;
      void over.then(() => (answered = true));
      while (!answered && held.waiting() === inProgress) await new Promise((r) => setImmediate(r));
      expect(held.waiting(), 'the report over the limit reached storage').toBe(inProgress);
      const refused = await over;
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(refused.json()).toMatchObject({
        code: CollectorErrorCodes.OVERLOADED,
        maxConcurrentReports: MAX_CONCURRENT_REPORTS,
        message: expect.stringContaining(`${MAX_CONCURRENT_REPORTS} reports in progress`),
      });
      held.release();
      for (const response of await Promise.all(running)) expect(response.statusCode).toBe(200);
    } finally {
      held.release();
    }
    expect((await post()).statusCode).toBe(200);
  });

  it('refuses a window whose samples would exceed maxWindowValues, naming the window and the limit', async () => {
    // Per window: 3 features × min(10, 4) values, and scores, predictions, their numeric
    // readings and the labelled outcomes' label, its numeric reading, score and class, 4 each:
    // 40 values.
    const request = { model: 'credit-risk', ...windows };
    await expect(runModelReport(held.storage, request, 4, 39)).rejects.toMatchObject({
      code: CollectorErrorCodes.BAD_ANALYSIS_REQUEST,
      details: {
        field: 'reference',
        limit: 'maxWindowValues',
        values: 40,
        columns: 3,
        maxWindowValues: 39,
      },
      message: expect.stringContaining('more than the 39 one window may hold even at 100 values'),
    });
    const report = await runModelReport(held.storage, request, 4, 40);
    expect(report.features.map((f) => [f.name, f.referenceCount])).toEqual([
      ['age', 4],
      ['income', 4],
      ['region', 4],
    ]);
  });

  it('samples every column of a model too wide for maxWindowSamples to what fits, and says so', async () => {
    // Per window: 3 columns × 300 and 7 output series × 300 = 3000 values over 1350: each of
    // the 10 series fits at 135.
    const request = { model: 'wide-model', ...windows };
    const report = await runModelReport(held.storage, request, 1000, 1350);
    expect(
      report.features.map((f) => [f.name, f.referenceCount, f.currentCount, f.drifted]),
    ).toEqual([
      ['age', 135, 135, false],
      ['income', 135, 135, expect.any(Boolean)],
      ['region', 135, 135, false],
    ]);
    expect(report.reference.count).toBe(300);
    expect(report.performance.reference.labelled).toBe(0);
    // No labels: no label drift, said for each window after the reduced sample.
    const unlabelled = ['missing-in-reference', 'missing-in-current'].map((reason) =>
      expect.objectContaining({ reason, column: 'label', kind: 'label' }),
    );
    expect(report.issues).toEqual([
      {
        reason: 'reduced-sample',
        window: 'reference',
        message: expect.stringContaining('sampled to at most 135 values'),
      },
      ...unlabelled,
    ]);
    expect(report.dataset.drifted).not.toBeNull();
    // Under the limit, the configured cap stands and no issue is raised.
    const full = await runModelReport(held.storage, request, 1000, 3000);
    expect(full.features.map((f) => f.referenceCount)).toEqual([300, 300, 300]);
    expect(full.issues).toEqual(unlabelled);
  });
});
