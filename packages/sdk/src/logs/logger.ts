/**
 * The host's pino logger: JSON lines with service fields, request_id/trace_id/span_id from the
 * request context (a mixin: one store read per line), redaction, and a tee that hands each
 * serialized line to the export pipeline (converted to an OTel LogRecord only when batched).
 * Lines the SDK writes itself (the request completion line) can skip pino: `directWriterFor`
 * gives the destination, the serialized base fields and the export hook, when no redact path
 * can reach such a line (pino's wildcard paths would otherwise run the redactor on every line).
 */
import {
  pino,
  type DestinationStream,
  type Level,
  type LogFn,
  type Logger,
  type LoggerOptions,
} from 'pino';
import type { ContextStorage } from '../context/request-context.js';
import type { CompletionRecord } from './completion-record.js';
import { ReportLimiter } from '../pipeline/report-limiter.js';
import { jsonTextBytes } from '../pipeline/wire-bytes.js';
import { destinationWrite, type LineWrite } from './destination-write.js';
import type { Diagnostics } from './diagnostics.js';
import { FormattedLine } from './formatted-line.js';
import { DEFAULT_REDACT_PATHS } from './redact-paths.js';
import {
  DEFAULT_SECRET_KEYS,
  REDACTED,
  secretRedactor,
  type SecretRedactor,
} from './secret-redaction.js';

const DEFAULT_PATHS = new Set(DEFAULT_REDACT_PATHS);

/**
 * A serialized line (with pino's level and time when it does not start with them), or a
 * completion record the SDK made itself, with its estimated size in bytes.
 */
export type ExportLogEntry = (
  entry: string | FormattedLine | CompletionRecord,
  bytes: number,
) => void;

export interface LoggerConfig {
  readonly level: Level;
  readonly redact: readonly string[];
  /** Keys redacted in each serialized line, at any depth and in any letter case (`logs.secretKeys`). */
  readonly secretKeys: readonly string[];
  readonly base: Readonly<Record<string, string>>;
  readonly destination: DestinationStream | undefined;
  /** Write to the default destination (stdout) synchronously, line by line (else asynchronously). */
  readonly sync: boolean;
  readonly storage: ContextStorage;
  /** Called with every line when log export is on. */
  readonly onLine: ExportLogEntry | undefined;
  /** Where a destination whose write() throws is reported (destination-write.ts). */
  readonly diagnostics?: Diagnostics | undefined;
}

/** What a hand-serialized line needs to come out as pino would have written it. */
export interface DirectWriter {
  /** Writes to the destination without the export tee; never throws (destination-write.ts). */
  readonly write: LineWrite;
  /** pino's serialized base fields: `,"service.name":"…",…`. */
  readonly bindings: string;
  /** The base fields that are log attributes in the OTel data model (not resource fields). */
  readonly baseAttributes: Readonly<Record<string, string>>;
  readonly onLine: ExportLogEntry | undefined;
  /** Has `logger.setBindings()` changed the bindings since `bindings` was serialized? */
  readonly bindingsChanged: () => boolean;
}

/** A line's fields: `true` for a string/number/boolean leaf, a nested shape for an object. */
export interface LineShape {
  readonly [key: string]: true | LineShape;
}

interface DirectState extends DirectWriter {
  readonly paths: readonly string[];
  /** The keys the line redactor replaces, lower-cased. */
  readonly secretKeys: ReadonlySet<string>;
  /** Keys every line may carry besides the caller's: base bindings, message, mixin fields. */
  readonly fixedKeys: readonly string[];
  /** pino.multistream and the like: each line needs pino's metadata (its level) set first. */
  readonly needsMetadata: boolean;
}

const kDirect = Symbol('driftwatch.directWriter');
const NO_FIELDS = Object.freeze({});
/** Base fields that the log converter maps to resource attributes. */
const RESOURCE_FIELDS = new Set(['service.name', 'service.version']);

/** Most bytes an asynchronous stdout holds for a reader that does not read (then it drops). */
const ASYNC_STDOUT_MAX_BYTES = 16 * 1024 * 1024;

function defaultDestination(
  sync: boolean,
  diagnostics: Diagnostics | undefined,
): DestinationStream {
  // Asynchronous (sync false): lines written while a write is in flight leave together in one
  // write; pino registers a synchronous flush on process exit for such destinations. Bounded: a
  // pipe no one reads would otherwise grow the buffer for ever.
  if (sync) return pino.destination({ dest: 1, sync });
  const destination = pino.destination({ dest: 1, sync, maxLength: ASYNC_STDOUT_MAX_BYTES });
  const limiter = new ReportLimiter<'drop'>();
  destination.on('drop', () => {
    const report = limiter.admit('drop');
    if (report === undefined || diagnostics === undefined) return;
    diagnostics.warn(
      `driftwatch: stdout is not being read; ${report.times} log line(s) dropped there since the last report (more than ${ASYNC_STDOUT_MAX_BYTES} bytes waiting); exported lines are still exported`,
    );
  });
  return destination;
}

/**
 * `%j`, `%o` and `%O` write an argument's JSON into the message, where the line redactor meets
 * only escaped text (`{\"password\":…}`): such arguments are redacted before pino formats them.
 */
// The placeholders pino's formatter (quick-format-unescaped) fills, each taking one argument but %%.
const PLACEHOLDER = /%([sdifjoO%])/g;

function redactingLogMethod(redactor: SecretRedactor) {
  return function logMethod(this: Logger, args: unknown[], method: LogFn): void {
    const at = typeof args[0] === 'string' ? 0 : typeof args[1] === 'string' ? 1 : -1;
    if (at >= 0 && args.length > at + 1 && /%[joO]/.test(args[at] as string)) {
      // Only the arguments a JSON placeholder takes: one for `%s` stays as String() writes it.
      let next = at + 1;
      for (const [, kind] of (args[at] as string).matchAll(PLACEHOLDER)) {
        if (kind === '%') continue;
        if (next >= args.length) break;
        if (kind === 'j' || kind === 'o' || kind === 'O')
          args[next] = redactedArgument(args[next], redactor);
        next += 1;
      }
    }
    safeLogMethod.call(this, args, method);
  };
}

function redactedArgument(value: unknown, redactor: SecretRedactor): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return value;
    const redacted = redactor(json);
    return redacted === json ? value : (JSON.parse(redacted) as unknown);
  } catch {
    // A cycle, a BigInt, a throwing toJSON: pino formats it as it would.
    return value;
  }
}

type Flushes = {
  flush?: (callback?: (error?: Error | null) => void) => void;
  flushSync?: () => void;
};

/** pino's `logger.flush()` and exit flushes reach the destination behind the export tee. */
function forwardFlushes(tee: DestinationStream, out: DestinationStream): void {
  const { flush, flushSync } = out as Flushes;
  if (typeof flush === 'function') (tee as Flushes).flush = (callback) => flush.call(out, callback);
  if (typeof flushSync === 'function') (tee as Flushes).flushSync = () => flushSync.call(out);
}

/** pino sets these on a destination that asks for them (pino.multistream routes by level). */
const METADATA = Symbol.for('pino.metadata');
const METADATA_FIELDS = ['lastLevel', 'lastMsg', 'lastObj', 'lastTime', 'lastLogger'] as const;

/** Does `out` route by pino's metadata (pino.multistream), which pino sets before each write? */
function needsMetadata(out: DestinationStream): boolean {
  return (out as { [METADATA]?: unknown })[METADATA] === true;
}

/**
 * The destination seen by pino when log export or the default redaction is on: redacts the
 * line's secrets, writes it to `out`, then exports it. For a destination that routes by pino's
 * metadata, the tee asks for it and passes it on; it also asks for it once a child logger writes
 * its level as something else than its number (see `watchLevelFormat`), and exports such a line
 * with the level and time pino gave it.
 */
function lineTee(
  out: DestinationStream,
  write: LineWrite,
  onLine: ExportLogEntry | undefined,
  redact: SecretRedactor | undefined,
): DestinationStream {
  const target = out as DestinationStream & Record<string | symbol, unknown>;
  const passMetadata = needsMetadata(out);
  const tee: DestinationStream & Record<string | symbol, unknown> = {
    write(written: string) {
      let level: unknown;
      let time: unknown;
      if (tee[METADATA] === true) {
        level = tee.lastLevel;
        time = tee.lastTime;
        for (const field of METADATA_FIELDS) {
          if (passMetadata) target[field] = tee[field];
          // Not kept here after the line: the last logged object, logger, message.
          tee[field] = undefined;
        }
      }
      const line = redact === undefined ? written : redact(written);
      write(line);
      if (onLine === undefined) return;
      // UTF-8 bytes: a line's non-ASCII characters take up to 3 bytes each when sent.
      const bytes = jsonTextBytes(line) + 64;
      if (typeof level === 'number' && !startsWithLevelNumber(line)) {
        const timeMs = typeof time === 'string' && EPOCH_MS.test(time) ? Number(time) : undefined;
        onLine(new FormattedLine(line, level, timeMs), bytes);
      } else onLine(line, bytes);
    },
  };
  if (passMetadata) tee[METADATA] = true;
  forwardFlushes(tee, out);
  return tee;
}

const LEVEL_NUMBER = /^\{"level":\d/;
/** pino's `lastTime` as its default timestamp writes it (a child cannot change it). */
const EPOCH_MS = /^\d{1,15}$/;

/** Does the line start as pino writes it without a level formatter (`{"level":30`)? */
function startsWithLevelNumber(line: string): boolean {
  return LEVEL_NUMBER.test(line);
}

/**
 * pino writes each level as a string cached per level number, made with the logger's level
 * formatter. A child made with `customLevels` and `formatters.level` gets its own cache, whose
 * lines may no longer start with the level number: then the tee asks pino for each line's
 * metadata, its level number among them, from then on (a few property writes per line).
 */
function watchLevelFormat(tee: DestinationStream): (parent: object, child: object) => void {
  const cacheOf = (logger: object): unknown =>
    (logger as Record<symbol, unknown>)[pino.symbols.lsCacheSym];
  return (parent, child) => {
    const cache = cacheOf(child);
    if (cache === cacheOf(parent) || typeof cache !== 'object' || cache === null) return;
    const prefixes = Object.values(cache as Record<string, unknown>);
    if (prefixes.some((prefix) => typeof prefix !== 'string' || !startsWithLevelNumber(prefix)))
      (tee as DestinationStream & Record<symbol, unknown>)[METADATA] = true;
  };
}

/**
 * The serializer of `error` fields: an Error as pino writes `err` (type, message, stack, its own
 * fields); anything else as it is. pino's serializer alone would also take a plain object with a
 * `message` for an error (and tag it: a frozen one throws into the caller).
 */
function errorField(value: unknown): unknown {
  return value instanceof Error ? errField(value) : value;
}

/**
 * pino's error serializer, which never throws into the caller: its cycle check tags the object,
 * which a frozen one refuses (then its type, message and stack are read by hand).
 */
function errField(value: unknown): unknown {
  try {
    return pino.stdSerializers.err(value as Error);
  } catch {
    const error = value as Partial<Error> & { constructor?: { name?: unknown } };
    return {
      type: typeof error.constructor?.name === 'string' ? error.constructor.name : 'Error',
      message: String(error.message),
      stack: String(error.stack),
    };
  }
}

/** What an error says, without throwing (its `message` may be a getter, or it may be no Error). */
function errorText(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'an error with no string form';
  }
}

/**
 * pino's log-method hook: a log call never throws into the host and never writes a line that is
 * not JSON. pino writes a symbol message raw (`"msg":undefined`) and throws on `'%d'` with one,
 * and reading the caller's object throws when a getter or a Proxy does: then the line is written
 * with its message and `log_error` saying why the rest is missing.
 */
function safeLogMethod(this: Logger, args: unknown[], method: LogFn): void {
  for (let i = 0; i < args.length; i++) {
    if (typeof args[i] === 'symbol') args[i] = String(args[i]);
  }
  try {
    (method as (...args: unknown[]) => void).apply(this, args);
  } catch (error) {
    const message = args.find((arg): arg is string => typeof arg === 'string');
    try {
      method.call(
        this,
        { log_error: `the log call's arguments threw: ${errorText(error)}` },
        message ?? '',
      );
    } catch {
      // The destination itself throws: nothing more can be written.
    }
  }
}

/**
 * `child()` and `setBindings()` that never throw for what reading the bindings throws (a getter,
 * a Proxy): the logger gets a `log_bindings_error` binding saying why, as a log call's line gets
 * `log_error`. Bad child options (an unknown level) still throw: they are the host's set-up, as
 * init()'s are. pino makes a child with Object.create(parent), so its children inherit both.
 */
function guardBindings(
  logger: Logger,
  childMade: ((parent: object, child: object) => void) | undefined,
): void {
  const child = logger.child;
  const setBindings = logger.setBindings;
  const unreadable = (error: unknown): { log_bindings_error: string } => ({
    log_bindings_error: `the logger's bindings threw: ${errorText(error)}`,
  });
  logger.child = function guardedChild(this: Logger, bindings, options) {
    let made: Logger<string>;
    try {
      made = child.call(this, bindings, options);
    } catch (error) {
      try {
        made = child.call(this, unreadable(error), options);
      } catch {
        throw error;
      }
    }
    // Only a child given options can have a level formatter of its own.
    if (childMade !== undefined && options != null) childMade(this, made);
    return made;
  } as Logger['child'];
  logger.setBindings = function guardedSetBindings(this: Logger, bindings) {
    try {
      setBindings.call(this, bindings);
    } catch (error) {
      setBindings.call(this, unreadable(error));
    }
  };
}

export function createLogger(config: LoggerConfig): Logger {
  const { storage, onLine } = config;
  const out = config.destination ?? defaultDestination(config.sync, config.diagnostics);
  // The default paths are applied to the serialized line (secret-redaction.ts), far cheaper
  // than pino's redactor; only paths beside them go to pino.
  const redactDefaults = DEFAULT_REDACT_PATHS.every((path) => config.redact.includes(path));
  const pinoPaths = redactDefaults
    ? config.redact.filter((path) => !DEFAULT_PATHS.has(path))
    : config.redact;
  // The default keys while the default paths are on, and `logs.secretKeys` in any case.
  const secretKeys = [...(redactDefaults ? DEFAULT_SECRET_KEYS : []), ...config.secretKeys];
  const redactor =
    secretKeys.length === 0
      ? undefined
      : secretRedactor(secretKeys, { queryNameRules: redactDefaults });
  const write = destinationWrite(out, config.diagnostics);
  const destination: DestinationStream =
    onLine || redactor ? lineTee(out, write, onLine, redactor) : out;
  const options: LoggerOptions = {
    level: config.level,
    base: { ...config.base },
    // An Error is logged under `error` as often as under `err`: JSON alone writes it as `{}`.
    serializers: { err: errField, error: errorField },
    hooks: { logMethod: redactor ? redactingLogMethod(redactor) : safeLogMethod },
    mixin() {
      const store = storage.getStore();
      if (store === undefined) return NO_FIELDS;
      // A store for an OTel context without a span (context.with(baggageOnly, …)).
      if (store.traceId === '')
        return store.requestId === undefined ? NO_FIELDS : { request_id: store.requestId };
      return store.requestId === undefined
        ? { trace_id: store.traceId, span_id: store.spanId }
        : { request_id: store.requestId, trace_id: store.traceId, span_id: store.spanId };
    },
    mixinMergeStrategy(mergeObject, mixinObject) {
      return mixinObject === NO_FIELDS ? mergeObject : Object.assign(mixinObject, mergeObject);
    },
  };
  const logger =
    pinoPaths.length === 0
      ? pino(options, destination)
      : pino({ ...options, redact: { paths: [...pinoPaths], censor: REDACTED } }, destination);
  let bindings = '';
  const baseAttributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(config.base)) {
    // As pino serializes its bindings (both escaped as JSON strings).
    bindings += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
    if (!RESOURCE_FIELDS.has(key)) baseAttributes[key] = value;
  }
  // pino's serialized bindings, which `setBindings()` replaces with a new string.
  const chindings = pino.symbols.chindingsSym;
  const started = (logger as Logger & Record<symbol, unknown>)[chindings];
  const state: DirectState = {
    write,
    bindings,
    baseAttributes,
    onLine,
    bindingsChanged: () => (logger as Logger & Record<symbol, unknown>)[chindings] !== started,
    paths: pinoPaths,
    secretKeys: new Set(secretKeys.map((key) => key.toLowerCase())),
    fixedKeys: [...Object.keys(config.base), 'msg', 'request_id', 'trace_id', 'span_id'],
    needsMetadata: needsMetadata(out),
  };
  (logger as Logger & { [kDirect]?: DirectState })[kDirect] = state;
  guardBindings(logger, destination !== out && onLine ? watchLevelFormat(destination) : undefined);
  return logger;
}

/** One segment of a pino redact path: `.key`, `["key"]`, `['key']` or `[*]`/`.*`. */
const PATH_SEGMENT = /(?:^|\.)([^.[\]"'`]+)|\[(?:"([^"\\]*)"|'([^'\\]*)'|(\*))\]/y;

/** The keys of a redact path (`*` for a wildcard); undefined for syntax this reader doesn't know. */
function pathSegments(path: string): string[] | undefined {
  const segments: string[] = [];
  PATH_SEGMENT.lastIndex = 0;
  while (PATH_SEGMENT.lastIndex < path.length) {
    const start = PATH_SEGMENT.lastIndex;
    const match = PATH_SEGMENT.exec(path);
    if (match === null || PATH_SEGMENT.lastIndex === start) return undefined;
    segments.push(match[1] ?? match[2] ?? match[3] ?? '*');
  }
  return segments;
}

/** Could redact `path` reach a field of `shape`? A path this reader cannot parse is assumed to. */
export function redactPathReaches(path: string, shape: LineShape): boolean {
  const segments = pathSegments(path);
  if (segments === undefined) return true;
  const reach = (segments: readonly string[], node: true | LineShape | undefined): boolean => {
    if (node === undefined) return false;
    if (segments.length === 0) return true;
    if (node === true) return false;
    const [head, ...rest] = segments as [string, ...string[]];
    if (head === '*') return Object.values(node).some((child) => reach(rest, child));
    return Object.hasOwn(node, head) && reach(rest, node[head]);
  };
  return reach(segments, shape);
}

/** Does a key of `shape`, at any depth, match one of the (lower-cased) secret keys? */
function holdsSecretKey(shape: LineShape, secretKeys: ReadonlySet<string>): boolean {
  return Object.entries(shape).some(
    ([key, child]) =>
      secretKeys.has(key.toLowerCase()) || (child !== true && holdsSecretKey(child, secretKeys)),
  );
}

/**
 * How to write lines of `shape` without pino, byte-identical to what `logger` would write: only
 * for a logger made by `createLogger` none of whose redact paths or secret keys can reach such a
 * line (the direct writer bypasses both).
 * Callers check `logger.isLevelEnabled(level)` first.
 */
export function directWriterFor(logger: Logger, shape: LineShape): DirectWriter | undefined {
  const state = (logger as Logger & { [kDirect]?: DirectState })[kDirect];
  if (state === undefined) return undefined;
  // A destination that routes by pino's metadata gets every line through pino, which sets it.
  if (state.needsMetadata) return undefined;
  // `level` and `time` are pino's own, on every line.
  const full: Record<string, true | LineShape> = { ...shape, level: true, time: true };
  for (const key of state.fixedKeys) full[key] ??= true;
  if (holdsSecretKey(full, state.secretKeys)) return undefined;
  return state.paths.some((path) => redactPathReaches(path, full)) ? undefined : state;
}
