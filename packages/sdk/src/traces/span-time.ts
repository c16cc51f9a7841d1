/**
 * Span timestamps as epoch nanoseconds in decimal text (OTLP/JSON), from performance.now()
 * readings: whole milliseconds and the sub-millisecond rest are kept apart so that no float ever
 * holds the full nanosecond count (which would exceed 2^53).
 */
import type { TimeInput } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';

const ORIGIN_MS = Math.trunc(performance.timeOrigin);
const ORIGIN_REST_MS = performance.timeOrigin - ORIGIN_MS;

/** A performance.now() reading → epoch nanoseconds as a decimal string. */
export function perfNowToNanoString(perfMs: number): string {
  const sinceOrigin = perfMs + ORIGIN_REST_MS;
  let wholeMs = Math.trunc(sinceOrigin);
  let nanos = Math.round((sinceOrigin - wholeMs) * 1e6);
  if (nanos >= 1e6) {
    wholeMs += 1;
    nanos -= 1e6;
  }
  return `${ORIGIN_MS + wholeMs}${String(nanos).padStart(6, '0')}`;
}

/**
 * An OTel TimeInput → a performance.now()-based reading, as the OTel SDK reads it: a number not
 * after now is a performance timestamp, a larger one epoch milliseconds; a Date is epoch time;
 * [seconds, nanoseconds] is epoch HrTime.
 */
export function timeInputToPerfMs(input: TimeInput | undefined, now: number): number {
  if (input === undefined) return now;
  if (typeof input === 'number') return input <= now ? input : input - performance.timeOrigin;
  if (input instanceof Date) return input.getTime() - performance.timeOrigin;
  if (Array.isArray(input) && input.length === 2 && typeof input[0] === 'number') {
    return input[0] * 1e3 + input[1] / 1e6 - performance.timeOrigin;
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
