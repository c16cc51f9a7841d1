/** Half-open time windows [fromMs, toMs) over prediction timestamps. */
import { CollectorError, CollectorErrorCodes } from '../errors.js';

export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Accepts epoch milliseconds or an ISO-8601 string; names the field when it cannot. */
export function parseInstant(field: string, value: unknown): number {
  const ms =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : typeof value === 'string'
          ? Date.parse(value)
          : NaN;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new CollectorError(
      CollectorErrorCodes.BAD_ANALYSIS_REQUEST,
      `${field} must be epoch milliseconds or an ISO-8601 time, got ${JSON.stringify(value)}`,
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
