/** What the pipeline makes of a transport's answer to `send()`. */
import { describeValue } from '../errors.js';
import type { SendResult, Transport } from '../transport/transport.js';

/**
 * A custom transport's answer as the pipeline reads it: anything but an object with a boolean
 * `ok` (a `send` that returns nothing) fails the batch, counted and reported, instead of
 * throwing where no one counts what it held.
 */
export function checkedResult(transport: Transport, result: unknown): SendResult {
  if (
    typeof result === 'object' &&
    result !== null &&
    typeof (result as SendResult).ok === 'boolean'
  )
    return result as SendResult;
  const got =
    typeof result === 'object' && result !== null && !Array.isArray(result)
      ? 'an object without a boolean ok'
      : describeValue(result);
  return {
    ok: false,
    retryable: false,
    error: new Error(
      `transport ${transport.name} answered send() with ${got}, expected { ok: true } or { ok: false, retryable, error }`,
    ),
  };
}
