/** What the pipeline makes of a transport's answer to `send()`. */
import { SIGNALS, type Signal } from '@driftwatch/schema';
import { describeValue } from '../errors.js';
import {
  transportName,
  type RejectedItem,
  type SendResult,
  type TelemetryBatch,
  type Transport,
} from '../transport/transport.js';

/**
 * A custom transport's answer as the pipeline reads it, every field checked: anything but an
 * object with a boolean `ok` (a `send` that returns nothing) fails the batch, counted and
 * reported, instead of throwing where no one counts what it held. A count that is not a finite
 * number is none (a NaN would make `sentItems` NaN for good), a failure without an Error gets one
 * naming the transport, and a rejected entry counts only when it names an item of `batch`, once.
 */
export function checkedResult(
  transport: Transport,
  result: unknown,
  batch: TelemetryBatch,
): SendResult {
  if (
    typeof result !== 'object' ||
    result === null ||
    typeof (result as { ok?: unknown }).ok !== 'boolean'
  ) {
    const got =
      typeof result === 'object' && result !== null && !Array.isArray(result)
        ? 'an object without a boolean ok'
        : describeValue(result);
    return {
      ok: false,
      retryable: false,
      error: new Error(
        `transport ${transportName(transport)} answered send() with ${got}, expected { ok: true } or { ok: false, retryable, error }`,
      ),
    };
  }
  const answer = result as Record<string, unknown>;
  const droppedTooLarge = count(answer.droppedTooLarge);
  if (answer.ok === true) {
    const rejected = rejectedItems(answer.rejected, batch);
    const rejectedUnlisted = count(answer.rejectedUnlisted);
    return {
      ok: true,
      ...(rejected.length > 0 ? { rejected } : {}),
      ...(rejectedUnlisted > 0 ? { rejectedUnlisted } : {}),
      ...(droppedTooLarge > 0 ? { droppedTooLarge } : {}),
    };
  }
  const { retryAfterMs } = answer;
  const delivered = count(answer.delivered);
  return {
    ok: false,
    retryable: answer.retryable === true,
    error: failureError(transport, answer.error),
    // NaN or negative: none (the pipeline treats it so); Infinity is capped there.
    ...(typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? { retryAfterMs } : {}),
    ...(answer.tooLarge === true ? { tooLarge: true } : {}),
    ...(delivered > 0 ? { delivered } : {}),
    ...(droppedTooLarge > 0 ? { droppedTooLarge } : {}),
  };
}

/** A whole count of items: anything but a finite positive number is 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** The failure's Error; a string, another value or none is described under the transport's name. */
function failureError(transport: Transport, error: unknown): Error {
  if (error instanceof Error) return error;
  const detail =
    error === undefined
      ? 'answered { ok: false } without an error'
      : `failed: ${typeof error === 'string' ? error : describeValue(error)}`;
  return new Error(`transport ${transportName(transport)} ${detail}`);
}

/**
 * The rejected entries that name an item of the batch (a signal and an index in its array), each
 * once; issues that are not `{ path, message }` strings are left out, so an entry may have none.
 */
function rejectedItems(listed: unknown, batch: TelemetryBatch): RejectedItem[] {
  if (!Array.isArray(listed) || listed.length === 0) return [];
  const seen = new Set<string>();
  const rejected: RejectedItem[] = [];
  for (const entry of listed as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { signal, index, issues } = entry as Record<string, unknown>;
    if (typeof signal !== 'string' || !(SIGNALS as readonly string[]).includes(signal)) continue;
    if (!Number.isInteger(index)) continue;
    const position = index as number;
    if (position < 0 || position >= batch[signal as Signal].length) continue;
    const key = `${signal as Signal} ${position}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rejected.push({
      signal: signal as Signal,
      index: position,
      issues: Array.isArray(issues)
        ? (issues as unknown[]).filter(
            (issue): issue is RejectedItem['issues'][number] =>
              typeof issue === 'object' &&
              issue !== null &&
              typeof (issue as { path?: unknown }).path === 'string' &&
              typeof (issue as { message?: unknown }).message === 'string',
          )
        : [],
    });
  }
  return rejected;
}
