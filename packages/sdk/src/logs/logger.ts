/**
 * The host's pino logger: JSON lines with service fields, request_id/trace_id/span_id from the
 * request context (a mixin: one store read per line), redaction, and a tee that hands each
 * serialized line to the export pipeline (converted to an OTel LogRecord only when batched).
 * Lines of a fixed shape that no redact path can reach (the request completion line) may be
 * written by an unredacted sibling with the same options: pino's wildcard paths (`*.token`)
 * otherwise run the redactor on every field of every line.
 */
import { pino, type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import type { ContextStorage } from '../context/request-context.js';

export interface LoggerConfig {
  readonly level: Level;
  readonly redact: readonly string[];
  readonly base: Readonly<Record<string, string>>;
  readonly destination: DestinationStream | undefined;
  readonly storage: ContextStorage;
  /** Called with every serialized line when log export is on. */
  readonly onLine: ((line: string) => void) | undefined;
}

const NO_FIELDS = Object.freeze({});

export function createLogger(config: LoggerConfig): Logger {
  const { storage, onLine } = config;
  const out = config.destination ?? pino.destination({ dest: 1, sync: true });
  const destination: DestinationStream = onLine
    ? {
        write(line: string) {
          out.write(line);
          onLine(line);
        },
      }
    : out;
  const flushSync = (out as { flushSync?: () => void }).flushSync;
  if (onLine && typeof flushSync === 'function') {
    (destination as { flushSync?: () => void }).flushSync = () => flushSync.call(out);
  }
  const options: LoggerOptions = {
    level: config.level,
    base: { ...config.base },
    mixin() {
      const store = storage.getStore();
      if (store === undefined) return NO_FIELDS;
      return store.requestId === undefined
        ? { trace_id: store.traceId, span_id: store.spanId }
        : { request_id: store.requestId, trace_id: store.traceId, span_id: store.spanId };
    },
    mixinMergeStrategy(mergeObject, mixinObject) {
      return mixinObject === NO_FIELDS ? mergeObject : Object.assign(mixinObject, mergeObject);
    },
  };
  if (config.redact.length === 0) return pino(options, destination);
  const logger = pino(
    { ...options, redact: { paths: [...config.redact], censor: '[Redacted]' } },
    destination,
  );
  // Level 'trace': callers gate on the host logger's level, which may change at run time.
  const unredacted = pino({ ...options, level: 'trace' }, destination);
  (logger as Logger & { [kUnredacted]?: UnredactedSibling })[kUnredacted] = {
    logger: unredacted,
    paths: config.redact,
    fixedKeys: [...Object.keys(config.base), 'msg', 'request_id', 'trace_id', 'span_id'],
  };
  return logger;
}

/** A line's fields: `true` for a string/number/boolean leaf, a nested shape for an object. */
export interface LineShape {
  readonly [key: string]: true | LineShape;
}

interface UnredactedSibling {
  readonly logger: Logger;
  readonly paths: readonly string[];
  /** Keys every line may carry besides the caller's: base bindings, message, mixin fields. */
  readonly fixedKeys: readonly string[];
}

const kUnredacted = Symbol('driftwatch.unredactedLogger');

/** Could redact `path` reach a field of `shape`? Bracket or quoted paths are assumed to. */
export function redactPathReaches(path: string, shape: LineShape): boolean {
  if (/[[\]"'`]/.test(path)) return true;
  const reach = (segments: readonly string[], node: true | LineShape | undefined): boolean => {
    if (node === undefined) return false;
    if (segments.length === 0) return true;
    if (node === true) return false;
    const [head, ...rest] = segments as [string, ...string[]];
    if (head === '*') return Object.values(node).some((child) => reach(rest, child));
    return Object.hasOwn(node, head) && reach(rest, node[head]);
  };
  return reach(path.split('.'), shape);
}

/**
 * The logger to write lines of `shape` with: the unredacted sibling of `logger` when none of its
 * redact paths can reach such a line (the output is byte-identical), else `logger` itself.
 * Callers check `logger.isLevelEnabled(level)` first: the sibling logs at every level.
 */
export function loggerForShape(logger: Logger, shape: LineShape): Logger {
  const sibling = (logger as Logger & { [kUnredacted]?: UnredactedSibling })[kUnredacted];
  if (sibling === undefined) return logger;
  const full: Record<string, true | LineShape> = { ...shape };
  for (const key of sibling.fixedKeys) full[key] ??= true;
  return sibling.paths.some((path) => redactPathReaches(path, full)) ? logger : sibling.logger;
}
