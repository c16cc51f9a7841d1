/**
 * The tracer: an OTel NodeTracerProvider with parent-based ratio sampling whose only processor
 * queues finished, sampled spans into the export pipeline (batched there, converted lazily).
 * Request spans are lighter RequestSpans with the same sampling (see request-span-start.ts);
 * the tracer makes their children. Auto-instrumentations stay off. The OTel context is the
 * SDK's request context (context-manager.ts): globally when `registerGlobal`, and always for
 * the tracer handed to the host.
 */
import { ROOT_CONTEXT, type Context, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { RequestContextManager } from '../context/context-manager.js';
import type { ContextStorage } from '../context/request-context.js';
import type { ExportPipeline } from '../pipeline/export-pipeline.js';
import { contextTracer } from './context-tracer.js';
import { createRequestSpanStarter, type RequestSpanStarter } from './request-span-start.js';
import { OTEL_SPAN_LIMITS, SPAN_OVERHEAD_BYTES } from './span-limits.js';
import { estimateSpanBytes, queuedSpan } from './span-record.js';

export interface Tracing {
  /** Starts spans under the current request context unless given another one. */
  readonly tracer: Tracer;
  /** Starts the SERVER span of an incoming request, continuing its W3C `traceparent`. */
  readonly startRequestSpan: RequestSpanStarter;
  /** Extracts a W3C `traceparent`/`tracestate` parent from incoming headers. */
  extract(headers: Readonly<Record<string, string | string[] | undefined>>): Context;
  /** Writes `traceparent`/`tracestate` for an outgoing call made under `context`. */
  inject(context: Context, headers: Record<string, string>): void;
  shutdown(): Promise<void>;
}

class PipelineSpanProcessor implements SpanProcessor {
  constructor(private readonly pipeline: ExportPipeline) {}
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    let entry: unknown = span;
    let bytes = SPAN_OVERHEAD_BYTES;
    // This runs inside the host's span.end(): nothing may throw from it. A span whose record
    // cannot be built here is queued as it is, and its conversion decides (counted if refused).
    try {
      bytes = estimateSpanBytes(span);
      entry = queuedSpan(span);
    } catch {
      // Queued as it is, with the least estimate.
    }
    this.pipeline.enqueue('spans', entry, bytes);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const getter = {
  keys: (carrier: Readonly<Record<string, unknown>>) => Object.keys(carrier),
  get: (carrier: Readonly<Record<string, unknown>>, key: string) =>
    carrier[key] as string | string[] | undefined,
};
const setter = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    // The OTel API takes a parent in upper-case hex (a B3 header, one set by hand), and its
    // children inherit the trace id: W3C takes lower case only, and a receiver would start over.
    carrier[key] = key === 'traceparent' ? value.toLowerCase() : value;
  },
};

export function createTracing(config: {
  readonly sampleRatio: number;
  readonly enabled: boolean;
  readonly registerGlobal: boolean;
  readonly resource: Readonly<Record<string, string>>;
  readonly pipeline: ExportPipeline;
  readonly storage: ContextStorage;
}): Tracing {
  const ratio = config.enabled ? config.sampleRatio : 0;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ ...config.resource }),
    // Ratio 1 samples every root: AlwaysOn says so without hashing each trace id.
    sampler: new ParentBasedSampler({
      root: ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio),
    }),
    // Attribute strings clipped as they are set (OTel's default keeps them whole until export).
    spanLimits: OTEL_SPAN_LIMITS,
    spanProcessors: config.enabled ? [new PipelineSpanProcessor(config.pipeline)] : [],
  });
  const contextManager = new RequestContextManager(config.storage);
  if (config.registerGlobal) provider.register({ contextManager });
  const propagator = new W3CTraceContextPropagator();
  return {
    tracer: contextTracer(provider.getTracer('@driftwatch/sdk'), contextManager),
    startRequestSpan: createRequestSpanStarter({
      sampleRatio: ratio,
      onEnd: config.enabled
        ? (span) => config.pipeline.enqueue('spans', span, span.estimatedBytes())
        : undefined,
    }),
    extract: (headers) =>
      headers.traceparent === undefined
        ? ROOT_CONTEXT
        : propagator.extract(ROOT_CONTEXT, headers, getter),
    inject: (context, headers) => propagator.inject(context, headers, setter),
    shutdown: () => provider.shutdown(),
  };
}
