/**
 * A span's queue estimate is of what will be sent: values are clipped on export (strings to 8192
 * characters, arrays to 128 items, names to 1024, keys over 256 left out), so a span given a
 * megabyte string must count a few kilobytes against queue.maxBytes, not a megabyte. Counted
 * unclipped, it is dropped as too_large though it would have fit, and a few of them push valid
 * spans out of the queue as queue_full. Counted clipped, a queued span must also hold no more
 * than that: V8 keeps the whole string a slice was cut from alive.
 */
import type { Span } from '@opentelemetry/api';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SpanRecord } from '@driftwatch/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const QUEUE_MAX_BYTES = 100_000;
const MEGABYTE = 'm'.repeat(1024 * 1024);
const MANY_ITEMS = Array.from({ length: 100_000 }, (_, i) => i);
const COUNT = 30;

let monitor: Monitor | undefined;
afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
});

/** A monitor whose queues only empty on flush (batches larger than the queues, a long linger). */
function queueingMonitor(maxBytes = QUEUE_MAX_BYTES): Monitor {
  monitor = init(
    {
      transport: { type: 'memory' },
      queue: { maxBytes, maxItems: 10_000 },
      batch: { maxItems: 10_000, maxBytes: 100_000_000, lingerMs: 60_000 },
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: captureLogs().destination },
      metrics: { enabled: false },
    },
    {},
  );
  return monitor;
}

/**
 * Flushes `target`, offered COUNT spans of one kind: none may be refused as too large, what was
 * sent stays within queue.maxBytes, and the queue held about as many as fit once clipped.
 */
async function expectCountedClipped(target: Monitor): Promise<SpanRecord[]> {
  await target.flush();
  const spans = (target.transport as MemoryTransport).items('spans') as SpanRecord[];
  const bytes = spans.map((span) => Buffer.byteLength(JSON.stringify(span)));
  const total = bytes.reduce((sum, size) => sum + size, 0);
  expect(target.stats.dropped.too_large).toBe(0);
  expect(target.stats.dropped.invalid).toBe(0);
  expect(spans.length + target.stats.dropped.queue_full).toBe(COUNT);
  expect(total).toBeLessThanOrEqual(QUEUE_MAX_BYTES);
  const fit = Math.floor(QUEUE_MAX_BYTES / Math.max(...bytes));
  expect(spans.length).toBeGreaterThanOrEqual(Math.min(COUNT, Math.floor(fit * 0.5)));
  return spans;
}

const OVERSIZED: Array<[string, (span: Span) => void]> = [
  ['an attribute string', (span) => span.setAttribute('payload', MEGABYTE)],
  ['a string in an attribute array', (span) => span.setAttribute('payload', ['a', MEGABYTE])],
  ['an attribute array of many items', (span) => span.setAttribute('payload', MANY_ITEMS)],
  ['an attribute key', (span) => span.setAttribute(MEGABYTE, 'left out')],
  ['a span name', (span) => span.updateName(MEGABYTE)],
  ['an event name', (span) => span.addEvent(MEGABYTE)],
  ['an event attribute', (span) => span.addEvent('note', { payload: MEGABYTE })],
  ['a status message', (span) => span.setStatus({ code: 2, message: MEGABYTE })],
];

describe('queue estimates of spans given oversized values', () => {
  it.each(OVERSIZED)('monitor.span: %s counts as clipped', async (_kind, give) => {
    const target = queueingMonitor();
    for (let i = 0; i < COUNT; i += 1) target.span('work', (span) => give(span));
    await expectCountedClipped(target);
  });

  it.each(OVERSIZED)('tracer.startSpan: %s counts as clipped', async (_kind, give) => {
    const target = queueingMonitor();
    for (let i = 0; i < COUNT; i += 1) {
      const span = target.tracer.startSpan('work');
      give(span);
      span.end();
    }
    await expectCountedClipped(target);
  });

  it.each(OVERSIZED)("a request's SERVER span: %s counts as clipped", async (_kind, give) => {
    const target = queueingMonitor();
    for (let i = 0; i < COUNT; i += 1) {
      const request = target.http.start({ method: 'GET', path: `/p/${i}`, headers: {} });
      give(request.store.span);
      request.end({ statusCode: 200, route: '/p/:id' });
    }
    await expectCountedClipped(target);
  });

  it('a 9 MB attribute is sent clipped, not dropped as too large', async () => {
    const target = queueingMonitor();
    target.span('big', (span) => span.setAttribute('payload', 'a'.repeat(9 * 1024 * 1024)));
    await target.flush();
    const spans = (target.transport as MemoryTransport).items('spans') as SpanRecord[];
    expect(target.stats.dropped.too_large).toBe(0);
    expect(spans.map((span) => span.attributes?.payload)).toEqual(['a'.repeat(8192)]);
  });
});

describe('memory held by queued spans given oversized values', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const SPANS = 20;
  const MB = 1024 * 1024;

  function heldBytes(): number {
    gc();
    const { heapUsed, external } = process.memoryUsage();
    return heapUsed + external;
  }

  /**
   * Queues SPANS monitor.span spans and SPANS request spans, each handed its own megabyte string
   * by `give` (the test keeps none of them), and returns the memory they hold once queued.
   */
  function queuedBytes(give: (span: Span, big: string) => void): number {
    const target = queueingMonitor(MB);
    const before = heldBytes();
    for (let i = 0; i < SPANS; i += 1) {
      target.span('held', (span) => give(span, `${i}-`.padEnd(MB, 'b')));
      const request = target.http.start({ method: 'GET', path: '/held', headers: {} });
      give(request.store.span, `${i}+`.padEnd(MB, 'b'));
      request.end({ statusCode: 200, route: '/held' });
    }
    const held = heldBytes() - before;
    expect(target.stats.dropped.too_large + target.stats.dropped.queue_full).toBe(0);
    return held;
  }

  it.each([
    ['an attribute string', (span: Span, big: string) => span.setAttribute('payload', big)],
    ['a string in an attribute array', (span: Span, big: string) => span.setAttribute('a', [big])],
    ['an event attribute', (span: Span, big: string) => span.addEvent('note', { payload: big })],
    ['an event name', (span: Span, big: string) => span.addEvent(big)],
    ['a span name', (span: Span, big: string) => span.updateName(big)],
    ['a status message', (span: Span, big: string) => span.setStatus({ code: 2, message: big })],
  ])('%s: the queued spans hold what is sent, not the megabytes given', (_kind, give) => {
    // 40 spans of about 8 KB each, against the 40 MB they were given.
    expect(queuedBytes(give)).toBeLessThan(10 * MB);
  });
});
