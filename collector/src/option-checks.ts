/** Checks shared by the collector's option resolvers: each failure names the field, the value and what was expected. */
import { CollectorError, CollectorErrorCodes } from './errors.js';

export function invalid(field: string, value: unknown, expected: string): CollectorError {
  return new CollectorError(
    CollectorErrorCodes.INVALID_OPTION,
    `invalid collector option ${field}=${JSON.stringify(value)}: expected ${expected}`,
    { field, value, expected },
  );
}

export function integer(field: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw invalid(field, value, `an integer in [${min}, ${max}]`);
  }
  return n;
}

export function text(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw invalid(field, value, 'a non-empty string');
  return value;
}

/**
 * One field's value: code > environment > config file > default. An empty variable is unset, as
 * in the SDK: compose passes `${VAR:-}` for an unset one, and an empty DRIFTWATCH_INGEST_TOKEN hid
 * the config file's token (ingest left open).
 */
export function pick<T>(
  code: T | undefined,
  envValue: string | undefined,
  fileValue: T | undefined,
  fallback: T,
): T | string {
  return code ?? (envValue === '' ? undefined : envValue) ?? fileValue ?? fallback;
}
