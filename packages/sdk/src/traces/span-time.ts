/**
 * Span timestamps as epoch nanoseconds in decimal text (OTLP/JSON), from performance.now()
 * readings: whole milliseconds and the sub-millisecond rest are kept apart so that no float ever
 * holds the full nanosecond count (which would exceed 2^53). performance.now() is a monotonic
 * clock: timeOrigin + now() parts from the wall clock when the system clock is stepped (an NTP
 * sync after the process started, a resumed VM), so readings are placed on the wall clock by the
 * offset measured when they are converted, as OTel's spans and the log lines are.
 */
import type { HrTime, TimeInput } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';

const ORIGIN_MS = Math.trunc(performance.timeOrigin);
const ORIGIN_REST_MS = performance.timeOrigin - ORIGIN_MS;
/** Date.now() has whole milliseconds: a smaller change of the offset is its rounding, not a step. */
const OFFSET_STEP_MS = 2;

/** Wall clock minus (timeOrigin + performance.now()), in whole milliseconds. */
let wallOffsetMs = 0;

/**
 * The wall clock's offset from the performance clock, measured now (two clock reads, at
 * conversion time, never per request). Read it once per span so its times share it.
 */
export function wallClockOffsetMs(): number {
  const measured = Date.now() - (performance.timeOrigin + performance.now());
  if (Math.abs(measured - wallOffsetMs) > OFFSET_STEP_MS) wallOffsetMs = Math.round(measured);
  return wallOffsetMs;
}

/** A performance.now() reading → [epoch whole milliseconds, nanoseconds past them]. */
function epochParts(perfMs: number, offsetMs: number): [number, number] {
  const sinceOrigin = perfMs + ORIGIN_REST_MS;
  // Rounded down, not towards zero: a time before the origin keeps a rest of 0–1 ms.
  let wholeMs = Math.floor(sinceOrigin);
  let nanos = Math.round((sinceOrigin - wholeMs) * 1e6);
  if (nanos >= 1e6) {
    wholeMs += 1;
    nanos -= 1e6;
  }
  return [ORIGIN_MS + offsetMs + wholeMs, nanos];
}

/** A performance.now() reading → epoch nanoseconds as a decimal string, `offsetMs` added. */
export function perfNowToNanoString(perfMs: number, offsetMs = 0): string {
  const [epochMs, nanos] = epochParts(perfMs, offsetMs);
  // OTLP times are unsigned: a time before 1970 (an event given `new Date(-1)`) is the epoch.
  return epochMs < 0 ? '0' : `${epochMs}${String(nanos).padStart(6, '0')}`;
}

/**
 * A performance.now() reading → epoch HrTime, `offsetMs` added: for OTel spans that must share
 * the request span's clock (OTel starts a span at `Date.now()`, in whole milliseconds, so a
 * child would start up to 1 ms before its parent).
 */
export function perfNowToHrTime(perfMs: number, offsetMs = 0): HrTime {
  const [epochMs, nanos] = epochParts(perfMs, offsetMs);
  if (epochMs < 0) return [0, 0];
  return [Math.floor(epochMs / 1000), (epochMs % 1000) * 1e6 + nanos];
}

/**
 * An OTel TimeInput → a performance.now()-based reading, as the OTel SDK reads it: a number not
 * after now is a performance timestamp, a larger one epoch milliseconds; a Date is epoch time;
 * [seconds, nanoseconds] is epoch HrTime.
 */
export function timeInputToPerfMs(input: TimeInput | undefined, now: number): number {
  const perfMs = perfMsOf(input, now);
  // NaN (`end(NaN)`, an invalid Date) or ±Infinity would be written as no time and cost the span.
  return Number.isFinite(perfMs) ? perfMs : now;
}

function perfMsOf(input: TimeInput | undefined, now: number): number {
  if (input === undefined) return now;
  if (typeof input === 'number' && input <= now) return input;
  // Epoch times are wall-clock times: placed back by the offset that conversion adds.
  const origin = performance.timeOrigin + wallClockOffsetMs();
  if (typeof input === 'number') return input - origin;
  if (input instanceof Date) return input.getTime() - origin;
  if (Array.isArray(input) && input.length === 2 && typeof input[0] === 'number') {
    return input[0] * 1e3 + input[1] / 1e6 - origin;
  }
  return now;
}

/** true for what OTel accepts as a TimeInput (distinguishes `addEvent(name, time)` from attributes). */
export function isTimeInput(value: unknown): value is TimeInput {
  return (
    typeof value === 'number' ||
    value instanceof Date ||
    (Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'number')
  );
}
