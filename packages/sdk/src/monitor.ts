/** The object `init()` returns: the host's logger, spans, prediction samples, health and shutdown. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type AttributeValue,
  type Context,
  type HrTime,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { Logger } from 'pino';
import { describeValue, invalidArgument } from './errors.js';
import { otelContextOf, storeFor } from './context/context-manager.js';
import type { ActiveContext, ContextStorage } from './context/request-context.js';
import type { HttpInstrumentation } from './http/request-instrumentation.js';
import type { ResolvedOptions } from './options.js';
import type { PipelineStats } from './pipeline/drop-reasons.js';
import type { ExportPipeline } from './pipeline/export-pipeline.js';
import type {
  IdValue,
  LabelInput,
  LabelValue,
  PredictionInput,
  PredictionRecorder,
} from './predictions/prediction-recorder.js';
import type { Readiness, ReadinessCheck, ReadinessReport } from './readiness.js';
import { perfNowToHrTime, wallClockOffsetMs } from './traces/span-time.js';
import type { Transport } from './transport/transport.js';

/** What `monitor.span` returns for `fn`'s result `T`: a native Promise of a thenable's value. */
export type SpanResult<T> = T extends PromiseLike<infer U> ? Promise<U> : T;

export interface Monitor {
  /** pino logger: JSON lines with service fields and, inside a request, request_id/trace_id/span_id. */
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly options: ResolvedOptions;
  /** Delivery counters (sent, dropped by reason, export errors). */
  readonly stats: Readonly<PipelineStats>;
  /** The transport once created (the memory transport exposes what it received). */
  readonly transport: Transport | undefined;
  /** Per-request instrumentation used by @driftwatch/fastify and @driftwatch/express. */
  readonly http: HttpInstrumentation;
  /** Runs `fn` inside the request context of `store` (integrations). */
  readonly contextStorage: ContextStorage;
  /** Where the own metrics endpoint listens (undefined: not serving). */
  readonly metricsAddress: Promise<{ host: string; port: number } | undefined>;
  /**
   * Runs `fn` in a child span of the current one; ends it when `fn` returns or settles. Throws
   * only for a missing `fn` (or what `fn` throws); attributes that throw when read are left out.
   * What `fn` returns comes back as it is, but a promise or other thenable: that is awaited once
   * and a new native Promise of its outcome comes back (a thenable's own methods, a `cancel`,
   * are not on it; a lazy query builder runs once, its `then` called in the span's context), so
   * a rejection nobody handles is still reported as the host's own unhandled rejection.
   */
  span<T>(name: string, fn: (span: Span) => T, attributes?: Attributes): SpanResult<T>;
  /** Records a prediction sample; returns its id. Never throws. */
  logPrediction(input: PredictionInput): string;
  /** Records the ground truth for an earlier prediction. Never throws. */
  logLabel(predictionId: IdValue, label: LabelValue, options?: LabelInput): void;
  /** request id, trace id and span id of the current request, if any. */
  activeContext(): ActiveContext | undefined;
  /**
   * W3C `traceparent` (and `tracestate`) of the current span, for an outgoing call; empty
   * outside a request.
   */
  traceHeaders(): Record<string, string>;
  /** Node request handler serving the Prometheus text format (mount it on your own server). */
  metricsHandler(request: IncomingMessage, response: ServerResponse): void;
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  readiness(): Promise<ReadinessReport>;
  /** Sends everything queued now (metrics included). */
  flush(): Promise<void>;
  /**
   * Flushes within the deadline (`timeoutMs`, default `shutdownTimeoutMs`; negative counts as 0,
   * Infinity as the longest timer, about 24.8 days), then stops every timer, child process and
   * server. Called again, returns the first call's promise.
   */
  shutdown(options?: { timeoutMs?: number | undefined }): Promise<void>;
}

/**
 * Whether `value` is a monitor `init()` returned, as far as the framework packages use it: they
 * check their argument once, when the app is assembled, rather than fail every request.
 */
export function isMonitor(value: unknown): value is Monitor {
  const monitor = value as Partial<Monitor> | null | undefined;
  return (
    typeof monitor === 'object' &&
    monitor !== null &&
    typeof monitor.http?.start === 'function' &&
    typeof monitor.contextStorage?.run === 'function'
  );
}

export interface MonitorParts {
  readonly options: ResolvedOptions;
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly storage: ContextStorage;
  readonly pipeline: ExportPipeline;
  readonly recorder: PredictionRecorder;
  readonly http: HttpInstrumentation;
  readonly readiness: Readiness;
  readonly metricsAddress: Promise<{ host: string; port: number } | undefined>;
  readonly metricsHandler: (request: IncomingMessage, response: ServerResponse) => void;
  readonly flushMetrics: () => Promise<void>;
  readonly injectTrace: (context: Context, headers: Record<string, string>) => void;
  readonly stop: (timeoutMs: number) => Promise<void>;
}

/** Longest delay a Node timer takes; a longer one fires after 1 ms (with a warning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The deadline `shutdown({ timeoutMs })` runs under: a number is clamped to 0 … the longest
 * timer (so Infinity waits as long as Node can, instead of overflowing to 1 ms and dropping
 * everything queued); anything else (NaN, text, a missing value) takes `shutdownTimeoutMs`.
 */
function deadlineMs(timeoutMs: unknown, fallback: number): number {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs)) return fallback;
  return Math.min(Math.max(0, timeoutMs), MAX_TIMER_MS);
}

/** `options.timeoutMs`, or undefined when reading it throws (a getter, a Proxy): shutdown never throws. */
function timeoutOf(options: { timeoutMs?: number | undefined } | undefined): unknown {
  try {
    return options?.timeoutMs;
  } catch {
    return undefined;
  }
}

type Then = PromiseLike<unknown>['then'];

/** The `then` method of a thenable (read once: it may be a getter); undefined for any other value. */
function thenOf(value: unknown): Then | undefined {
  const then = (value as PromiseLike<unknown> | undefined)?.then;
  return typeof then === 'function' ? then : undefined;
}

/** The message of a thrown value that is no Error: a plain object's `message`, else its text. */
function thrownMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** A non-string span name as text; one with no string form (a throwing toString, a Proxy) is described. */
function nameOf(name: unknown): string {
  try {
    return String(name);
  } catch {
    return describeValue(name);
  }
}

/**
 * The attributes that can be read, each copied (an array too): a throwing getter or a Proxy
 * element costs its own attribute only. Empty when the keys cannot be listed.
 */
function readableAttributes(attributes: Attributes): Attributes {
  const readable: Attributes = {};
  let keys: string[];
  try {
    keys = Object.keys(attributes);
  } catch {
    return readable;
  }
  for (const key of keys) {
    try {
      const value: unknown = attributes[key];
      readable[key] = (Array.isArray(value) ? Array.from(value as unknown[]) : value) as
        AttributeValue | undefined;
    } catch {
      // Left out: this attribute alone cannot be read.
    }
  }
  return readable;
}

/**
 * Starts the span with `attributes`; when reading them throws (a getter, a Proxy), with those
 * that can be read, and without any as a last resort: the caller's work still runs in its span,
 * and the SDK throws nothing of its own.
 */
function startSpanTolerant(
  tracer: Tracer,
  name: string,
  attributes: Attributes | undefined,
  context: Context,
  startTime: HrTime,
): Span {
  if (!attributes) return tracer.startSpan(name, { startTime }, context);
  try {
    return tracer.startSpan(name, { attributes, startTime }, context);
  } catch {
    try {
      return tracer.startSpan(
        name,
        { attributes: readableAttributes(attributes), startTime },
        context,
      );
    } catch {
      return tracer.startSpan(name, { startTime }, context);
    }
  }
}

export function createMonitor(parts: MonitorParts): Monitor {
  const { storage, tracer, pipeline, recorder } = parts;
  let stopping: Promise<void> | undefined;

  return {
    logger: parts.logger,
    tracer,
    options: parts.options,
    stats: pipeline.stats,
    get transport() {
      return pipeline.currentTransport;
    },
    http: parts.http,
    contextStorage: storage,
    metricsAddress: parts.metricsAddress,
    span<T>(name: string, fn: (span: Span) => T, attributes?: Attributes): SpanResult<T> {
      // No span to open without the work it measures: a clear error, before anything started.
      if (typeof fn !== 'function') throw invalidArgument('monitor.span', 'fn', fn, 'a function');
      const parent = storage.getStore();
      const context = otelContextOf(parent);
      // JavaScript callers may pass anything: the span gets a string name, never a throw.
      const spanName = typeof name === 'string' ? name : nameOf(name);
      // Start and end on the request span's clock (see perfNowToHrTime), one offset for both.
      const offsetMs = wallClockOffsetMs();
      const end = (): void => span.end(perfNowToHrTime(performance.now(), offsetMs));
      const span = startSpanTolerant(
        tracer,
        spanName,
        attributes,
        context,
        perfNowToHrTime(performance.now(), offsetMs),
      );
      const fail = (error: unknown): void => {
        // Reading a thrown value may throw (no string form, a hostile getter): the span still
        // ends, and the caller gets its own error back, never one of the SDK's.
        try {
          const message = error instanceof Error ? error.message : thrownMessage(error);
          span.setStatus({ code: SpanStatusCode.ERROR, message });
          // Any thrown value is an exception escaping the span (semantic conventions): one that
          // is no Error (a string, a library's plain object) is recorded by its message. On the
          // span's clock too (OTel would take Date.now(), in whole milliseconds).
          span.recordException(
            error instanceof Error ? error : message,
            perfNowToHrTime(performance.now(), offsetMs),
          );
        } catch {
          span.setStatus({ code: SpanStatusCode.ERROR });
        } finally {
          end();
        }
      };
      let result: T;
      // Checked as any context is: the span inherits a parent's upper-case trace id, which lines
      // and samples carry lower-cased, and under OTel's suppressTracing it has all-zero ids,
      // which mean no span (the request's id stays, its lines carry no trace ids).
      const store = storeFor(trace.setSpan(context, span), parent);
      try {
        result = storage.run(store, fn, span);
      } catch (error) {
        fail(error);
        throw error;
      }
      let then: Then | undefined;
      let native: boolean;
      try {
        then = thenOf(result);
        native = then !== undefined && result instanceof Promise && result.constructor === Promise;
      } catch (error) {
        // The result's own `then` getter threw: the caller's error, and the span still ends.
        fail(error);
        throw error;
      }
      if (then === undefined) {
        end();
        return result as SpanResult<T>;
      }
      // A native Promise's work is under way. Any other thenable's starts when its `then` is
      // called (a lazy query builder: Prisma, Knex, Mongoose): called here, in the span's
      // context, so that the work's lines and spans are the span's; Promise.resolve would call
      // it in a later job, outside. Adopted as a Promise: its `then` may return nothing, or throw.
      const settled = native
        ? (result as Promise<unknown>)
        : new Promise((resolve, reject) => {
            storage.run(store, () => then.call(result, resolve, reject));
          });
      return settled.then(
        (value) => {
          end();
          return value;
        },
        (error: unknown) => {
          fail(error);
          throw error;
        },
      ) as SpanResult<T>;
    },
    logPrediction: (input) => recorder.logPrediction(input),
    logLabel: (predictionId, label, options) => recorder.logLabel(predictionId, label, options),
    activeContext() {
      const store = storage.getStore();
      if (store === undefined || store.traceId === '') return undefined;
      return {
        requestId: store.requestId,
        traceId: store.traceId,
        spanId: store.spanId,
        sampled: (store.span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0,
      };
    },
    traceHeaders() {
      const headers: Record<string, string> = {};
      const store = storage.getStore();
      if (store !== undefined) parts.injectTrace(otelContextOf(store), headers);
      return headers;
    },
    metricsHandler: parts.metricsHandler,
    addReadinessCheck: (name, check) => parts.readiness.add(name, check),
    readiness: () => parts.readiness.report(),
    async flush() {
      await parts.flushMetrics().catch(() => undefined);
      await pipeline.flush();
    },
    shutdown(options) {
      stopping ??= parts.stop(deadlineMs(timeoutOf(options), parts.options.shutdownTimeoutMs));
      return stopping;
    },
  };
}
