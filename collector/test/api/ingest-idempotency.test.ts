/**
 * `idempotency-key` on POST /v1/ingest: a batch sent again with its key (a retry after a lost
 * answer) is stored once; without a key, or with another one, each send is stored; a key sent
 * again with another body is not taken for the same batch; a malformed key is refused, naming
 * the header. Embedded ClickHouse (chDB).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type CollectorApp } from '../../src/app.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';
import { logRecord, metricPoint, spanRecord } from '../helpers/events.js';

let collector: CollectorApp;
let dispose: () => Promise<void>;

beforeAll(async () => {
  const temp = await openTempStorage('dw_ingest_idempotency');
  dispose = temp.dispose;
  collector = await buildApp({ storageInstance: temp.storage, logLevel: 'silent' });
});

afterAll(async () => {
  await collector.app.close();
  await dispose();
});

/** A batch of one log record, span and metric point, all marked with `service`. */
function batch(service: string, logs = 1) {
  return {
    resource: { 'service.name': service },
    logs: Array.from({ length: logs }, () => logRecord),
    spans: [spanRecord],
    metrics: [metricPoint],
  };
}

const post = (body: unknown, key?: string) =>
  collector.app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    payload: JSON.stringify(body),
  });

/** Rows of `service` in each OTel table. */
async function rows(service: string): Promise<number[]> {
  const where = `ServiceName = '${service}'`;
  return Promise.all(
    ['otel_logs', 'otel_traces', 'otel_metrics'].map((table) =>
      count(collector.storage, table, where),
    ),
  );
}

describe('POST /v1/ingest with an idempotency-key', () => {
  it('a batch sent again with its key is stored once (quoted, as the SDK sends it, or bare)', async () => {
    for (const key of ['"3f1c9a52-0d7e-4b8e-9a41-5c2f6e1d7b90"', 'order-7731/attempt']) {
      const service = `svc-retried-${key.length}`;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect((await post(batch(service), key)).statusCode).toBe(202);
      }
      expect(await rows(service)).toEqual([1, 1, 1]);
    }
  });

  it('without a key, or with a new one each time, every send is stored', async () => {
    await post(batch('svc-unkeyed'));
    await post(batch('svc-unkeyed'));
    expect(await rows('svc-unkeyed')).toEqual([2, 2, 2]);
    await post(batch('svc-two-keys'), '"key-a"');
    await post(batch('svc-two-keys'), '"key-b"');
    expect(await rows('svc-two-keys')).toEqual([2, 2, 2]);
  });

  it('a key sent again with another body is not taken for the same batch', async () => {
    await post(batch('svc-reused-key', 1), '"reused"');
    await post(batch('svc-reused-key', 2), '"reused"');
    expect(await rows('svc-reused-key')).toEqual([3, 2, 2]);
  });

  it.each([
    ['empty', '""'],
    ['too long', `"${'k'.repeat(129)}"`],
    ['a space inside', '"two words"'],
    ['a quote inside', '"a"b"'],
    ['a backslash', 'a\\b'],
    ['non-ASCII', '"clé"'],
  ])('a malformed key (%s) is refused with 400, nothing stored', async (_case, key) => {
    const response = await post(batch('svc-bad-key'), key);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'DW_COLLECTOR_BAD_BATCH',
      message: expect.stringMatching(/^idempotency-key header: expected 1–128 visible ASCII/),
    });
    expect(await rows('svc-bad-key')).toEqual([0, 0, 0]);
  });
});
