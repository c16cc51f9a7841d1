/**
 * The answer lists the first rejected items, not all of them, and says how many were rejected in
 * `rejectedTotal`: the SDK reads at most 1 MiB of an answer, and a longer one left every item it
 * refused counted as sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestCollector, type IngestCollector } from '../helpers/ingest-collector.js';
import { logRecord, prediction, spanRecord } from '../helpers/events.js';

const MIB = 1024 * 1024;

interface Answer {
  accepted: Record<string, number>;
  rejected: Array<{ signal: string; index: number; issues: Array<{ path: string }> }>;
  rejectedTotal: number;
}

describe('POST /v1/ingest answering many rejected items', () => {
  let ingest: IngestCollector;
  beforeAll(async () => {
    ingest = await startIngestCollector('dw_rejected_cap');
  });
  afterAll(() => ingest.close());

  const invalid = (n: number) =>
    Array.from({ length: n }, () => ({ ...prediction(), score: 'high' }));

  it('lists the first 1000 rejected items of a 202 and counts them all', async () => {
    const response = await ingest.post({ predictions: [...invalid(1500), prediction()] });
    expect(response.statusCode).toBe(202);
    const answer = response.json<Answer>();
    expect(answer.accepted.predictions).toBe(1);
    expect(answer.rejectedTotal).toBe(1500);
    expect(answer.rejected).toHaveLength(1000);
    expect(answer.rejected.map((r) => r.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('lists the same way in a 400 where every item was rejected', async () => {
    const response = await ingest.post({ predictions: invalid(1200) });
    expect(response.statusCode).toBe(400);
    const answer = response.json<Answer & { code: string }>();
    expect(answer.code).toBe('DW_COLLECTOR_BAD_EVENT');
    expect(answer.rejectedTotal).toBe(1200);
    expect(answer.rejected).toHaveLength(1000);
  });

  it('lists at most 10 issues of an item', async () => {
    const late = '4294967296000000000';
    const events = Array.from({ length: 30 }, () => ({ name: 'late', timeUnixNano: late }));
    const response = await ingest.post({ spans: [{ ...spanRecord, events }], logs: [logRecord] });
    expect(response.statusCode).toBe(202);
    const answer = response.json<Answer>();
    expect(answer.rejectedTotal).toBe(1);
    expect(answer.rejected[0]?.issues).toHaveLength(10);
  });

  it('keeps the answer well under 1 MiB when each listed item is long', async () => {
    // Ten refused attributes with 256-character keys per log: each issue names its key.
    const attributes = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`${'k'.repeat(250)}-${i}`, { nested: true }]),
    );
    const logs = Array.from({ length: 1000 }, () => ({ ...logRecord, attributes }));
    const response = await ingest.post({ logs: [...logs, logRecord] });
    expect(response.statusCode).toBe(202);
    expect(Buffer.byteLength(response.body)).toBeLessThan(MIB / 2 + 1024);
    const answer = response.json<Answer>();
    expect(answer.rejectedTotal).toBe(1000);
    expect(answer.rejected.length).toBeGreaterThan(100);
    expect(answer.rejected.length).toBeLessThan(1000);
    // The listed ones are the first ones, each with its issues.
    expect(answer.rejected.map((r) => r.index)).toEqual(
      Array.from({ length: answer.rejected.length }, (_, i) => i),
    );
    expect(answer.rejected.every((r) => r.issues.length === 10)).toBe(true);
  });
});
