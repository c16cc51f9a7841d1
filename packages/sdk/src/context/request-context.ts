/**
 * Per-request context carried by AsyncLocalStorage: request id and the current span, read by
 * the logger's mixin (request_id, trace_id, span_id on every line) and by logPrediction.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from '@opentelemetry/api';

export interface RequestStore {
  readonly requestId: string | undefined;
  /** The current span (the request's SERVER span, or a child made by `monitor.span`). */
  readonly span: Span;
  readonly traceId: string;
  readonly spanId: string;
}

/** The ids visible to user code, e.g. for a response header or an outgoing call. */
export interface ActiveContext {
  readonly requestId: string | undefined;
  readonly traceId: string;
  readonly spanId: string;
}

export function createStore(requestId: string | undefined, span: Span): RequestStore {
  const context = span.spanContext();
  return { requestId, span, traceId: context.traceId, spanId: context.spanId };
}

export type ContextStorage = AsyncLocalStorage<RequestStore>;

export function createContextStorage(): ContextStorage {
  return new AsyncLocalStorage<RequestStore>();
}
