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
import { Store, type RequestStore } from '../context/request-context.js';
import { isValidRequestId, requestIdFrom } from '../context/request-id.js';
import { createCompletionLineWriter, type CompletionLineWriter } from '../logs/completion-line.js';
import type { FastMetrics } from '../metrics/fast-instruments.js';
import type { HistogramSeries } from '../metrics/fast-series.js';
import { errorTypeOf, semconvMethod, spanMethod } from './http-semconv.js';
import { urlQueryAttribute } from './url-query.js';
import { absoluteFormOf } from './url-path.js';
import { MAX_ATTRIBUTE_CHARS, type RequestSpan } from '../traces/request-span.js';
import type { Tracing } from '../traces/tracing.js';

/** Stable HTTP semantic-convention buckets for `http.server.request.duration` (seconds). */
export const HTTP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

/** Most (scheme, route, method, status, error) series kept bound; more are still recorded, with a lookup. */
const MAX_BOUND_SERIES = 2000;

export interface IncomingRequestInfo {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /**
   * The query string without its `?` (none: undefined or empty): the span's `url.query`, secret
   * parameters' values redacted (url-query.ts).
   */
  readonly query?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  /**
   * A request id the framework already chose (e.g. Fastify's `request.id` from our genReqId);
   * one that is not safe to log (empty, over 128 characters, not printable ASCII) is replaced.
   */
  readonly requestId?: string;
  readonly scheme?: string;
}

export interface RequestEnd {
  readonly statusCode: number;
  /** Route template (`/users/:id`); undefined when no route matched. */
  readonly route: string | undefined;
  readonly error?: unknown;
  /**
   * The server failed after the response's headers went out (`error` passed on mid-stream, the
   * connection then cut): `statusCode` is the status sent, and the request is still an error.
   */
  readonly failedMidResponse?: boolean;
  /**
   * false: no completion line for this request, as the framework's route asked (Fastify's
   * `logLevel` above info); its span and duration are still recorded. @default true
   */
  readonly logLine?: boolean;
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
  readonly seriesOf: (
    scheme: string,
    method: string,
    route: string | undefined,
    status: number,
    errorType: string | undefined,
  ) => HistogramSeries;
  readonly writeLine: CompletionLineWriter | undefined;
}

/** A request in flight; a class rather than a closure per request. */
class ActiveRequest implements RequestHandle {
  readonly store: RequestStore;

  constructor(
    readonly requestId: string,
    private readonly span: RequestSpan,
    /** As the request said it (the completion line's `req.method`). */
    private readonly method: string,
    /** As the conventions name it (span name, attributes, histogram). */
    private readonly semconvMethod: string,
    private readonly scheme: string,
    private readonly path: string,
    private readonly shared: Shared,
  ) {
    this.store = new Store(requestId, span, span.traceId, span.spanId, undefined);
  }

  end({ statusCode: given, route, error, failedMidResponse, logLine }: RequestEnd): void {
    const { span, method } = this;
    // A JavaScript caller's NaN or undefined would reach the wire as NaN: no status is 0, and
    // so is one that no response can carry (Node's writeHead takes 100–999 alone).
    const statusCode = Number.isInteger(given) && given >= 100 && given <= 999 ? given : 0;
    const elapsedMs = performance.now() - span.startPerfMs;
    const errorType = errorTypeOf(statusCode, error, failedMidResponse === true);
    span.endRequest(this.semconvMethod, route, statusCode, error, errorType);
    this.shared
      .seriesOf(this.scheme, this.semconvMethod, route, statusCode, errorType)
      .record(elapsedMs / 1000);
    if (logLine === false) return;
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
  /** `logs.secretKeys`: query parameters of these names are redacted in `url.query` too. */
  readonly secretKeys?: readonly string[];
}): HttpInstrumentation {
  const { tracing } = config;
  const secretKeys = new Set((config.secretKeys ?? []).map((key) => key.toLowerCase()));
  const duration = config.metrics.histogram({
    name: 'http.server.request.duration',
    unit: 's',
    description: 'Duration of HTTP server requests',
    boundaries: HTTP_DURATION_BUCKETS,
  });
  // Series repeat (scheme × route × method × status): each is bound once and found through maps
  // keyed by the strings and number the framework hands over (their hashes are cached: no key
  // string is built per request, except for a failed request's status and error type).
  type ByStatus = Map<number | string, HistogramSeries>;
  const bound = new Map<string, Map<string | undefined, Map<string, ByStatus>>>();
  let boundCount = 0;
  const seriesOf = (
    scheme: string,
    method: string,
    route: string | undefined,
    status: number,
    errorType: string | undefined,
  ): HistogramSeries => {
    const statusKey = errorType === undefined ? status : `${status} ${errorType}`;
    const found = bound.get(scheme)?.get(route)?.get(method)?.get(statusKey);
    if (found !== undefined) return found;
    const attributes: Attributes = { 'http.request.method': method };
    // No status was sent (0): the conventions leave the attribute out rather than record one.
    if (status !== 0) attributes['http.response.status_code'] = status;
    attributes['url.scheme'] = scheme;
    // Clipped as on the span: a longer value fails the collector's schema, and the series
    // would be dropped as invalid at every push.
    if (route !== undefined) attributes['http.route'] = route.slice(0, MAX_ATTRIBUTE_CHARS);
    if (errorType !== undefined) attributes['error.type'] = errorType;
    // Frozen: the fast histogram keys its series by the object's identity.
    const series = duration.bind(Object.freeze(attributes));
    if (boundCount < MAX_BOUND_SERIES) {
      let byRoute = bound.get(scheme);
      if (byRoute === undefined) bound.set(scheme, (byRoute = new Map()));
      let byMethod = byRoute.get(route);
      if (byMethod === undefined) byRoute.set(route, (byMethod = new Map()));
      let statuses = byMethod.get(method);
      if (statuses === undefined) byMethod.set(method, (statuses = new Map()));
      statuses.set(statusKey, series);
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
      // A framework's own id is checked like an incoming header's (Fastify's genReqId of
      // fastifyOptions hands over one already checked: a 36-character scan).
      const given = request.requestId;
      const requestId = isValidRequestId(given)
        ? given
        : requestIdFrom(request.headers['x-request-id']);
      const { method } = request;
      // Behind a trusted proxy a framework reads the scheme from the client-writable
      // X-Forwarded-Proto: any other value would open a new duration series.
      const scheme = request.scheme === 'https' ? 'https' : 'http';
      // An absolute-form target (`GET http://host/a`) arrives whole; an origin form starts with
      // `/` and is taken as it is.
      const target =
        request.path.charCodeAt(0) === 0x2f
          ? request.path
          : (absoluteFormOf(request.path)?.path ?? request.path);
      const path =
        target.length > MAX_ATTRIBUTE_CHARS ? target.slice(0, MAX_ATTRIBUTE_CHARS) : target;
      const known = semconvMethod(method);
      // Filled in from an empty literal, which has no V8 allocation site (see Store).
      const attributes: Record<string, string> = {};
      attributes['http.request.method'] = known;
      attributes['url.path'] = path;
      attributes['url.scheme'] = scheme;
      const { query } = request;
      if (query) attributes['url.query'] = urlQueryAttribute(query, secretKeys);
      if (known !== method) attributes['http.request.method_original'] = method.slice(0, 64);
      // The conventions name a span of a method they do not know `HTTP` (`HTTP {route}`).
      const span = tracing.startRequestSpan(spanMethod(known), attributes, request.headers);
      return new ActiveRequest(requestId, span, method, known, scheme, request.path, shared);
    },
  };
}
