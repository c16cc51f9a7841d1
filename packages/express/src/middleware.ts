/**
 * Express middleware: per request a request id (echoed as `x-request-id`), a SERVER span, the
 * request context for logs (request_id/trace_id/span_id on every line), the HTTP duration
 * histogram and one completion log line; `healthRoutes` adds `/health` and `/readiness`.
 */
import {
  bindUpgradeSocket,
  emitInContext,
  idleTimeoutEnd,
  serverFailureOf,
  releaseSocketTimeout,
  socketTimeoutInContext,
  watchIdleTimeout,
  watchQueuedResponse,
  type Monitor,
} from '@driftwatch/sdk';
import { Router } from 'express';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { checkHealthRoutesOptions } from './health-options.js';
import { checkMonitor } from './monitor-argument.js';
import { isOwnRoute, routePatternOf } from './mount-pattern.js';
import { RequestContext } from './request-context.js';
import { bodyCutOff, statusOfCutRequest, statusOfError } from './response-status.js';
import { noteRouteApps, routeAppOf } from './route-owner.js';
import { sessionStatus, upgradedSocketOf, withoutWebSocketSuffix } from './websocket-session.js';

/** Set on a request once instrumented: a second `driftwatch()` on its way (a sub-app's) passes. */
const INSTRUMENTED = Symbol('driftwatch.express.instrumented');
/** The error a route passed on (kept by `driftwatchErrors()` for the request's span). */
const ERROR = Symbol('driftwatch.express.error');
/** Set once a `driftwatchErrors(monitor)` will log the request's error: a later one (a parent's) does not. */
const LOGGED = Symbol('driftwatch.express.logged');
/** Set by a probe route of `healthRoutes(monitor, { logProbes: false })`: no completion line. */
const QUIET = Symbol('driftwatch.express.quiet');

type Marked = Request & {
  [INSTRUMENTED]?: true;
  [ERROR]?: unknown;
  [LOGGED]?: true;
  [QUIET]?: true;
};

/**
 * The matched route's pattern with the patterns it is mounted under (`/api/users/:userId` +
 * `/orders/:orderId`), or, for a route given as an array, the one that matched. When it cannot be
 * resolved there is no route (the span is named by the method alone, as Fastify names unmatched
 * requests): the concrete `baseUrl` would give every parameter value its own series and overflow
 * the histogram's series cap.
 */
function routeOf(request: Request, app: unknown): string | undefined {
  const route = request.route as { path?: unknown } | undefined;
  if (route === undefined || route === null) return undefined;
  // The common case, a route of the app itself answering: nothing to search.
  if (request.baseUrl === '' && typeof route.path === 'string' && isOwnRoute(app, route)) {
    return route.path;
  }
  const baseUrl: unknown = request.baseUrl;
  // The sub-app that matched the route, and `request.app`: its parent's again once an error
  // left the sub-app, the sub-app still when the response closed in it.
  const innermost = [routeAppOf(route), request.app];
  return routePatternOf(app, innermost, { path: pathOf(request), baseUrl }, route);
}

/** The full path, mount prefix included (`request.path` is relative to the middleware's mount). */
function pathOf(request: Request): string {
  const url = request.originalUrl;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The query string of the request's URL, without its `?`; undefined for none. */
function queryOf(request: Request): string | undefined {
  const url = request.originalUrl;
  const query = url.indexOf('?');
  return query === -1 ? undefined : url.slice(query + 1);
}

/** `app.use(driftwatch(monitor))` before your routes. */
export function driftwatch(monitor: Monitor): RequestHandler {
  checkMonitor('driftwatch', monitor);
  /** The request prototype whose `route` notes its app (one app's, as a rule: checked once). */
  let noting: object | null = null;
  return (request: Request, response: Response, next: NextFunction) => {
    const marked = request as Marked;
    // The first application's span and context already cover this request.
    if (marked[INSTRUMENTED]) return next();
    marked[INSTRUMENTED] = true;
    const prototype = Object.getPrototypeOf(request) as object | null;
    if (prototype !== noting && prototype !== null) {
      noteRouteApps(prototype);
      noting = prototype;
    }
    // The app this middleware runs in: mount patterns are searched from the top of its mounts.
    const app: unknown = request.app;
    // A WebSocket session a library (express-ws) answered before routing it here.
    const session = upgradedSocketOf(request, response);
    const handle = monitor.http.start({
      method: request.method,
      path: session === undefined ? pathOf(request) : withoutWebSocketSuffix(pathOf(request)),
      query: queryOf(request),
      headers: request.headers,
      // Behind a trusted proxy, the client-writable X-Forwarded-Proto (the SDK keeps http/https).
      scheme: request.protocol,
    });
    response.locals.driftwatch = new RequestContext(
      handle.requestId,
      handle.store.traceId,
      handle.store.spanId,
      monitor,
    );
    if (session !== undefined) {
      // Its response never closes: the session ends with its socket, whose events (the
      // WebSocket's messages) run in this request's context.
      bindUpgradeSocket(request, monitor.contextStorage, handle);
      const endSession = (): void => {
        const error = marked[ERROR];
        const route = routeOf(request, app);
        handle.end({
          statusCode: sessionStatus(
            request,
            response,
            // express-ws answers errors itself: not with the response's status.
            error === undefined ? undefined : statusOfError(error),
          ),
          route: route === undefined ? undefined : withoutWebSocketSuffix(route),
          error,
        });
      };
      if (session.destroyed) process.nextTick(endSession);
      else session.once('close', endSession);
      return monitor.contextStorage.run(handle.store, next);
    }
    // Headers already sent (a route before this middleware answered, then called next()):
    // setHeader would throw into the host's error handlers.
    if (!response.headersSent) response.setHeader('x-request-id', handle.requestId);
    const { socket } = request;
    if (socket) {
      // Whether the socket has an idle timeout yet or not: a handler may set one later
      // (`req.setTimeout(ms)`), which Node enforces as it does the server's, by destroying the
      // socket; that was recorded as a client gone (499). One listener per connection.
      watchIdleTimeout(socket);
      // `server.setTimeout(ms, callback)` and `server.on('timeout')` run from the socket's
      // 'timeout': in the context of the request in flight (a handler's own `setTimeout`
      // callback listens on the request or the response, bound below).
      if (socket.timeout) socketTimeoutInContext(socket, monitor.contextStorage, handle.store);
    }
    // Their listeners (body chunks, 'end', 'finish') run in the request's context.
    emitInContext(request, monitor.contextStorage, handle.store);
    emitInContext(response, monitor.contextStorage, handle.store);
    // 'close' comes once per response, after 'finish' when it was sent in full: one listener.
    let ended = false;
    const onClose = (): void => {
      if (ended) return;
      ended = true;
      releaseSocketTimeout(socket, handle.store);
      const error = marked[ERROR];
      const route = routeOf(request, app);
      // A quiet probe keeps its span and duration, not its completion line.
      const logLine = marked[QUIET] !== true;
      // A body cut off (express.json() reading it) makes Express "answer" on a closed socket:
      // the response then looks finished, though the client never got it.
      if (response.writableFinished && !bodyCutOff(request)) {
        handle.end({ logLine, statusCode: response.statusCode, route, error });
        return;
      }
      if (error !== undefined && response.headersSent && !bodyCutOff(request)) {
        // An error passed on after the headers went out: Express's final handler cuts the
        // connection. The server failed, with the status it had sent; the client did not leave.
        handle.end({
          logLine,
          statusCode: response.statusCode,
          route,
          error,
          failedMidResponse: true,
        });
        return;
      }
      // The server destroyed the response with an error (`pipeline(source, res)` whose source
      // failed, handled by its callback rather than passed on): its failure, not the client's.
      const failure = serverFailureOf(response);
      if (failure !== undefined) {
        if (response.headersSent) {
          handle.end({
            logLine,
            statusCode: response.statusCode,
            route,
            error: failure,
            failedMidResponse: true,
          });
        } else {
          handle.end({
            logLine,
            statusCode: statusOfError(failure, response),
            route,
            error: error ?? failure,
          });
        }
        return;
      }
      // The server's idle timeout cut it (its failure, see the SDK's http/server-timeout.ts), its
      // `requestTimeout` (408), or a client that went away before the response finished (499).
      const timedOut = idleTimeoutEnd(request, response);
      if (timedOut === undefined) {
        handle.end({ logLine, statusCode: statusOfCutRequest(request), route, error });
      } else {
        handle.end({ logLine, ...timedOut, route, error: error ?? timedOut.error });
      }
    };
    if (response.closed) {
      // Closed before this middleware ran ('close' comes no more): the client left while a slow
      // middleware before it ran, or a route before it answered and went on later.
      onClose();
    } else {
      response.once('close', onClose);
      // A pipelined request queued behind another's response has no socket yet. When the client
      // drops the connection, Node destroys the request, and its response, never given the
      // socket, emits neither 'finish' nor 'close': the request's 'close' ends it then.
      // A POST's request closes once its body is read: only a lost connection ends it.
      if (response.socket === null) watchQueuedResponse(request, response, onClose);
    }
    monitor.contextStorage.run(handle.store, next);
  };
}

/**
 * Logs an error whose response closed with a 5xx, or was cut off after its headers (the status
 * Express's final handler would have answered when none was sent) unless the error says that the
 * client left, or, without `response` (one answered before the error came), an error whose own
 * status is a 5xx or that has none; never throws (whatever was passed to `next()`).
 */
function logServerError(monitor: Monitor, error: unknown, response: Response | undefined): void {
  try {
    const status =
      response === undefined
        ? statusOfError(error)
        : response.writableFinished
          ? response.statusCode
          : statusOfError(error, response);
    if (status < 500) return;
    // The client left a response it was sent (`pipeline(source, res, next)`: Premature close,
    // ECONNRESET): recorded as a 499, not a failure of the server's.
    if (response?.closed === true && !response.writableFinished) {
      if (serverFailureOf({ errored: error as Error }) === undefined) return;
    }
    const message =
      error instanceof Error ? error.message : typeof error === 'string' ? error : 'route error';
    monitor.logger.error({ err: error }, message);
  } catch {
    // An error object with a throwing getter: the span still gets it.
  }
}

/**
 * `app.use(driftwatchErrors(monitor))` after your routes (before your own error handlers):
 * Express hands a thrown error only to error middleware, so this one keeps it for the request's
 * span (a 5xx then has `error.type` = the error's class and an exception event) and passes it
 * on. Given the monitor, it also logs an error whose response ends as a 5xx (whichever handler
 * answered it), with its stack and the request's ids, as the Fastify plugin does (Express itself
 * only prints it to stderr).
 */
export function driftwatchErrors(monitor?: Monitor): ErrorRequestHandler {
  if (monitor !== undefined) checkMonitor('driftwatchErrors', monitor);
  return (error: unknown, request: Request, response: Response, next: NextFunction) => {
    const marked = request as Marked;
    marked[ERROR] = error;
    // Logged once the response closes, by its final status: an error handler of the application's
    // after this one may still answer the error with a 4xx (a validation error). Before the
    // middleware's own 'close' listener, so the error line precedes the completion line. A
    // sub-app's recorder and its parent's log it once.
    if (monitor !== undefined && marked[LOGGED] !== true) {
      marked[LOGGED] = true;
      if (response.writableEnded) {
        // Answered before the error came (an async handler that failed after `res.json()`): the
        // status sent says nothing of it, and Express's final handler only cuts the connection.
        logServerError(monitor, error, undefined);
      } else if (response.closed || upgradedSocketOf(request, response) !== undefined) {
        // A WebSocket session's response never closes, and express-ws answers its errors itself;
        // a response already closed (the client went away before the handler failed) closes no
        // more.
        logServerError(monitor, error, response);
      } else {
        response.prependOnceListener('close', () =>
          logServerError(monitor, marked[ERROR], response),
        );
      }
    }
    next(error);
  };
}

export interface HealthRoutesOptions {
  /** Liveness route. @default '/health' */
  readonly health?: string | undefined;
  /** Readiness route (503 while a registered check fails). @default '/readiness' */
  readonly readiness?: string | undefined;
  /**
   * False: probes (a kubelet's every few seconds) write no completion line; their spans and
   * durations are still recorded, and an error is still logged. @default true
   */
  readonly logProbes?: boolean | undefined;
}

/**
 * `/health` (liveness) and `/readiness` (503 while a registered check fails), as routes of a
 * router: their requests have an `http.route`, as with the Fastify plugin.
 */
export function healthRoutes(monitor: Monitor, routes: HealthRoutesOptions = {}): RequestHandler {
  checkMonitor('healthRoutes', monitor);
  checkHealthRoutesOptions(routes);
  const router = Router();
  // On the probe routes alone: the router sees every request of the app it is mounted in.
  const mark = (request: Request, _response: Response, next: NextFunction): void => {
    if (routes.logProbes === false) (request as Marked)[QUIET] = true;
    next();
  };
  router.get(routes.health ?? '/health', mark, (_request: Request, response: Response) => {
    response.json({ status: 'ok' });
  });
  router.get(
    routes.readiness ?? '/readiness',
    mark,
    (_request: Request, response: Response, next: NextFunction) => {
      // Never rejects: an error answering (a JSON that fails) goes to Express's error handlers.
      monitor
        .readiness()
        .then((report) => {
          // A timeout middleware may have answered while the checks ran: its answer stands.
          if (!response.headersSent) response.status(report.ready ? 200 : 503).json(report);
        })
        .catch(next);
    },
  );
  return router;
}

/** Serves the Prometheus text format on the host's own Express server. */
export function metricsRoute(monitor: Monitor): RequestHandler {
  checkMonitor('metricsRoute', monitor);
  return (request: Request, response: Response) => monitor.metricsHandler(request, response);
}
