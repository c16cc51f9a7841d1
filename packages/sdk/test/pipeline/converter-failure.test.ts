/**
 * A converter that throws at batch time costs its own item only: it is dropped and counted as
 * "invalid" with one diagnostic naming the signal and the error, and the rest of the batch is
 * still sent (the items had already left their queue, so an escaped error would lose them all).
 */
import { describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { resolveOptions } from '../../src/options.js';
import { ExportPipeline } from '../../src/pipeline/export-pipeline.js';
import { createMemoryTransport } from '../../src/transport/memory-transport.js';
import { captureLogs } from '../support/log-capture.js';

describe('export pipeline', () => {
  it('drops and counts an item whose conversion throws, and sends the rest of its batch', async () => {
    const options = resolveOptions({ batch: { lingerMs: 60_000 } }, {});
    const logs = captureLogs();
    const pipeline = new ExportPipeline({
      queue: options.queue,
      batch: options.batch,
      retry: options.retry,
      resource: { 'service.name': 'svc' },
      diagnostics: createDiagnostics('info', logs.destination),
      converters: {
        labels: (entry) => {
          const label = entry as { predictionId: string };
          if (label.predictionId.startsWith('bad'))
            throw new TypeError(`cannot convert ${label.predictionId}`);
          return { ok: true, item: entry };
        },
      },
    });
    const transport = createMemoryTransport();
    pipeline.setTransport(transport);
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
