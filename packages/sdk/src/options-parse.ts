/** Small parsers shared by the option resolvers: each names the option, the value and the expectation. */
import { isIP } from 'node:net';
import { describeValue, invalidOption, type EnvOption } from './errors.js';
import { objectKind, whyNotARecord } from './record-like.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** A value from code when given, else from the environment variable (trimmed, empty = unset). */
export function fromEnv(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** An option and the variable it was read from, if any: `traces.sampleRatio (env DRIFTWATCH_TRACES_SAMPLE_RATIO)` in messages. */
export function label(option: string, envName: string | undefined): EnvOption {
  return { option, envName };
}

export interface Source<T> {
  value: T | string | undefined;
  envName?: string;
}

/**
 * code > env: returns the code value, else the env string with its variable name. Given several
 * variables (ours, then OpenTelemetry's), the first one set.
 */
export function pick<T>(
  code: T | undefined,
  env: Env,
  envNames: string | readonly string[],
): Source<T> {
  if (code !== undefined) return { value: code };
  for (const envName of typeof envNames === 'string' ? [envNames] : envNames) {
    const value = fromEnv(env, envName);
    if (value !== undefined) return { value, envName };
  }
  return { value: undefined };
}

export function toBool(option: string, src: Source<boolean>, fallback: boolean): boolean {
  const { value } = src;
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  // Text is parsed only from the environment; code must pass a real boolean.
  if (src.envName !== undefined && (value === 'true' || value === '1')) return true;
  if (src.envName !== undefined && (value === 'false' || value === '0')) return false;
  throw invalidOption(label(option, src.envName), value, 'true or false');
}

/** A decimal number as written in an environment variable: `12`, `-0.5`, `.25`, `1e3`. */
export const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function toNumber(
  option: string,
  src: Source<number>,
  fallback: number,
  range: { min: number; max: number; integer?: boolean; maxFrom?: string },
): number {
  const { value } = src;
  if (value === undefined) return fallback;
  // Text is parsed only from the environment, and only in decimal (`Number` would also take
  // `0x10`, `0b11` or `Infinity`); code must pass a real number.
  const n =
    typeof value === 'string' && src.envName !== undefined && DECIMAL.test(value)
      ? Number(value)
      : value;
  const ok =
    typeof n === 'number' &&
    Number.isFinite(n) &&
    n >= range.min &&
    n <= range.max &&
    (!range.integer || Number.isInteger(n));
  if (!ok) {
    const kind = range.integer ? 'an integer' : 'a number';
    throw invalidOption(
      label(option, src.envName),
      value,
      `${kind} from ${range.min} to ${range.max}${range.maxFrom ? ` (${range.maxFrom})` : ''}`,
    );
  }
  return n;
}

export function toChoice<C extends string>(
  option: string,
  src: Source<C>,
  fallback: C,
  choices: readonly C[],
): C {
  const { value } = src;
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value))
    return value as C;
  throw invalidOption(label(option, src.envName), value, `one of ${choices.join(', ')}`);
}

export function toText(
  option: string,
  src: Source<string>,
  fallback: string,
  check: { maxLength: number; pattern?: RegExp; expected?: string; secret?: boolean },
): string {
  const { value } = src;
  if (value === undefined) return fallback;
  // Lengths in UTF-16 units, as the wire schema counts them (an emoji is two): a longer service
  // name would pass here and fail every prediction's check.
  const ok =
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= check.maxLength &&
    (!check.pattern || check.pattern.test(value));
  if (!ok) {
    throw invalidOption(
      label(option, src.envName),
      value,
      check.expected ?? `a string of 1 to ${check.maxLength} characters`,
      check.secret,
    );
  }
  return value;
}

/** A list from code (array) or env (comma-separated). */
export function toList(option: string, src: Source<readonly string[]>): string[] | undefined {
  const { value } = src;
  if (value === undefined) return undefined;
  // Text is split only from the environment; code must pass an array. Array.from reads holes
  // as undefined, which `some` would skip and pass on to pino.
  const list =
    typeof value === 'string' && src.envName !== undefined
      ? value.split(',').map((s) => s.trim())
      : Array.isArray(value)
        ? Array.from(value as readonly unknown[])
        : undefined;
  if (list === undefined || list.some((s) => typeof s !== 'string' || s === '')) {
    throw invalidOption(label(option, src.envName), value, 'a list of non-empty strings');
  }
  return list as string[];
}

/**
 * A host to listen on: an IP address, or a DNS name. Checked here because `listen()` reports a
 * bad one (`localhost:9464`, `[::1]`) only later, as one error line, and the endpoint is missing.
 */
export function toHost(option: string, src: Source<string>, fallback: string): string {
  const { value } = src;
  if (value === undefined) return fallback;
  // All digits and dots is an IPv4 address or nothing (`256.1.1.1` is no name to resolve).
  const name = typeof value === 'string' && HOST_NAME.test(value) && !/^[\d.]+$/.test(value);
  if (typeof value === 'string' && (isIP(value) !== 0 || name)) return value;
  throw invalidOption(label(option, src.envName), value, 'an IP address or a host name');
}

/** DNS labels of letters, digits, `-` (and `_`, which resolvers take), joined by dots. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * A pino destination from code: an object with a `write` method. Checked here because pino
 * takes anything at start-up and then throws from every log call (in the host's code), or
 * takes a string for a file path and creates it.
 */
export function toDestination<T extends { write: unknown }>(
  option: string,
  value: T | undefined,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && typeof value.write === 'function')
    return value;
  throw invalidOption(option, value, 'a stream with a write(line) method');
}

/** An object from code must be a plain object when given. */
export function objectOrEmpty<T extends object>(option: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(option, value, 'an object');
  }
  // A Map of options would be read as no options at all.
  const why = whyNotARecord(value);
  if (why !== undefined)
    throw invalidOption(option, value, `a plain object, not ${objectKind(value)} (${why})`);
  return value;
}

/** Printable text: no control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
export const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;
/** Printable text with at least one character that is not white space. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
export const PRINTABLE_NOT_BLANK = /^(?=.*\S)[^\u0000-\u001f\u007f]+$/;
/** Bounds of a duration option in milliseconds (up to one day). */
export const MS = { min: 0, max: 86_400_000, integer: true };

/** Bounds of a share (sample ratios). */
export const RATIO = { min: 0, max: 1 };

/** Most per-model sample ratios: five times the models the metric series keep. */
export const MAX_MODEL_RATIOS = 10_000;

/**
 * Per-model sample ratios. A name no prediction can carry (the schema's `Name`: 1-128
 * characters, no control characters) would never apply, yet it raises the ratio of labels
 * logged without a model (the largest one configured): refused. So are more than
 * MAX_MODEL_RATIOS models (a table of every id the host knows, passed by mistake).
 */
export function toModelRatios(
  option: string,
  input: Readonly<Record<string, number>> | undefined,
): Readonly<Record<string, number>> {
  const ratios = objectOrEmpty(option, input);
  const models = Object.keys(ratios).length;
  if (models > MAX_MODEL_RATIOS)
    throw invalidOption(option, `${models} models`, `at most ${MAX_MODEL_RATIOS} models`);
  const entries = Object.entries(ratios).map(([model, ratio]): [string, number] => {
    if (model.length > 128 || !PRINTABLE.test(model))
      throw invalidOption(option, model, 'model names of 1-128 characters, no control characters');
    return [model, toNumber(`${option}.${model}`, { value: ratio }, 1, RATIO)];
  });
  // fromEntries defines own properties: an assignment to out['__proto__'] would be lost.
  return Object.freeze(Object.fromEntries(entries));
}

/** At most 256 bounds: the schema's histogram point holds no more (every export would be dropped). */
const MAX_SCORE_BUCKETS = 256;

/** Histogram bounds: finite numbers in increasing order. */
export function toScoreBuckets(
  option: string,
  input: readonly number[] | undefined,
  fallback: readonly number[],
): readonly number[] {
  if (input === undefined) return Object.freeze([...fallback]);
  // Array.from: a hole reads as undefined (`every` would skip it and keep it).
  const list: readonly unknown[] | undefined = Array.isArray(input) ? Array.from(input) : undefined;
  const ok =
    list !== undefined &&
    list.length <= MAX_SCORE_BUCKETS &&
    list.every(
      (b, i) =>
        typeof b === 'number' && Number.isFinite(b) && (i === 0 || b > (list[i - 1] as number)),
    );
  if (!ok)
    throw invalidOption(
      option,
      list === undefined
        ? input
        : list.length > MAX_SCORE_BUCKETS
          ? `${list.length} bounds`
          : `[${Array.from(list, describeValue).join(',')}]`,
      `at most ${MAX_SCORE_BUCKETS} finite numbers in increasing order`,
    );
  return Object.freeze(list as number[]);
}
