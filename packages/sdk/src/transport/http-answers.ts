/**
 * What the collector's answers mean beyond their status: how long a Retry-After asks to wait,
 * and which items a 202 says it refused; and the items it would refuse with their whole batch,
 * left out before sending.
 */
import { SIGNALS, type Signal } from '@driftwatch/schema';
import { holdsProtoKey } from './batch-json.js';
import type { RejectedItem, TelemetryBatch } from './transport.js';
import { WireJson } from './wire-json.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(?<month>${MONTHS.join('|')})`;
const TIME = '(?<hours>\\d{2}):(?<minutes>\\d{2}):(?<seconds>\\d{2})';
/** The three HTTP-date forms of RFC 9110 §5.6.7, all GMT: IMF-fixdate, RFC 850, asctime. */
const HTTP_DATES = [
  new RegExp(`^[A-Z][a-z]{2}, (?<day>\\d{2}) ${MONTH} (?<year>\\d{4}) ${TIME} GMT$`),
  new RegExp(`^[A-Z][a-z]{5,8}, (?<day>\\d{2})-${MONTH}-(?<yy>\\d{2}) ${TIME} GMT$`),
  new RegExp(`^[A-Z][a-z]{2} ${MONTH} (?<day>[ \\d]\\d) ${TIME} (?<year>\\d{4})$`),
];

/** Epoch ms of an HTTP-date, or undefined for any other text (Date.parse reads "x 2030"). */
function httpDateMs(text: string, nowMs: number): number | undefined {
  const date = HTTP_DATES.map((form) => form.exec(text)?.groups).find(Boolean);
  if (date === undefined) return undefined;
  let year = Number(date.year);
  if (date.yy !== undefined) {
    // RFC 9110: a two-digit year that reads as more than 50 years ahead is in the last century.
    const thisYear = new Date(nowMs).getUTCFullYear();
    year = Math.floor(thisYear / 100) * 100 + Number(date.yy);
    if (year > thisYear + 50) year -= 100;
  }
  const month = MONTHS.indexOf(date.month!);
  return Date.UTC(year, month, Number(date.day), +date.hours!, +date.minutes!, +date.seconds!);
}

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  // delay-seconds (RFC 9110: digits only) or an HTTP-date in one of its three forms; anything
  // else ("-1", "soon") is no answer, and the pipeline's own backoff applies.
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = httpDateMs(text, nowMs);
  return date === undefined ? undefined : Math.max(0, date - nowMs);
}

/** Items of a batch the collector refused: those it named, and how many more it did not list. */
export interface Rejections {
  readonly listed: readonly RejectedItem[];
  /** Refused beyond the listed ones (the collector caps its list and gives `rejectedTotal`). */
  readonly unlisted: number;
}

/** Items in a batch, over its signals. */
function itemCount(batch: TelemetryBatch): number {
  let count = 0;
  for (const [signal, items] of Object.entries(batch))
    if (signal !== 'resource' && Array.isArray(items)) count += items.length;
  return count;
}

/** The collector's JSON answer, or undefined for another body (a proxy's page, a cut answer). */
export function parseAnswer(text: string): Record<string, unknown> | undefined {
  try {
    const answer: unknown = JSON.parse(text);
    return typeof answer === 'object' && answer !== null
      ? (answer as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The items an answer lists as rejected, each naming a signal and an index of this batch
 * (once): entries that do not are ignored, so a malformed answer can neither throw in the
 * pipeline nor count more items than the batch holds. `rejectedTotal` counts the refused items
 * the answer does not list. `all`: every item was refused (a 400 DW_COLLECTOR_BAD_EVENT).
 */
export function readRejections(
  answer: Record<string, unknown> | undefined,
  batch: TelemetryBatch,
  all = false,
): Rejections | undefined {
  const listed: unknown = answer?.rejected;
  const seen = new Set<string>();
  const rejected: RejectedItem[] = [];
  for (const entry of Array.isArray(listed) ? (listed as unknown[]) : []) {
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
  const total = all
    ? Infinity
    : Number.isInteger(answer?.rejectedTotal)
      ? (answer?.rejectedTotal as number)
      : rejected.length;
  // The batch is counted only when the answer says more were refused than it lists.
  const unlisted =
    total > rejected.length ? Math.min(total, itemCount(batch)) - rejected.length : 0;
  return rejected.length + unlisted > 0
    ? { listed: rejected, unlisted: Math.max(0, unlisted) }
    : undefined;
}

/** A batch without the items the collector would refuse it for, and where the others came from. */
export interface LeftOut {
  /** The batch to send (it may be empty). */
  readonly batch: TelemetryBatch;
  /** The items left out, as rejections of the original batch. */
  readonly refused: readonly RejectedItem[];
  /** Per signal, the original index of each item of `batch`. */
  readonly origins: Readonly<Record<Signal, readonly number[]>>;
  /** Items `batch` holds. */
  readonly count: number;
}

const PROTO_ISSUE = {
  path: '__proto__',
  message: 'a member named "__proto__": the collector refuses a body that holds one',
};

/**
 * Called when a batch's body holds a `__proto__` member (holdsProtoKey): the batch without the
 * items that hold one, each counted as rejected. Only then are items stringified one by one.
 */
export function leaveOutProtoKeys(batch: TelemetryBatch): LeftOut {
  const kept = { ...batch } as Record<string, unknown>;
  const refused: RejectedItem[] = [];
  const origins = {} as Record<Signal, number[]>;
  let count = 0;
  for (const signal of SIGNALS) {
    const items = batch[signal] as readonly unknown[];
    const keep: unknown[] = [];
    origins[signal] = [];
    items.forEach((item, index) => {
      const json = item instanceof WireJson ? item.json : JSON.stringify(item);
      if (json !== undefined && holdsProtoKey(json)) {
        refused.push({ signal, index, issues: [PROTO_ISSUE] });
        return;
      }
      keep.push(item);
      origins[signal].push(index);
    });
    kept[signal] = keep;
    count += keep.length;
  }
  // The resource (text attributes) holds one only when a key is "__proto__": sent without it.
  if (holdsProtoKey(JSON.stringify(batch.resource))) {
    kept.resource = Object.fromEntries(
      Object.entries(batch.resource).filter(([key]) => key !== '__proto__'),
    );
  }
  return { batch: kept as unknown as TelemetryBatch, refused, origins, count };
}

/** The collector's rejections of a sent batch `leftOut.batch`, as indexes of the original batch. */
export function originalRejections(
  leftOut: LeftOut,
  answered: Rejections | undefined,
): Rejections | undefined {
  const all = [...leftOut.refused];
  for (const item of answered?.listed ?? []) {
    const index = leftOut.origins[item.signal][item.index];
    if (index !== undefined) all.push({ ...item, index });
  }
  const unlisted = answered?.unlisted ?? 0;
  return all.length + unlisted > 0 ? { listed: all, unlisted } : undefined;
}
