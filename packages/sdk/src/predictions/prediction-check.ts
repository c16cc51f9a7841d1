/**
 * A hand-written check with exactly the rules of @driftwatch/schema's PredictionEvent, for the
 * logPrediction hot path (about a third of the compiled TypeBox check's time). TypeBox runs the
 * name regex on every feature name and builds `Object.entries`; here a name is tested once and
 * then found in a bounded set (feature names repeat from call to call). When this check fails the
 * caller runs the full validator, which names the field and has the last word.
 * test/predictions/prediction-check.test.ts holds both to the same answers.
 */
import { MAX_TIME_UNIX_MS, type PredictionEvent } from '@driftwatch/schema';
import { jsonStringBytes } from '../pipeline/wire-bytes.js';
import { whyNotARecord } from '../record-like.js';

export const MAX_FEATURES = 1000;
/** Queue estimate per feature beside its strings: JSON punctuation, a number, the copy's slot. */
const FEATURE_OVERHEAD_BYTES = 32;
/** Feature names kept as known-valid; beyond it names are tested each time (bounded memory). */
const MAX_KNOWN_NAMES = 4096;

/** The schema's pattern for names and identifiers (V8 runs it faster than a charCodeAt loop). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;
/** The schema's `Name` as a Record key: its pattern alone, so the length is in it (NAME_PATTERN). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
export const FEATURE_NAME = /^[^\u0000-\u001f\u007f]{1,128}$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
// In a for-in loop V8 optimizes this call, not Object.hasOwn (~7x slower there).
const hasOwnProperty = Object.prototype.hasOwnProperty;
/** Valid feature names seen, with their JSON bytes. */
const knownNames = new Map<string, number>();

/** 1 to `maxLength` UTF-16 units, no control character (the schema's `Name`/`Identifier`). */
export function isPrintable(value: unknown, maxLength: number): boolean {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= maxLength &&
    PRINTABLE.test(value)
  );
}

/** The schema's `Name`: a model or service name (1-128 printable units). */
export function isName(value: unknown): boolean {
  return isPrintable(value, 128);
}

/** A finite number, a string of at most `maxLength` units or a boolean. */
function isScalar(value: unknown, maxLength: number): boolean {
  const type = typeof value;
  if (type === 'number') return Number.isFinite(value);
  if (type === 'string') return (value as string).length <= maxLength;
  return type === 'boolean';
}

/** The JSON bytes of a feature name the schema accepts, -1 for another; a Map lookup once seen. */
function featureNameBytes(name: string): number {
  const known = knownNames.get(name);
  if (known !== undefined) return known;
  if (!FEATURE_NAME.test(name)) return -1;
  const bytes = jsonStringBytes(name);
  if (knownNames.size < MAX_KNOWN_NAMES) knownNames.set(name, bytes);
  return bytes;
}

/**
 * true when `features` has more own enumerable properties than a sample may hold, counted up to
 * one past the limit: such features are refused without the full validator, which would walk
 * every one (a request body of a million keys passed as features blocked the host for seconds).
 */
export function tooManyFeatures(features: object): boolean {
  let count = 0;
  for (const name in features) {
    if (hasOwnProperty.call(features, name) && ++count > MAX_FEATURES) return true;
  }
  return false;
}

/**
 * A shallow copy of the host's features, taken when logPrediction is called: the event may be
 * serialized later (at batch time for a memory or custom transport, or one not loaded yet), and
 * the host may reuse or change its object meanwhile.
 * undefined when `features` is not a record (what the schema refuses as an object). A spread is
 * cloned natively by V8, cheaper than assigning each value in the check's loop.
 */
export function copyFeatures(features: unknown): Record<string, unknown> | undefined {
  if (
    typeof features !== 'object' ||
    features === null ||
    Array.isArray(features) ||
    // A Date, a Map, a promise…: see record-like.ts.
    whyNotARecord(features) !== undefined
  ) {
    return undefined;
  }
  return { ...features };
}

/**
 * Checks a features record made by `copyFeatures` (own properties only, all enumerable); returns
 * its estimated queue bytes (names and string values counted as escaped UTF-8, see wire-bytes.ts),
 * or -1 when it breaks the schema.
 * A NaN or ±Infinity value becomes null in the copy: a missing value, as JSON.stringify writes
 * it and as drift statistics count NaN, instead of costing the whole sample. So does undefined
 * (`{ income: row.income }` where the row has none): JSON would leave the member out, and an
 * explicit null keeps the feature counted as missing.
 */
export function checkFeatures(features: Record<string, unknown>): number {
  let bytes = 0;
  let count = 0;
  for (const name in features) {
    if (!hasOwnProperty.call(features, name)) continue;
    const value = features[name];
    if (typeof value === 'string') {
      if (value.length > 1024) return -1;
      bytes += jsonStringBytes(value);
    } else if (value !== null && !isScalar(value, 1024)) {
      if (typeof value !== 'number' && value !== undefined) return -1;
      features[name] = null;
    }
    const nameBytes = featureNameBytes(name);
    if (nameBytes < 0 || ++count > MAX_FEATURES) return -1;
    bytes += nameBytes + FEATURE_OVERHEAD_BYTES;
  }
  return bytes;
}

/**
 * true when `event` (built by the recorder: no unknown fields) matches the schema, apart from
 * `model`, `modelVersion`, `serviceName` (the caller checks those once per distinct value, with
 * `isModelName`/`isName`) and `features` (`checkFeatures`). A generated predictionId and a
 * timeUnixMs from Date.now() are valid by construction and skipped, as are ids taken from the
 * request context (the request id the SDK accepted or made, its own trace and span ids); a
 * requestId the caller passed is checked.
 */
export function isValidPrediction(
  event: PredictionEvent,
  generatedId: boolean,
  generatedTime: boolean,
  requestIdFromContext = false,
  traceIdsFromContext = false,
): boolean {
  return (
    (generatedId || isPrintable(event.predictionId, 128)) &&
    (generatedTime ||
      (Number.isInteger(event.timeUnixMs) &&
        event.timeUnixMs >= 0 &&
        event.timeUnixMs <= MAX_TIME_UNIX_MS)) &&
    isScalar(event.prediction, 1024) &&
    (event.score === undefined || Number.isFinite(event.score)) &&
    (event.segment === undefined ||
      (typeof event.segment === 'string' && event.segment.length <= 256)) &&
    (event.requestId === undefined || requestIdFromContext || isPrintable(event.requestId, 128)) &&
    (traceIdsFromContext ||
      ((event.traceId === undefined ||
        (typeof event.traceId === 'string' && TRACE_ID.test(event.traceId))) &&
        (event.spanId === undefined ||
          (typeof event.spanId === 'string' && SPAN_ID.test(event.spanId)))))
  );
}

/** `model` is a schema `Name` and `modelVersion` has 1–64 characters. */
export function isModelName(model: unknown, version: unknown): boolean {
  return (
    isName(model) && typeof version === 'string' && version.length >= 1 && version.length <= 64
  );
}
