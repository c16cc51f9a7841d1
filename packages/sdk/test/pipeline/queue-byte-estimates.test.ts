/**
 * queue.maxBytes bounds what a queue really holds: item estimates count their strings (feature
 * names and values, span names, attribute values, log lines) as the UTF-8 bytes of their JSON,
 * escapes included, so a queue of large-string items is held to maxBytes of JSON, and what does
 * not fit is dropped and counted ("queue_full"). batch.maxBytes bounds the JSON body of a batch
 * the same way, its resource included.
 */
import type { LabelEvent, LogRecord, PredictionEvent, SpanRecord } from '@driftwatch/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { resolveOptions } from '../../src/options.js';
import { ExportPipeline } from '../../src/pipeline/export-pipeline.js';
import {
  init,
  type MemoryTransport,
  type Monitor,
  type TelemetryBatch,
  type Transport,
} from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const QUEUE_MAX_BYTES = 100_000;
/**
 * Characters whose JSON is longer than one byte: a CJK character is 3 bytes of UTF-8, a control
 * character is written as the 6 bytes of `\u0001`.
 */
const WIDE_CHARACTERS = [
  ['CJK characters', '\u6f22'],
  ['control characters', '\u0001'],
] as const;

type ExportedSignal = 'predictions' | 'labels' | 'spans' | 'logs';

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
});

/** A monitor whose queues only empty on flush (batches larger than the queues, a long linger). */
function queueingMonitor(exportLogs = false): Monitor {
  monitor = init(
    {
      transport: { type: 'memory' },
      queue: { maxBytes: QUEUE_MAX_BYTES, maxItems: 10_000 },
      batch: { maxItems: 10_000, maxBytes: 100_000_000, lingerMs: 60_000 },
      logs: { destination: captureLogs().destination, export: exportLogs },
      diagnostics: { destination: captureLogs().destination },
      metrics: { enabled: false },
    },
    {},
  );
  return monitor;
}

/** JSON bytes of what one signal exported. */
function exportedBytes(target: Monitor, signal: ExportedSignal): number {
  const items: Array<PredictionEvent | LabelEvent | SpanRecord | LogRecord> = (
    target.transport as MemoryTransport
  ).items(signal);
  return items.reduce((sum, item) => sum + Buffer.byteLength(JSON.stringify(item)), 0);
}

/**
 * Flushes `target`, whose queue was offered `count` items of one signal, and checks that it held
 * them to queue.maxBytes: some dropped, the rest sent, and not far below the bound either.
 */
async function expectHeldToMaxBytes(
  target: Monitor,
  count: number,
  signal: ExportedSignal,
): Promise<void> {
  const dropped = target.stats.dropped.queue_full;
  await target.flush();

  expect(dropped).toBeGreaterThan(0);
  expect(target.stats.sentItems + dropped).toBe(count);
  expect(exportedBytes(target, signal)).toBeLessThanOrEqual(QUEUE_MAX_BYTES);
  // The estimate is not so large that the queue holds much less than it could.
  expect(exportedBytes(target, signal)).toBeGreaterThan(QUEUE_MAX_BYTES * 0.5);
}

/** Records `count` requests (a span each) whose path and route hold the long segments given. */
function logRequests(target: Monitor, count: number, inPath: string, inRoute: string): void {
  for (let i = 0; i < count; i += 1) {
    const request = target.http.start({ method: 'GET', path: `/${inPath}/${i}`, headers: {} });
    request.end({ statusCode: 200, route: `/${inRoute}/:id` });
  }
}

/** Records `count` spans with a `payload` attribute, two `tag`s and a `note` event. */
function recordSpans(target: Monitor, count: number, payload: string, tag: string, note: string) {
  for (let i = 0; i < count; i += 1) {
    target.span('work', (span) => {
      span.setAttribute('payload', payload);
      span.setAttribute('tags', [tag, tag]);
      span.addEvent('note', { text: note });
    });
  }
}

describe('queue byte estimates', () => {
  it('hold a queue of predictions with long feature names and values to queue.maxBytes', async () => {
    const target = queueingMonitor();
    const count = 300;
    for (let i = 0; i < count; i += 1) {
      target.logPrediction({
        model: 'risk',
        modelVersion: '3',
        features: { ['feature-name-'.padEnd(100, 'n')]: 'v'.repeat(1000), age: i },
        prediction: 1,
      });
    }
    await expectHeldToMaxBytes(target, count, 'predictions');
  });

  it('hold a queue of labels with long string labels to queue.maxBytes', async () => {
    const target = queueingMonitor();
    const count = 300;
    for (let i = 0; i < count; i += 1) target.logLabel(`prediction-${i}`, 'l'.repeat(1000));
    await expectHeldToMaxBytes(target, count, 'labels');
  });

  it('hold a queue of request spans with long paths and routes to queue.maxBytes', async () => {
    const target = queueingMonitor();
    const count = 30;
    logRequests(target, count, 'p'.repeat(8000), 'r'.repeat(8000));
    await expectHeldToMaxBytes(target, count, 'spans');
  });

  it('hold a queue of spans with long attribute and event values to queue.maxBytes', async () => {
    const target = queueingMonitor();
    const count = 30;
    recordSpans(target, count, 'a'.repeat(6000), 't'.repeat(1000), 'e'.repeat(2000));
    await expectHeldToMaxBytes(target, count, 'spans');
  });
});

describe('queue byte estimates of strings that are more bytes than characters', () => {
  it.each(WIDE_CHARACTERS)(
    'hold a queue of predictions with %s in feature values to queue.maxBytes',
    async (_kind, character) => {
      const target = queueingMonitor();
      const count = 100;
      for (let i = 0; i < count; i += 1) {
        target.logPrediction({
          model: 'risk',
          modelVersion: '3',
          features: { text: character.repeat(1000), age: i },
          prediction: 1,
        });
      }
      await expectHeldToMaxBytes(target, count, 'predictions');
    },
  );

  it.each(WIDE_CHARACTERS)(
    'hold a queue of spans with %s in attribute and event values to queue.maxBytes',
    async (_kind, character) => {
      const target = queueingMonitor();
      const count = 30;
      recordSpans(
        target,
        count,
        character.repeat(3000),
        character.repeat(500),
        character.repeat(1000),
      );
      await expectHeldToMaxBytes(target, count, 'spans');
    },
  );

  it('hold a queue of request spans with CJK paths and routes to queue.maxBytes', async () => {
    const target = queueingMonitor();
    const count = 30;
    logRequests(target, count, '\u6f22'.repeat(3000), '\u6f22'.repeat(3000));
    await expectHeldToMaxBytes(target, count, 'spans');
  });

  it('hold a queue of log lines with CJK text to queue.maxBytes', async () => {
    const target = queueingMonitor(true);
    const count = 100;
    for (let i = 0; i < count; i += 1) {
      target.logger.info({ text: '\u6f22'.repeat(1000) }, `line ${i}`);
    }
    await expectHeldToMaxBytes(target, count, 'logs');
  });
});

describe('batch byte estimates', () => {
  const BATCH_MAX_BYTES = 64 * 1024;

  /** A transport that keeps the JSON size of every batch body it is given. */
  function measuringTransport(bodies: number[]): Transport {
    return {
      name: 'measuring',
      send: (batch: TelemetryBatch) => {
        bodies.push(Buffer.byteLength(JSON.stringify(batch)));
        return Promise.resolve({ ok: true });
      },
      isReady: () => true,
      shutdown: () => Promise.resolve(),
    };
  }

  it.each(WIDE_CHARACTERS)(
    'keep the JSON body of each batch within batch.maxBytes with %s in feature values',
    async (_kind, character) => {
      const bodies: number[] = [];
      monitor = init(
        {
          // A resource of multi-byte names, sent in every batch beside the items.
          serviceName: '\u6f22'.repeat(128),
          environment: '\u6f22'.repeat(128),
          transport: measuringTransport(bodies),
          batch: { maxBytes: BATCH_MAX_BYTES, lingerMs: 60_000 },
          logs: { destination: captureLogs().destination, export: false },
          diagnostics: { destination: captureLogs().destination },
          metrics: { enabled: false },
        },
        {},
      );
      const features = Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`f${i}`, character.repeat(1000)]),
      );
      for (let i = 0; i < 40; i += 1) {
        monitor.logPrediction({ model: 'm', modelVersion: '1', features, prediction: i });
      }
      await monitor.flush();

      expect(monitor.stats.sentItems).toBe(40);
      expect(bodies.length).toBeGreaterThan(1);
      expect(Math.max(...bodies)).toBeLessThanOrEqual(BATCH_MAX_BYTES);
      // The estimate is not so large that batches carry much less than they could.
      expect(Math.max(...bodies)).toBeGreaterThan(BATCH_MAX_BYTES * 0.5);
    },
  );

  it('count the resource and the signal arrays of a batch against batch.maxBytes', async () => {
    const bodies: number[] = [];
    const options = resolveOptions({}, {});
    const resource = { 'service.name': 's'.repeat(2000) };
    const pipeline = new ExportPipeline({
      queue: options.queue,
      batch: { maxItems: 1000, maxBytes: 10_000, lingerMs: 60_000 },
      retry: options.retry,
      resource,
      diagnostics: createDiagnostics('info', captureLogs().destination),
    });
    pipeline.setTransport(measuringTransport(bodies));
    // Estimates that are the items' exact JSON bytes, with the comma that separates them.
    for (let i = 0; i < 20; i += 1) {
      const label = { predictionId: `p-${i}`, label: 'x'.repeat(1000), timeUnixMs: 1 };
      pipeline.enqueue('labels', label, Buffer.byteLength(JSON.stringify(label)) + 1);
    }
    await pipeline.flush();
    await pipeline.shutdown(1000);

    expect(pipeline.stats.sentItems).toBe(20);
    expect(Math.max(...bodies)).toBeLessThanOrEqual(10_000);
    expect(Math.max(...bodies)).toBeGreaterThan(10_000 - 1100);
  });
});
