/**
 * A converter that throws at batch time costs its own item only: it is dropped and counted as
 * "invalid" with one diagnostic naming the signal and the error, and the rest of the batch is
 * still sent (the items had already left their queue, so an escaped error would lose them all).
 */
import { describe, expect, it } from 'vitest';
import { createMemoryTransport } from '../../src/transport/memory-transport.js';
import { testPipeline } from '../support/test-pipeline.js';

describe('export pipeline', () => {
  it('drops and counts an item whose conversion throws, and sends the rest of its batch', async () => {
    const transport = createMemoryTransport();
    const { pipeline, diagnostics: logs } = testPipeline(
      { batch: { lingerMs: 60_000 } },
      transport,
      {
        labels: (entry) => {
          const label = entry as { predictionId: string };
          if (label.predictionId.startsWith('bad'))
            throw new TypeError(`cannot convert ${label.predictionId}`);
          return { ok: true, item: entry };
        },
      },
    );
    for (const predictionId of ['p-1', 'bad-1', 'p-2', 'bad-2', 'p-3']) {
      pipeline.enqueue('labels', { predictionId, label: 1, timeUnixMs: 1 }, 100);
    }
    await pipeline.flush();

    expect(transport.items('labels').map((label) => label.predictionId)).toEqual([
      'p-1',
      'p-2',
      'p-3',
    ]);
    expect(pipeline.stats).toMatchObject({ sentItems: 3, sentBatches: 1 });
    expect(pipeline.stats.dropped.invalid).toBe(2);
    const warnings = logs.lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      signal: 'labels',
      msg: 'driftwatch: dropped an invalid labels item: conversion failed: cannot convert bad-1',
    });
    expect(logs.lines.some((line) => String(line.msg).includes('export loop failed'))).toBe(false);
    await pipeline.shutdown(100);
  });
});
