/**
 * Request span times are wall-clock times, like those of OTel's spans and of log lines, even
 * after the system clock was stepped while the process ran (an NTP sync after start-up, a
 * resumed VM): performance.now() is monotonic and does not follow such a step. The step is made
 * on Date alone (vitest's fake Date), which is what a stepped system clock looks like to Node.
 */
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanRecord } from '@driftwatch/schema';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRequestSpanStarter } from '../../src/traces/request-span-start.js';
import type { RequestSpan } from '../../src/traces/request-span.js';
import { convertSpan, spanRecordFromReadable } from '../../src/traces/span-record.js';
import { perfNowToNanoString } from '../../src/traces/span-time.js';
import type { WireJson } from '../../src/transport/wire-json.js';

const STEP_MS = 90_000;
/** Both clocks are read a few statements apart: far less than the step. */
const TOLERANCE_MS = 1000;

afterEach(() => {
  vi.useRealTimers();
});

function msOf(nanos: string): number {
  return Number(BigInt(nanos) / 1_000_000n);
}

describe('request span clock', () => {
  it('follows a step of the system clock, as its OTel children and the wall clock do', () => {
    const ended: RequestSpan[] = [];
    const start = createRequestSpanStarter({ sampleRatio: 1, onEnd: (span) => ended.push(span) });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + STEP_MS });

    const wallBefore = Date.now();
    const span = start('GET', { 'http.request.method': 'GET', 'url.path': '/' }, {});
    const child = new BasicTracerProvider()
      .getTracer('t')
      .startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, span));
    child.end();
    span.addEvent('checkpoint', new Date(Date.now()));
    span.end();
    const wallAfter = Date.now();

    const record = convertSpan(ended[0], false);
    expect(record.ok).toBe(true);
    const { startTimeUnixNano, endTimeUnixNano, events } = (record as { item: SpanRecord }).item;
    expect(msOf(startTimeUnixNano)).toBeGreaterThanOrEqual(wallBefore - TOLERANCE_MS);
    expect(msOf(endTimeUnixNano)).toBeLessThanOrEqual(wallAfter + TOLERANCE_MS);
    expect(msOf(events?.[0]?.timeUnixNano ?? '0')).toBeGreaterThanOrEqual(
      wallBefore - TOLERANCE_MS,
    );
    const childStart = msOf(
      spanRecordFromReadable(child as unknown as ReadableSpan).startTimeUnixNano,
    );
    expect(Math.abs(childStart - msOf(startTimeUnixNano))).toBeLessThan(TOLERANCE_MS);

    // The wire JSON of an unchanged span carries the same times.
    const plain = start('GET', { 'http.request.method': 'GET', 'url.path': '/' }, {});
    plain.end();
    const wire = convertSpan(ended[1], true);
    const json = JSON.parse((wire as { item: WireJson }).item.json) as SpanRecord;
    expect(msOf(json.startTimeUnixNano)).toBeGreaterThanOrEqual(wallBefore - TOLERANCE_MS);
  });
});

describe('span times before the process started', () => {
  it('are exported as valid epoch nanoseconds, to the microsecond', () => {
    const ended: RequestSpan[] = [];
    const start = createRequestSpanStarter({ sampleRatio: 1, onEnd: (span) => ended.push(span) });
    const span = start('GET', { 'http.request.method': 'GET', 'url.path': '/' }, {});
    // A message produced an hour ago, its time as HrTime (a Kafka consumer's `received` event).
    const producedS = Math.floor(Date.now() / 1000) - 3600;
    span.addEvent('produced', [producedS, 500_250_000]);
    span.end();
    const record = convertSpan(ended[0], false);
    expect(record).toMatchObject({ ok: true });
    const time = (record as { item: SpanRecord }).item.events?.[0]?.timeUnixNano ?? '';
    expect(time).toMatch(/^\d{19}$/);
    const expectedNs = BigInt(producedS) * 1_000_000_000n + 500_250_000n;
    // Placed by the wall clock's offset (whole milliseconds) and float arithmetic.
    const subMs = Number((((BigInt(time) - expectedNs) % 1_000_000n) + 1_000_000n) % 1_000_000n);
    expect(Math.min(subMs, 1_000_000 - subMs)).toBeLessThan(1000);
    expect(Math.abs(msOf(time) - producedS * 1000)).toBeLessThan(TOLERANCE_MS);
  });

  it('keep their place below a millisecond', () => {
    // A performance timestamp half a millisecond before the time origin.
    const perfMs = -(performance.timeOrigin % 1) - 0.5;
    const before = perfNowToNanoString(perfMs);
    expect(before).toMatch(/^\d{19}$/);
    const gap = BigInt(perfNowToNanoString(perfMs + 1)) - BigInt(before) - 1_000_000n;
    expect(Math.abs(Number(gap))).toBeLessThanOrEqual(1);
  });
});
