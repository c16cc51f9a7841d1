/** Half-open time windows [fromMs, toMs) over prediction timestamps. */
import { CollectorError, CollectorErrorCodes } from '../errors.js';

export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Last instant a window may name: a Date's (and a prediction's `timeUnixMs`) maximum. Beyond it
 * a time is no date, and past 2^53 the query could not carry it (answered 500).
 */
export const MAX_INSTANT_MS = 8_640_000_000_000_000;

/** An ISO-8601 date-time with no offset (`2026-01-01T00:00:00`, `2026-01-01 00:00`). */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Epoch ms of an ISO-8601 text. Date.parse reads a date-time without an offset in the host's
 * time zone, so one request named other windows on a collector outside UTC: such a time is UTC,
 * as the tables are (a date alone already is).
 */
function isoMs(text: string): number {
  return Date.parse(LOCAL_DATE_TIME.test(text) ? `${text.replace(' ', 'T')}Z` : text);
}

/** Accepts epoch milliseconds or an ISO-8601 string; names the field when it cannot. */
export function parseInstant(field: string, value: unknown): number {
  const ms =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : typeof value === 'string'
          ? isoMs(value)
          : NaN;
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_INSTANT_MS) {
    throw new CollectorError(
      CollectorErrorCodes.BAD_ANALYSIS_REQUEST,
      `${field} must be epoch milliseconds (0 to ${MAX_INSTANT_MS}) or an ISO-8601 time, got ${JSON.stringify(value)}`,
      { field, value },
    );
  }
  return Math.trunc(ms);
}

export function parseWindow(
  field: string,
  value: { from?: unknown; to?: unknown } | undefined,
): TimeWindow {
  const fromMs = parseInstant(`${field}.from`, value?.from);
  const toMs = parseInstant(`${field}.to`, value?.to);
  if (toMs <= fromMs) {
    throw new CollectorError(
      CollectorErrorCodes.BAD_ANALYSIS_REQUEST,
      `${field}.to must be after ${field}.from (got ${fromMs} → ${toMs})`,
      { field, fromMs, toMs },
    );
  }
  return { fromMs, toMs };
}
