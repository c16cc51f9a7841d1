/**
 * Express middleware: per request a request id (echoed as `x-request-id`), a SERVER span, the
 * request context for logs (request_id/trace_id/span_id on every line), the HTTP duration
 * histogram and one completion log line; `healthRoutes` adds `/health` and `/readiness`.
 */
import type { Monitor } from '@driftwatch/sdk';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Available to handlers as `res.locals.driftwatch` (or `monitor.activeContext()`). */
export interface DriftwatchRequestContext {
  readonly requestId: string;
  readonly traceId: string;
  readonly spanId: string;
}

function routeOf(request: Request): string | undefined {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${request.baseUrl}${path}` : undefined;
}

/** `app.use(driftwatch(monitor))` before your routes. */
export function driftwatch(monitor: Monitor): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const handle = monitor.http.start({
      method: request.method,
      path: request.path,
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
      handle.end({ statusCode, route: routeOf(request) });
    });
    monitor.contextStorage.run(handle.store, next);
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
