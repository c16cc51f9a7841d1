/**
 * Per-request context carried by AsyncLocalStorage: request id and the current span, read by
 * the logger's mixin (request_id, trace_id, span_id on every line), by logPrediction and, as
 * OpenTelemetry's active context, by the OTel API (see context-manager.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, Span } from '@opentelemetry/api';

export interface RequestStore {
  readonly requestId: string | undefined;
  /** The current span (the request's SERVER span, or a child made by `monitor.span`). */
  readonly span: Span;
  /** Hex ids of `span`; '' in a store made for an OTel context that holds no span. */
  readonly traceId: string;
  readonly spanId: string;
  /**
   * The OTel context this store stands for: given to `context.with`, or made from `span` the
   * first time the OTel API asks for it (most requests never do).
   */
  otel: Context | undefined;
}

/** The ids visible to user code, e.g. for a response header or an outgoing call. */
export interface ActiveContext {
  readonly requestId: string | undefined;
  readonly traceId: string;
  readonly spanId: string;
  /** Whether the current span is sampled (recorded and exported). */
  readonly sampled: boolean;
}

/**
 * A request's store, made by a constructor rather than an object literal: V8 tracks each literal's
 * allocation site, and one whose objects it finds alive at a young-generation collection (a
 * store lives as long as anything of its request, up to a keep-alive timer) is switched to
 * allocate in the old generation for good; a store there keeps the request's span, attributes
 * and ids alive until the next full collection (bench/PERFORMANCE.md, "What was tried").
 */
export class Store implements RequestStore {
  constructor(
    readonly requestId: string | undefined,
    readonly span: Span,
    readonly traceId: string,
    readonly spanId: string,
    public otel: Context | undefined,
  ) {}
}

export function createStore(
  requestId: string | undefined,
  span: Span,
  otel: Context | undefined = undefined,
): RequestStore {
  const context = span.spanContext();
  return new Store(requestId, span, context.traceId, context.spanId, otel);
}

export type ContextStorage = AsyncLocalStorage<RequestStore>;

export function createContextStorage(): ContextStorage {
  return new AsyncLocalStorage<RequestStore>();
}
