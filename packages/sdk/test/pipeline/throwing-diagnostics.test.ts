/**
 * A diagnostics destination whose write throws (a pino.destination the host destroyed: "SonicBoom
 * destroyed"): reporting must cost nothing, neither an item counted twice or lost nor an
 * unhandled rejection that ends the host's process.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { createDiagnostics, type Diagnostics } from '../../src/logs/diagnostics.js';
import { resolveOptions } from '../../src/options.js';
import { ExportPipeline, type Converter } from '../../src/pipeline/export-pipeline.js';
import { createMemoryTransport } from '../../src/transport/memory-transport.js';
import { captureLogs } from '../support/log-capture.js';
import { collectUncaught } from '../support/uncaught-errors.js';

/** A destination the host closed: every write throws, as a destroyed SonicBoom's does. */
const closedDestination = {
  write(): void {
    throw new Error('SonicBoom destroyed');
  },
};

const uncaught = collectUncaught();
beforeEach(() => {
  uncaught.errors.splice(0);
});
afterAll(() => uncaught.stop());

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 500 });
  monitor = undefined;
});

/** Lets a rejection nobody handled reach the process ('unhandledRejection' comes after microtasks). */
const turn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

/** Labels pass; an entry `{ bad: true }` is refused, which the pipeline reports. */
const refuseBad: Converter = (entry) =>
  (entry as { bad?: boolean }).bad
    ? { ok: false, issue: '/bad: refused' }
    : { ok: true, item: entry };

function pipelineWith(diagnostics: Diagnostics): {
  pipeline: ExportPipeline;
  transport: MemoryTransport;
} {
  const options = resolveOptions({ batch: { lingerMs: 10 } }, {});
  const pipeline = new ExportPipeline({
    queue: options.queue,
    batch: options.batch,
    retry: options.retry,
    resource: { 'service.name': 'svc' },
    diagnostics,
    converters: { labels: refuseBad },
  });
  const transport = createMemoryTransport();
  pipeline.setTransport(transport);
  return { pipeline, transport };
}

const label = (n: number, bad = false) => ({
  predictionId: `p-${n}`,
  label: 1,
  timeUnixMs: 1,
  bad,
});

describe('a diagnostics destination whose write throws', () => {
  it('the diagnostic logger throws nothing at any level', () => {
    const diagnostics = createDiagnostics('debug', closedDestination);
    expect(() => {
      diagnostics.error({ err: new Error('failed') }, 'error line');
      diagnostics.warn('warn line');
      diagnostics.info({ a: 1 }, 'info line');
      diagnostics.debug('debug line');
    }).not.toThrow();
  });

  it('an invalid prediction is counted once', () => {
    monitor = init(
      {
        transport: { type: 'memory' },
        metrics: { enabled: false },
        logs: { destination: captureLogs().destination, export: false },
        diagnostics: { destination: closedDestination },
      },
      {},
    );
    monitor.logPrediction({
      model: 'm',
      modelVersion: '1',
      features: { a: {} as never },
      prediction: 1,
    });
    expect(monitor.stats.dropped.invalid).toBe(1);
  });

  it('a batch holding an invalid item is still sent, the invalid one counted once', async () => {
    const { pipeline, transport } = pipelineWith(createDiagnostics('info', closedDestination));
    pipeline.enqueue('labels', label(1), 100);
    pipeline.enqueue('labels', label(2, true), 100);
    pipeline.enqueue('labels', label(3), 100);
    await pipeline.flush();
    await turn();
    expect(transport.items('labels').map((item) => item.predictionId)).toEqual(['p-1', 'p-3']);
    expect(pipeline.stats.sentItems).toBe(2);
    expect(pipeline.stats.dropped.invalid).toBe(1);
    expect(uncaught.errors).toEqual([]);
    await pipeline.shutdown(100);
  });

  it('a diagnostics object that throws (not made by createDiagnostics) rejects nothing', async () => {
    const throwing = (): never => {
      throw new Error('diagnostics failed');
    };
    const { pipeline } = pipelineWith({
      error: throwing,
      warn: throwing,
      info: throwing,
      debug: throwing,
    } as unknown as Diagnostics);
    pipeline.enqueue('labels', label(1), 100);
    pipeline.enqueue('labels', label(2, true), 100);
    pipeline.enqueue('labels', label(3), 100);
    await pipeline.flush();
    await turn();
    expect(uncaught.errors).toEqual([]);
    // Every item is accounted for: the report that threw cost no item of the batch.
    expect(pipeline.stats.sentItems).toBe(2);
    expect(pipeline.stats.dropped.invalid).toBe(1);
    await pipeline.shutdown(100);
  });
});
