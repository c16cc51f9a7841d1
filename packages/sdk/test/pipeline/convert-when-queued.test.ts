/**
 * For a transport that takes wire JSON, entries are converted when queued, not at batch time: the
 * request's own objects then die with the request instead of waiting for their batch (V8 would
 * otherwise allocate them in the old generation; see the SDK's bench/PERFORMANCE.md, "What was
 * tried"). Each entry is converted exactly once, whatever its converter makes of it (wire JSON,
 * a record, or a refusal), and entries queued before the transport is known are converted at
 * batch time.
 */
import { describe, expect, it } from 'vitest';
import type { Converter } from '../../src/pipeline/export-pipeline.js';
import type { TelemetryBatch, Transport } from '../../src/transport/transport.js';
import { WireJson } from '../../src/transport/wire-json.js';
import { testPipeline } from '../support/test-pipeline.js';

interface Entry {
  readonly id: string;
  /** What the converter makes of it. */
  readonly as: 'wire' | 'record' | 'refused';
}

/** A transport that takes wire JSON and keeps what it was sent. */
function wireTransport(): Transport & { readonly batches: TelemetryBatch[] } {
  const batches: TelemetryBatch[] = [];
  return {
    name: 'wire-test',
    acceptsWireJson: true,
    batches,
    send(batch) {
      batches.push(batch);
      return Promise.resolve({ ok: true });
    },
    isReady: () => true,
    shutdown: () => Promise.resolve(),
  };
}

/** A logs converter that records each call (entry id and when it ran). */
function countingConverter(phase: { queued: boolean }): {
  convert: Converter;
  calls: Array<{ id: string; whileQueuing: boolean }>;
} {
  const calls: Array<{ id: string; whileQueuing: boolean }> = [];
  const convert: Converter = (raw, wire) => {
    const entry = raw as Entry;
    calls.push({ id: entry.id, whileQueuing: phase.queued });
    if (entry.as === 'refused') return { ok: false, issue: `refused ${entry.id}` };
    if (entry.as === 'wire' && wire)
      return { ok: true, item: new WireJson(`{"body":"${entry.id}"}`, null) };
    return { ok: true, item: { body: entry.id, timeUnixNano: '1' } };
  };
  return { convert, calls };
}

describe('export pipeline: conversion when queued', () => {
  it('converts each entry once, as it is queued, for a wire JSON transport', async () => {
    const transport = wireTransport();
    const phase = { queued: true };
    const { convert, calls } = countingConverter(phase);
    const { pipeline } = testPipeline({ batch: { lingerMs: 60_000 } }, transport, {
      logs: convert,
    });
    const entries: Entry[] = [
      { id: 'w1', as: 'wire' },
      { id: 'r1', as: 'record' },
      { id: 'x1', as: 'refused' },
      { id: 'w2', as: 'wire' },
    ];
    for (const entry of entries) pipeline.enqueue('logs', entry, 100);

    expect(calls).toEqual(entries.map(({ id }) => ({ id, whileQueuing: true })));
    // A refused entry never takes a place in the queue.
    expect(pipeline.queued('logs')).toBe(3);
    expect(pipeline.stats.dropped.invalid).toBe(1);

    phase.queued = false;
    await pipeline.flush();
    // Nothing converted again at batch time: a record is not taken for an entry.
    expect(calls).toHaveLength(4);
    const sent = transport.batches.flatMap((batch) => batch.logs as unknown[]);
    expect(sent).toEqual([
      new WireJson('{"body":"w1"}', null),
      { body: 'r1', timeUnixNano: '1' },
      new WireJson('{"body":"w2"}', null),
    ]);
    expect(pipeline.stats).toMatchObject({ sentItems: 3 });
    await pipeline.shutdown(100);
  });

  it('converts entries queued before the transport is known at batch time, once', async () => {
    const transport = wireTransport();
    const phase = { queued: true };
    const { convert, calls } = countingConverter(phase);
    let loaded!: (transport: Transport) => void;
    const { pipeline } = testPipeline(
      { batch: { lingerMs: 60_000 } },
      new Promise<Transport>((resolve) => (loaded = resolve)),
      { logs: convert },
    );
    pipeline.enqueue('logs', { id: 'early', as: 'wire' } satisfies Entry, 100);
    expect(calls).toEqual([]);

    loaded(transport);
    await Promise.resolve();
    pipeline.enqueue('logs', { id: 'late', as: 'wire' } satisfies Entry, 100);
    expect(calls).toEqual([{ id: 'late', whileQueuing: true }]);

    phase.queued = false;
    await pipeline.flush();
    expect(calls).toEqual([
      { id: 'late', whileQueuing: true },
      { id: 'early', whileQueuing: false },
    ]);
    const sent = transport.batches.flatMap((batch) => batch.logs as unknown[]);
    expect(sent).toEqual([
      new WireJson('{"body":"early"}', null),
      new WireJson('{"body":"late"}', null),
    ]);
    await pipeline.shutdown(100);
  });
});
