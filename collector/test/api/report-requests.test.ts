/** `POST /v1/reports` and the model routes: what a bad request or a failing storage is answered. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestCollector, type IngestCollector } from '../helpers/ingest-collector.js';

describe('analysis API answers', () => {
  let ingest: IngestCollector;
  beforeAll(async () => {
    ingest = await startIngestCollector('dw_report_requests');
  });
  afterAll(() => ingest.close());

  const report = (body: unknown) =>
    ingest.collector.app.inject({ method: 'POST', url: '/v1/reports', payload: body as object });

  it('refuses a window time past the last date, naming the field', async () => {
    for (const to of [1e20, '99999999999999999999', 8_640_000_000_000_001]) {
      const response = await report({
        model: 'credit-risk',
        reference: { from: 0, to: 1000 },
        current: { from: 1000, to },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'DW_COLLECTOR_BAD_ANALYSIS_REQUEST',
        field: 'current.to',
      });
    }
    // The last instant a Date holds is still a window's end.
    const widest = await report({
      model: 'credit-risk',
      reference: { from: 0, to: 1000 },
      current: { from: 1000, to: 8_640_000_000_000_000 },
    });
    expect(widest.statusCode).toBe(200);
  });

  it('answers a storage failure 503 DW_COLLECTOR_STORAGE_FAILED, not ClickHouse’s own code', async () => {
    const { storage } = ingest.collector;
    await storage.client.command({ query: `DROP TABLE ${storage.table('labels')}` });
    const answers = [
      await report({
        model: 'credit-risk',
        reference: { from: 0, to: 1000 },
        current: { from: 1000, to: 2000 },
      }),
      await ingest.collector.app.inject({
        method: 'GET',
        url: '/v1/models/credit-risk/labels/count',
      }),
    ];
    await storage.client.command({ query: `DROP TABLE ${storage.table('predictions')}` });
    answers.push(await ingest.collector.app.inject({ method: 'GET', url: '/v1/models' }));
    for (const response of answers) {
      expect(response.statusCode).toBe(503);
      expect(response.json().code).toBe('DW_COLLECTOR_STORAGE_FAILED');
      expect(response.json().message).toMatch(/labels|predictions/);
    }
  });
});
