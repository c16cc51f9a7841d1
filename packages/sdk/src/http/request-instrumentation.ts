/**
 * What every framework integration does per request, in one place: request id (kept from a valid
 * `x-request-id`, generated otherwise), a SERVER span continuing an incoming W3C `traceparent`,
 * the request context for logs, and at the end the span's HTTP attributes, the
 * `http.server.request.duration` histogram and one "request completed" log line.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Attributes } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { RequestStore } from '../context/request-context.js';
import { requestIdFrom } from '../context/request-id.js';
import { createCompletionLineWriter, type CompletionLineWriter } from '../logs/completion-line.js';
import type { FastMetrics } from '../metrics/fast-instruments.js';
import type { HistogramSeries } from '../metrics/fast-series.js';
import { MAX_ATTRIBUTE_CHARS, type RequestSpan } from '../traces/request-span.js';
import type { Tracing } from '../traces/tracing.js';

/** Stable HTTP semantic-convention buckets for `http.server.request.duration` (seconds). */
export const HTTP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

/** Most (method, route, status) series kept bound; more are still recorded, with a lookup. */
const MAX_BOUND_SERIES = 2000;

export interface IncomingRequestInfo {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** A request id the framework already chose (e.g. Fastify's `request.id` from our genReqId). */
  readonly requestId?: string;
  readonly scheme?: string;
}

export interface RequestEnd {
  readonly statusCode: number;
  /** Route template (`/users/:id`); undefined when no route matched. */
  readonly route: string | undefined;
  readonly error?: unknown;
}

/** One request in flight. */
export interface RequestHandle {
  readonly requestId: string;
  readonly store: RequestStore;
  end(info: RequestEnd): void;
}

export interface HttpInstrumentation {
  start(request: IncomingRequestInfo): RequestHandle;
}

interface Shared {
  readonly seriesOf: (method: string, route: string | undefined, status: number) => HistogramSeries;
  readonly writeLine: CompletionLineWriter | undefined;
}

/** A request in flight; a class rather than a closure per request. */
class ActiveRequest implements RequestHandle {
  readonly store: RequestStore;

  constructor(
    readonly requestId: string,
    private readonly span: RequestSpan,
    private readonly method: string,
    private readonly path: string,
    private readonly shared: Shared,
  ) {
    this.store = { requestId, span, traceId: span.traceId, spanId: span.spanId, otel: undefined };
  }

  end({ statusCode, route, error }: RequestEnd): void {
    const { span, method } = this;
    const elapsedMs = performance.now() - span.startPerfMs;
    span.endRequest(method, route, statusCode, error);
    this.shared.seriesOf(method, route, statusCode).record(elapsedMs / 1000);
    this.shared.writeLine?.({
      requestId: this.requestId,
      traceId: span.traceId,
      spanId: span.spanId,
      method,
      path: this.path,
      route,
      statusCode,
      responseTimeMs: Math.round(elapsedMs * 1e3) / 1e3,
    });
  }
}

export function createHttpInstrumentation(config: {
  readonly tracing: Tracing;
  readonly metrics: FastMetrics;
  readonly logger: Logger;
  /** Log one line per completed request. */
  readonly logRequests: boolean;
}): HttpInstrumentation {
  const { tracing } = config;
  const duration = config.metrics.histogram({
    name: 'http.server.request.duration',
    unit: 's',
    description: 'Duration of HTTP server requests',
    boundaries: HTTP_DURATION_BUCKETS,
  });
  // Series repeat (route × method × status): each is bound once and found through maps keyed by
  // the strings and number the framework hands over (their hashes are cached: no key string is
  // built per request).
  const bound = new Map<string | undefined, Map<string, Map<number, HistogramSeries>>>();
  let boundCount = 0;
  const seriesOf = (method: string, route: string | undefined, status: number): HistogramSeries => {
    const byStatus = bound.get(route)?.get(method);
    const found = byStatus?.get(status);
    if (found !== undefined) return found;
    const attributes: Attributes = {
      'http.request.method': method,
      'http.response.status_code': status,
    };
    if (route !== undefined) attributes['http.route'] = route;
    // Frozen: the fast histogram keys its series by the object's identity.
    const series = duration.bind(Object.freeze(attributes));
    if (boundCount < MAX_BOUND_SERIES) {
      let byMethod = bound.get(route);
      if (byMethod === undefined) bound.set(route, (byMethod = new Map()));
      let statuses = byMethod.get(method);
      if (statuses === undefined) byMethod.set(method, (statuses = new Map()));
      statuses.set(status, series);
      boundCount += 1;
    }
    return series;
  };
  const shared: Shared = {
    seriesOf,
    writeLine: config.logRequests ? createCompletionLineWriter(config.logger) : undefined,
  };

  return {
    start(request) {
      const requestId = request.requestId ?? requestIdFrom(request.headers['x-request-id']);
      const { method } = request;
      const path =
        request.path.length > MAX_ATTRIBUTE_CHARS
          ? request.path.slice(0, MAX_ATTRIBUTE_CHARS)
          : request.path;
      const span = tracing.startRequestSpan(
        method,
        { 'http.request.method': method, 'url.path': path, 'url.scheme': request.scheme ?? 'http' },
        request.headers,
      );
      return new ActiveRequest(requestId, span, method, request.path, shared);
    },
  };
}
