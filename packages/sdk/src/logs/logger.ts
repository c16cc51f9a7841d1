/**
 * The host's pino logger: JSON lines with service fields, request_id/trace_id/span_id from the
 * request context (a mixin: one store read per line), redaction, and a tee that hands each
 * serialized line to the export pipeline (converted to an OTel LogRecord only when batched).
 */
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
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
  return pino(
    {
      level: config.level,
      base: { ...config.base },
      redact: config.redact.length > 0 ? { paths: [...config.redact], censor: '[Redacted]' } : undefined,
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
    },
    destination,
  );
}
