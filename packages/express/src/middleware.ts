/**
 * Express middleware: per request a request id (echoed as `x-request-id`), a SERVER span, the
 * request context for logs (request_id/trace_id/span_id on every line), the HTTP duration
 * histogram and one completion log line; `healthRoutes` adds `/health` and `/readiness`.
 */
import type { Monitor } from '@driftwatch/sdk';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { mountPatternOf } from './mount-pattern.js';

/** Available to handlers as `res.locals.driftwatch` (or `monitor.activeContext()`). */
export interface DriftwatchRequestContext {
  readonly requestId: string;
  readonly traceId: string;
  readonly spanId: string;
}

/** Set on a request once instrumented: a second `driftwatch()` on its way (a sub-app's) passes. */
const INSTRUMENTED = Symbol('driftwatch.express.instrumented');
/** The error a route passed on (kept by `driftwatchErrors()` for the request's span). */
const ERROR = Symbol('driftwatch.express.error');

type Marked = Request & { [INSTRUMENTED]?: true; [ERROR]?: unknown };

/**
 * The matched route's pattern with the patterns it is mounted under (`/api/users/:userId` +
 * `/orders/:orderId`). When a mount pattern cannot be resolved there is no route (the span is
 * named by the method alone, as Fastify names unmatched requests): the concrete `baseUrl` would
 * give every parameter value its own series and overflow the histogram's series cap.
 */
function routeOf(request: Request, app: unknown): string | undefined {
  const route = request.route as { path?: unknown } | undefined;
  if (route === undefined || typeof route.path !== 'string') return undefined;
  if (request.baseUrl === '') return route.path;
  const mount = mountPatternOf(app, request.app, request.baseUrl, route);
  return mount === undefined ? undefined : `${mount}${route.path}`;
}

/** The full path, mount prefix included (`request.path` is relative to the middleware's mount). */
function pathOf(request: Request): string {
  const url = request.originalUrl;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** `app.use(driftwatch(monitor))` before your routes. */
export function driftwatch(monitor: Monitor): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const marked = request as Marked;
    // The first application's span and context already cover this request.
    if (marked[INSTRUMENTED]) return next();
    marked[INSTRUMENTED] = true;
    // The app this middleware runs in: mount patterns are searched from the top of its mounts.
    const app: unknown = request.app;
    const handle = monitor.http.start({
      method: request.method,
      path: pathOf(request),
      headers: request.headers,
      scheme: request.protocol,
    });
    const context: DriftwatchRequestContext = {
      requestId: handle.requestId,
      traceId: handle.store.traceId,
      spanId: handle.store.spanId,
    };
    response.locals.driftwatch = context;
    response.setHeader('x-request-id', handle.requestId);
    // 'close' comes once per response, after 'finish' when it was sent in full: one listener.
    response.once('close', () => {
      // A client that went away before the response finished: 499, as nginx records it.
      const statusCode = response.writableFinished ? response.statusCode : 499;
      handle.end({ statusCode, route: routeOf(request, app), error: marked[ERROR] });
    });
    monitor.contextStorage.run(handle.store, next);
  };
}

/**
 * `app.use(driftwatchErrors())` after your routes (before your own error handlers): Express
 * hands a thrown error only to error middleware, so this one keeps it for the request's span
 * (a 5xx then has `error.type` = the error's class and an exception event) and passes it on.
 */
export function driftwatchErrors(): ErrorRequestHandler {
  return (error: unknown, request: Request, _response: Response, next: NextFunction) => {
    (request as Marked)[ERROR] = error;
    next(error);
  };
}

/** `/health` (liveness) and `/readiness` (503 while a registered check fails). */
export function healthRoutes(
  monitor: Monitor,
  routes: { health?: string; readiness?: string } = {},
): RequestHandler {
  const health = routes.health ?? '/health';
  const readiness = routes.readiness ?? '/readiness';
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (request.path === health) {
      response.json({ status: 'ok' });
      return;
    }
    if (request.path !== readiness) return next();
    monitor.readiness().then(
      (report) => response.status(report.ready ? 200 : 503).json(report),
      (error: unknown) => next(error),
    );
  };
}

/** Serves the Prometheus text format on the host's own Express server. */
export function metricsRoute(monitor: Monitor): RequestHandler {
  return (request: Request, response: Response) => monitor.metricsHandler(request, response);
}
