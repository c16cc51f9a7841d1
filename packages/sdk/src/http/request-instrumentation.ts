/**
 * What every framework integration does per request, in one place: request id (kept from a valid
 * `x-request-id`, generated otherwise), a SERVER span continuing an incoming W3C `traceparent`,
 * the request context for logs, and at the end the span's HTTP attributes, the
 * `http.server.request.duration` histogram and one "request completed" log line.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Histogram,
  type Meter,
  type Span,
} from '@opentelemetry/api';
import type { Logger } from 'pino';
import { createStore, type RequestStore } from '../context/request-context.js';
import { requestIdFrom } from '../context/request-id.js';
import { loggerForShape, type LineShape } from '../logs/logger.js';
import type { Tracing } from '../traces/tracing.js';

/** Stable HTTP semantic-convention buckets for `http.server.request.duration` (seconds). */
export const HTTP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

/** The fields of the completion line (besides base and mixin fields), for the redaction check. */
const COMPLETION_LINE_SHAPE: LineShape = {
  request_id: true,
  trace_id: true,
  span_id: true,
  req: { method: true, url: true, route: true },
  res: { statusCode: true },
  responseTime: true,
};

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

export function createHttpInstrumentation(config: {
  readonly tracing: Tracing;
  readonly meter: Meter;
  readonly logger: Logger;
  /** Log one line per completed request. */
  readonly logRequests: boolean;
}): HttpInstrumentation {
  const { tracing, logger } = config;
  // Same output as `logger`, without running the redactor when no redact path can reach the line.
  const lineLogger = loggerForShape(logger, COMPLETION_LINE_SHAPE);
  const duration: Histogram = config.meter.createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP server requests',
    advice: { explicitBucketBoundaries: [...HTTP_DURATION_BUCKETS] },
  });
  // Attribute sets repeat (method × route × status): reuse them instead of allocating per request.
  const attributeCache = new Map<string, Attributes>();
  function durationAttributes(
    method: string,
    route: string | undefined,
    status: number,
  ): Attributes {
    const key = `${method} ${status} ${route ?? ''}`;
    let attributes = attributeCache.get(key);
    if (!attributes) {
      attributes = { 'http.request.method': method, 'http.response.status_code': status };
      if (route !== undefined) attributes['http.route'] = route;
      if (attributeCache.size < 2000) attributeCache.set(key, attributes);
    }
    return attributes;
  }

  return {
    start(request) {
      const startedAt = performance.now();
      const requestId = request.requestId ?? requestIdFrom(request.headers['x-request-id']);
      const span: Span = tracing.tracer.startSpan(
        request.method,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            'url.path': request.path,
            'url.scheme': request.scheme ?? 'http',
          },
        },
        tracing.extract(request.headers),
      );
      const store = createStore(requestId, span);
      return {
        requestId,
        store,
        end({ statusCode, route, error }) {
          const seconds = (performance.now() - startedAt) / 1000;
          if (route !== undefined) {
            span.updateName(`${request.method} ${route}`);
            span.setAttribute('http.route', route);
          }
          span.setAttribute('http.response.status_code', statusCode);
          if (statusCode >= 500 || error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            if (error instanceof Error) span.recordException(error);
          }
          span.end();
          duration.record(seconds, durationAttributes(request.method, route, statusCode));
          if (config.logRequests && logger.isLevelEnabled('info')) {
            lineLogger.info(
              {
                request_id: requestId,
                trace_id: store.traceId,
                span_id: store.spanId,
                req: { method: request.method, url: request.path, route },
                res: { statusCode },
                responseTime: Math.round(seconds * 1e6) / 1e3,
              },
              'request completed',
            );
          }
        },
      };
    },
  };
}
