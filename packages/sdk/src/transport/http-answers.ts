/**
 * What the collector's answers mean beyond their status: how long a Retry-After asks to wait,
 * and which items a 202 says it refused.
 */
import type { RejectedItem, TelemetryBatch } from './transport.js';

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  // delay-seconds (RFC 9110: digits only) or an HTTP-date (it has a weekday and a month name);
  // anything else ("-1", "soon") is no answer, and the pipeline's own backoff applies.
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * The items a 202 answer lists as rejected, each naming a signal and an index of this batch
 * (once): entries that do not are ignored, so a malformed answer can neither throw in the
 * pipeline nor count more items than the batch holds.
 */
export function readRejected(
  text: string,
  batch: TelemetryBatch,
): readonly RejectedItem[] | undefined {
  let listed: unknown;
  try {
    listed = (JSON.parse(text) as { rejected?: unknown } | null)?.rejected;
  } catch {
    return undefined;
  }
  if (!Array.isArray(listed)) return undefined;
  const seen = new Set<string>();
  const rejected: RejectedItem[] = [];
  for (const entry of listed as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { signal, index, issues } = entry as Record<string, unknown>;
    if (typeof signal !== 'string' || !Object.hasOwn(batch, signal) || signal === 'resource')
      continue;
    const items = (batch as unknown as Record<string, unknown>)[signal];
    if (!Array.isArray(items) || !Number.isInteger(index)) continue;
    if ((index as number) < 0 || (index as number) >= items.length) continue;
    const key = `${signal} ${String(index)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rejected.push({
      signal: signal as RejectedItem['signal'],
      index: index as number,
      issues: Array.isArray(issues)
        ? issues.filter(
            (issue): issue is RejectedItem['issues'][number] =>
              typeof issue === 'object' &&
              issue !== null &&
              typeof (issue as { path?: unknown }).path === 'string' &&
              typeof (issue as { message?: unknown }).message === 'string',
          )
        : [],
    });
  }
  return rejected.length > 0 ? rejected : undefined;
}
