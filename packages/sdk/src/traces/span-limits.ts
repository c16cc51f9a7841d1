/**
 * Span limits: what the schema takes of a span (names, attribute keys and values, events), how a
 * value beyond it is clipped as OTel's span limits clip, and what the clipped value adds to a
 * queue estimate. Shared by OTel spans (span-record.ts) and request spans (request-span.ts), so
 * that a span is counted as it will be sent, never by what the caller handed it.
 */
import type { SpanLimits } from '@opentelemetry/sdk-trace-node';
import { describeValue } from '../errors.js';
import { jsonStringBytes } from '../pipeline/wire-bytes.js';

/** The schema's longest span or event name, attribute string and key, and array. */
export const MAX_SPAN_NAME = 1024;
export const MAX_EVENT_NAME = 1024;
export const MAX_ATTRIBUTE_CHARS = 8192;
export const MAX_ATTRIBUTE_KEY = 256;
export const MAX_ARRAY_ITEMS = 128;
/** The OTel SDK's default count limits, which the schema's 128 events match. */
export const MAX_ATTRIBUTES = 128;
export const MAX_EVENTS = 128;
/** The name exported for a span named `''` (the schema takes 1–1024 characters). */
export const UNNAMED_SPAN = 'unnamed';

/**
 * The tracer provider's limits: attribute strings clipped where the schema clips them (OTel's
 * default is no limit, which kept a 9 MB string on the span until export), and set here rather
 * than left to `OTEL_SPAN_*` variables, so that what the README promises holds.
 */
export const OTEL_SPAN_LIMITS: SpanLimits = Object.freeze({
  attributeValueLengthLimit: MAX_ATTRIBUTE_CHARS,
  attributeCountLimit: MAX_ATTRIBUTES,
  eventCountLimit: MAX_EVENTS,
  attributePerEventCountLimit: MAX_ATTRIBUTES,
  linkCountLimit: 128,
  attributePerLinkCountLimit: MAX_ATTRIBUTES,
});

/** Queue estimates (JSON bytes) beside the strings, which are counted by `jsonStringBytes`. */
export const SPAN_OVERHEAD_BYTES = 300;
export const ATTRIBUTE_OVERHEAD_BYTES = 24;
export const EVENT_OVERHEAD_BYTES = 80;

export type StoredValue = string | number | boolean | Array<string | number | boolean>;

/**
 * A copy of `text` that refers to no other string. V8 keeps the whole string a slice was cut from
 * alive: a span queued with the first 8 KB of a megabyte string would hold the megabyte while
 * its queue estimate counts 8 KB.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

/** `text` within `maxChars` characters, a clipped one detached from the original. */
function clip(text: string, maxChars: number): string {
  return text.length > maxChars ? detached(text.slice(0, maxChars)) : text;
}

/**
 * Any value as a name of at most `maxChars` characters: JavaScript callers may name a span or an
 * event with a number, or with an object that has no string form (a throwing `toString`, a
 * Proxy), which is described instead. Never throws.
 */
function nameText(name: unknown, maxChars: number): string {
  if (typeof name === 'string') return clip(name, maxChars);
  let text: string;
  try {
    text = String(name);
  } catch {
    text = describeValue(name);
  }
  return clip(text, maxChars);
}

/** A span's name as the schema takes it (1–1024 characters): an empty one is `unnamed`. */
export function spanNameText(name: unknown): string {
  return nameText(name, MAX_SPAN_NAME) || UNNAMED_SPAN;
}

/** An event's name as the schema takes it (up to 1024 characters; empty is valid). */
export function eventNameText(name: unknown): string {
  return nameText(name, MAX_EVENT_NAME);
}

/** A status message as the schema takes it (up to 8192 characters); undefined for a non-string. */
export function statusMessageText(message: unknown): string | undefined {
  return typeof message === 'string' ? clip(message, MAX_ATTRIBUTE_CHARS) : undefined;
}

/** One scalar within the schema's limits: a string clipped, NaN or ±Infinity as its text. */
function storableScalar(value: unknown): string | number | boolean | undefined {
  // One of exactly 8192 characters may be OTel's clip of a longer one (see OTEL_SPAN_LIMITS).
  if (typeof value === 'string')
    return value.length >= MAX_ATTRIBUTE_CHARS
      ? detached(value.slice(0, MAX_ATTRIBUTE_CHARS))
      : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * The value the schema accepts for an OTel attribute value, clipped as OTel's span limits clip
 * (strings to 8192 characters, arrays to 128 items, nulls dropped: the wire has no null), NaN and
 * ±Infinity as text (JSON has no such number); undefined for what is no attribute value. A
 * refused value would otherwise cost the whole span.
 */
export function storableAttribute(value: unknown): StoredValue | undefined {
  if (!Array.isArray(value)) return storableScalar(value);
  const items: Array<string | number | boolean> = [];
  for (const item of value as unknown[]) {
    if (items.length >= MAX_ARRAY_ITEMS) break;
    const kept = storableScalar(item);
    if (kept !== undefined) items.push(kept);
  }
  return items;
}

/**
 * The attributes within the schema's limits (see storableAttribute), the first 128 of them as
 * OTel's count limits keep (a request span's link holds what an OTel span's would); undefined
 * when none is left.
 */
export function storableAttributes(
  input: Readonly<Record<string, unknown>>,
): Record<string, StoredValue> | undefined {
  let out: Record<string, StoredValue> | undefined;
  let count = 0;
  for (const key in input) {
    const kept = storableAttribute(input[key]);
    if (kept === undefined || !isAttributeKey(key)) continue;
    (out ??= {})[key] = kept;
    if (++count === MAX_ATTRIBUTES) break;
  }
  return out;
}

/** An attribute key the schema accepts (1–256 characters). */
export function isAttributeKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_ATTRIBUTE_KEY;
}

/**
 * Whether an attribute holds more than `storableAttribute` keeps of it: a key the schema leaves
 * out, an array over 128 items, or a string that may be a clip of a longer one (see `detached`).
 */
export function exceedsAttributeLimits(key: string, value: unknown): boolean {
  if (!isAttributeKey(key)) return true;
  if (typeof value === 'string') return value.length >= MAX_ATTRIBUTE_CHARS;
  if (!Array.isArray(value)) return false;
  if (value.length > MAX_ARRAY_ITEMS) return true;
  for (const item of value as unknown[]) {
    if (typeof item === 'string' && item.length >= MAX_ATTRIBUTE_CHARS) return true;
  }
  return false;
}

/** The JSON bytes of a scalar as `storableScalar` keeps it; -1 for one it leaves out. */
function scalarBytes(value: unknown): number {
  if (typeof value === 'string') return jsonStringBytes(clip(value, MAX_ATTRIBUTE_CHARS)) + 2;
  if (typeof value === 'number') return String(value).length + (Number.isFinite(value) ? 0 : 2);
  if (typeof value === 'boolean') return value ? 4 : 5;
  return -1;
}

/**
 * What an attribute value adds to a queue estimate, counted as `storableAttribute` will keep it:
 * a string clipped to 8192 characters, by its JSON bytes (a flat per-attribute guess would let a
 * queue hold many times its maxBytes), an array by its first 128 kept items with their commas.
 */
export function attributeValueBytes(value: unknown): number {
  // A string's quotes are in ATTRIBUTE_OVERHEAD_BYTES.
  if (typeof value === 'string') return jsonStringBytes(clip(value, MAX_ATTRIBUTE_CHARS));
  if (!Array.isArray(value)) return Math.max(scalarBytes(value), 0);
  let bytes = 2;
  let kept = 0;
  for (const item of value as unknown[]) {
    if (kept >= MAX_ARRAY_ITEMS) break;
    const itemBytes = scalarBytes(item);
    if (itemBytes < 0) continue;
    bytes += itemBytes + 1;
    kept += 1;
  }
  return bytes;
}

/** What a key and its value add to a queue estimate; 0 for a key the schema leaves out. */
export function attributeBytes(key: string, value: unknown): number {
  if (!isAttributeKey(key)) return 0;
  return jsonStringBytes(key) + ATTRIBUTE_OVERHEAD_BYTES + attributeValueBytes(value);
}
