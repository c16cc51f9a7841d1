/**
 * The Fastify plugin: per request a request id (echoed as `x-request-id`), a SERVER span, the
 * request context that puts request_id/trace_id/span_id on every log line (handler and async
 * callbacks included), the HTTP duration histogram and one completion log line; plus
 * `/health`, `/readiness` and optionally the Prometheus route on the host's own server.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Monitor, RequestHandle } from '@driftwatch/sdk';
import {
  bindUpgradeSocket,
  emitInContext,
  idleTimeoutEnd,
  requestIdFrom,
  releaseSocketTimeout,
  SdkError,
  SdkErrorCodes,
  socketTimeoutInContext,
  watchIdleTimeout,
  watchQueuedResponse,
} from '@driftwatch/sdk';
import fastify, {
  type FastifyInstance,
  type FastifyPluginCallback,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import {
  closingServers,
  recordFastifyRefusal,
  refusedOutsidePlugin,
  refuseOutsidePlugin,
  SERVICE_UNAVAILABLE,
} from './closing-refusals.js';
import { enterContextOnAbort } from './handler-timeout.js';
import { lazyChildFactory } from './lazy-child-logger.js';
import { fastifyOptionsError, pluginOptionsError } from './plugin-options.js';
import { routerErrorHandler } from './router-errors.js';
import { responseFailureOf } from './server-failure.js';
import { isWebBody, watchWebBody } from './web-body-stream.js';

export interface DriftwatchFastifyOptions {
  readonly monitor: Monitor;
  /** Liveness route; false to leave it out. @default '/health' */
  readonly healthRoute?: string | false | undefined;
  /** Readiness route (503 while a registered check fails); false to leave it out. @default '/readiness' */
  readonly readinessRoute?: string | false | undefined;
  /** Serve Prometheus metrics on this route of the host's server (with `metrics.serve: false`). @default false */
  readonly metricsRoute?: string | false | undefined;
  /**
   * False: `/health` and `/readiness` requests (a kubelet's every few seconds) write no
   * completion line, as a route with `logLevel: 'warn'`; their spans and durations are still
   * recorded. @default true
   */
  readonly logProbes?: boolean | undefined;
}

const kHandle = Symbol('driftwatch.handle');
const kError = Symbol('driftwatch.error');
/** Set when the response's body stream failed after the headers went out. */
const kStreamFailed = Symbol('driftwatch.streamFailed');
/** The response's body stream, kept where no log controller of ours hears of its failure. */
const kBodyStream = Symbol('driftwatch.bodyStream');
/** `request.routeOptions` (a new object at each read), read once in onRequest. */
const kRoute = Symbol('driftwatch.route');
const kRequestId = Symbol.for('driftwatch.requestId');

interface Instrumented {
  [kHandle]: RequestHandle | null;
  [kError]: unknown;
  [kStreamFailed]: boolean | null;
  [kBodyStream]: Readable | null;
  [kRoute]: FastifyRequest['routeOptions'] | null;
}

/**
 * The child-logger factories of `fastifyOptions` that come with the completion-line controller,
 * which hears of a body stream failing (Fastify exposes the factory, not the controller).
 */
const reportingFactories = new WeakSet<object>();
/** The child-logger factories of `fastifyOptions`, which turn Fastify's own closing 503 off. */
const refusingFactories = new WeakSet<object>();

declare module 'fastify' {
  interface FastifyInstance {
    /** The Driftwatch monitor: `fastify.driftwatch.logPrediction(...)`. */
    readonly driftwatch: Monitor;
  }
}

/**
 * Fastify options that make Fastify's request id the Driftwatch request id and its logger the
 * SDK's pino logger, with the plugin's single completion line instead of Fastify's two (through a
 * `logController`: the top-level `disableRequestLogging` is deprecated since Fastify 5.12).
 * `request.log` is created on its first use (see lazy-child-logger.ts).
 *
 * @throws SdkError `DW_SDK_INVALID_ARGUMENT` when `monitor` is not the monitor `init()` returned.
 * @example const app = Fastify(fastifyOptions(monitor));
 */
export function fastifyOptions(monitor: Monitor): Pick<
  FastifyServerOptions,
  'requestIdHeader' | 'logController' | 'disableRequestLogging' | 'return503OnClosing'
> & {
  /** Records what the router answers before any hook; fits HTTP/1 and HTTP/2 servers. */
  frameworkErrors: ReturnType<typeof routerErrorHandler>;
  loggerInstance: Monitor['logger'];
  childLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']>;
  /** Takes any raw request with headers: an HTTP/1 IncomingMessage or an Http2ServerRequest. */
  genReqId: (raw: { readonly headers: IncomingHttpHeaders }) => string;
} {
  const invalidMonitor = fastifyOptionsError(monitor);
  if (invalidMonitor !== undefined) throw invalidMonitor;
  // Fastify before 5.12 has no LogController: fall back to the option it still understands.
  const LogController = (fastify as { LogController?: typeof fastify.LogController }).LogController;
  // Only Fastify's two request lines give way to the plugin's completion line: its error logs
  // (a 5xx with the stack, stream and serializer errors) stay. `disableRequestLogging: true`
  // would silence those too.
  const CompletionLineController =
    LogController &&
    class extends LogController {
      // Called for every request of every context, before any hook. A request without the
      // plugin's decoration is outside its context (it is registered in a child one): refused
      // here while the server closes, as Fastify would (see closing-refusals.ts). Otherwise one
      // size check.
      override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
        if (closingServers.size !== 0 && !(kHandle in request) && refusedOutsidePlugin(request)) {
          refuseOutsidePlugin(monitor, request, reply);
        }
      }
      override requestCompleted(): void {}
      // Fastify reports here a body stream that failed after the headers were sent, then
      // destroys the response: the request failed on the server's side (recorded with the sent
      // status, as an error), not the client's (499). It also reports the response's own errors
      // (the client leaving: a premature close, a reset socket), once the response is already
      // destroyed; those stay 499.
      override streamError(
        error: Error,
        request: FastifyRequest,
        reply: FastifyReply,
        metadata?: Record<string, unknown>,
      ): void {
        const fromSource = !reply.raw.destroyed;
        if (fromSource && (error as { code?: unknown }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
          const state = request as unknown as Instrumented;
          state[kError] = error;
          state[kStreamFailed] = true;
        }
        super.streamError(error, request, reply, metadata);
      }
    };
  // One factory per parent: Fastify passes its own logger (derived from monitor.logger), or a
  // route's or plugin's.
  const factories = new WeakMap<object, ReturnType<typeof lazyChildFactory>>();
  const childLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
    logger,
    bindings,
    options,
  ) => {
    let factory = factories.get(logger);
    if (factory === undefined) {
      factory = lazyChildFactory(logger as unknown as Monitor['logger']);
      factories.set(logger, factory);
    }
    return factory(bindings, options);
  };
  if (CompletionLineController) reportingFactories.add(childLoggerFactory);
  refusingFactories.add(childLoggerFactory);
  return {
    loggerInstance: monitor.logger,
    childLoggerFactory,
    ...(CompletionLineController
      ? { logController: new CompletionLineController() }
      : { disableRequestLogging: true }),
    requestIdHeader: false,
    // Fastify answers a request that arrives while it closes before any hook, unrecorded: the
    // plugin gives the same 503 from its onRequest hook instead, with a span, a line and an id.
    return503OnClosing: false,
    // Requests the router answers before any hook (a URL that does not decode) are recorded too.
    frameworkErrors: routerErrorHandler(monitor),
    genReqId: (raw) => {
      const id = requestIdFrom(raw.headers['x-request-id']);
      (raw as { [kRequestId]?: string })[kRequestId] = id;
      return id;
    },
  };
}

/**
 * The status of a request whose response closed unfinished: 101 for an upgrade (WebSocket) whose
 * handler hijacked the reply and answered on the socket itself, as @fastify/websocket does (the
 * session is recorded when it closes, as nginx logs it); otherwise 499, the client went away.
 */
function closedStatus(request: FastifyRequest, reply: FastifyReply): number {
  return reply.sent && !reply.raw.headersSent && request.headers.upgrade !== undefined ? 101 : 499;
}

function isNodeStream(payload: unknown): payload is Readable {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    typeof (payload as { pipe?: unknown }).pipe === 'function'
  );
}

/**
 * Whether the response closed unfinished because its body stream failed after the headers went
 * out (Fastify then destroys the response); the error is kept for the span. A stream Fastify
 * destroyed because the client left has no error, or a premature close.
 */
function bodyStreamFailed(state: Instrumented, headersSent: boolean): boolean {
  const error = state[kBodyStream]?.errored as { code?: unknown } | null | undefined;
  if (!headersSent || error === null || error === undefined) return false;
  if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') return false;
  state[kError] = error;
  return true;
}

/**
 * A second registration in the same context or one below it would record each of its requests
 * twice (two spans, two lines, two durations); Fastify's own refusal names an inner symbol.
 */
function alreadyRegistered(fastify: FastifyInstance): SdkError | undefined {
  if (!fastify.hasRequestDecorator(kHandle)) return undefined;
  return new SdkError(
    SdkErrorCodes.INVALID_ARGUMENT,
    '@driftwatch/fastify is already registered in this context or one above it: register it once, in the root context',
    { call: 'register(driftwatch)', expected: 'one registration per context and its parents' },
  );
}

const plugin: FastifyPluginCallback<DriftwatchFastifyOptions> = (fastify, options, done) => {
  const invalid = pluginOptionsError(options) ?? alreadyRegistered(fastify);
  if (invalid !== undefined) {
    done(invalid);
    return;
  }
  // Fastify runs a callback plugin outside any try: what throws here (a route of the app's own at
  // `/health`, FST_ERR_DUPLICATED_ROUTE) would end the process instead of rejecting `register()`.
  try {
    instrument(fastify, options);
  } catch (error) {
    done(error as Error);
    return;
  }
  done();
};

function instrument(fastify: FastifyInstance, options: DriftwatchFastifyOptions): void {
  const { monitor } = options;
  const storage = monitor.contextStorage;
  const levels = monitor.logger.levels;
  fastify.decorate('driftwatch', monitor);
  // Declared up front, so Fastify sets them in its Request constructor: every request object keeps
  // one shape instead of changing it in the hooks (V8 then keeps Fastify's own property accesses
  // monomorphic).
  fastify.decorateRequest(kHandle, null);
  fastify.decorateRequest(kError, null);
  fastify.decorateRequest(kStreamFailed, null);
  fastify.decorateRequest(kBodyStream, null);
  fastify.decorateRequest(kRoute, null);

  // Each request ends once: when its response finishes, or when it closes unfinished (no
  // 'finish' then): 499 when the client went away first, as nginx and the Express
  // middleware record it; the sent status, as an error, when the body stream failed or the server
  // destroyed the response (Fastify's handlerTimeout); as the server's failure when its idle
  // timeout cut the request (see the SDK's http/server-timeout.ts).
  const end = (
    request: FastifyRequest,
    statusCode: number,
    failedMidResponse = false,
    error: unknown = undefined,
  ): void => {
    const state = request as unknown as Instrumented;
    const handle = state[kHandle];
    // Undefined: a request of a context made before the plugin decorated requests, refused by
    // fastifyOptions' log controller while the server closes (closing-refusals.ts).
    if (handle === null || handle === undefined) return;
    state[kHandle] = null;
    if (overHttp1(request)) releaseSocketTimeout(request.raw.socket, handle.store);
    const { url: route, logLevel } = state[kRoute] ?? request.routeOptions;
    handle.end({
      statusCode,
      route,
      error: error ?? state[kError] ?? undefined,
      failedMidResponse,
      // A route or plugin registered with a `logLevel` above info (`silent` for a health check)
      // gets no request lines from Fastify: nor the completion line.
      logLine: !logLevel || (levels.values[logLevel] ?? 0) <= (levels.values.info ?? 30),
    });
  };

  // With fastifyOptions, Fastify lets requests through while it closes (return503OnClosing
  // false): the plugin refuses them itself, as Fastify would, once close() has begun; those of
  // its routes here, the server's others in fastifyOptions' log controller (closing-refusals.ts).
  const refuseWhileClosing = refusingFactories.has(fastify.childLoggerFactory);
  let closing = false;
  /** Without fastifyOptions, once close() began: the requests the plugin's onRequest saw. */
  let seenWhileClosing: WeakSet<IncomingMessage> | undefined;
  if (!refuseWhileClosing) {
    // Fastify's own 503 while it closes comes before any hook: a listener that runs after its
    // handler records it (closing-refusals.ts).
    const server = fastify.server;
    const seen = new WeakSet<IncomingMessage>();
    const recordRefusal = (raw: IncomingMessage, res: ServerResponse): void => {
      if (res.writableEnded && res.statusCode === 503 && !seen.has(raw)) {
        recordFastifyRefusal(monitor, raw);
      }
    };
    fastify.addHook('preClose', (done) => {
      seenWhileClosing = seen;
      server.on('request', recordRefusal);
      done();
    });
    fastify.addHook('onClose', (_instance, done) => {
      server.off('request', recordRefusal);
      done();
    });
  } else {
    const server = fastify.server;
    fastify.addHook('preClose', (done) => {
      closing = true;
      closingServers.add(server);
      done();
    });
    // Run once the server has closed (Fastify's own onClose, which closes it, runs first).
    fastify.addHook('onClose', (_instance, done) => {
      closingServers.delete(server);
      done();
    });
  }

  // HTTP/2 sessions close on their own timeout (Fastify's http2SessionTimeout), gracefully.
  const http1 = fastify.initialConfig.http2 !== true;
  // An HTTP/2 server that allows HTTP/1.1 (`https.allowHTTP1`) serves both: such a request has a
  // socket of its own and a plain ServerResponse (with no HTTP/2 stream to read a failure from).
  const overHttp1 = (request: FastifyRequest): boolean =>
    http1 || request.raw.httpVersionMajor === 1;

  // A response that closed before it finished (or an HTTP/2 stream that was reset: it emits
  // 'finish', though it was never ended).
  const endUnfinished = (request: FastifyRequest, reply: FastifyReply): void => {
    const state = request as unknown as Instrumented;
    const res = reply.raw;
    if (state[kStreamFailed] === true || bodyStreamFailed(state, res.headersSent)) {
      end(request, reply.statusCode, true);
      return;
    }
    // Destroyed by the server after its headers (Fastify's handlerTimeout cutting a stream).
    const destroyedWith = res.headersSent ? responseFailureOf(res, overHttp1(request)) : undefined;
    if (destroyedWith !== undefined) {
      end(request, reply.statusCode, true, destroyedWith);
      return;
    }
    const timedOut = idleTimeoutEnd(request.raw, res);
    if (timedOut === undefined) end(request, closedStatus(request, reply));
    else end(request, timedOut.statusCode, timedOut.failedMidResponse, timedOut.error);
  };

  fastify.addHook('onRequest', (request, reply, next) => {
    const raw = request.raw as IncomingMessage & { [kRequestId]?: string };
    seenWhileClosing?.add(raw);
    const url = request.url;
    const query = url.indexOf('?');
    const handle = monitor.http.start({
      method: request.method,
      path: query === -1 ? url : url.slice(0, query),
      query: query === -1 ? undefined : url.slice(query + 1),
      headers: request.headers,
      requestId: raw[kRequestId] ?? requestIdFrom(request.headers['x-request-id']),
      scheme: request.protocol,
    });
    const state = request as unknown as Instrumented;
    state[kHandle] = handle;
    // Watched whether the socket has an idle timeout yet or not: a handler may set one later
    // (`request.raw.setTimeout(ms)`), which Node enforces as it does connectionTimeout, by
    // destroying the socket (else recorded as a client gone, 499). Once per connection.
    const h1 = overHttp1(request);
    if (h1) {
      watchIdleTimeout(raw.socket);
      // The socket's 'timeout' runs the route's onTimeout hooks: in this request's context.
      if (raw.socket.timeout) socketTimeoutInContext(raw.socket, storage, handle.store);
    }
    const route = request.routeOptions;
    state[kRoute] = route;
    // Through Fastify, not `reply.raw.setHeader`: once the raw response holds a header, Node's
    // writeHead validates every header Fastify passes again. A reply the handler hijacks writes
    // its own headers (the metrics route below sets this one).
    reply.header('x-request-id', handle.requestId);
    // A response closed before it finished: the client went away (or a stream was reset).
    // Fastify's onRequestAbort misses a request whose body was read (a POST: Node no longer
    // counts it as aborted), and then neither it nor 'finish' ever comes.
    const res = reply.raw;
    const closed = (): void => {
      if (!res.writableFinished) endUnfinished(request, reply);
    };
    res.on('close', closed);
    // Its end once the response finished (an HTTP/2 stream that was reset emits 'finish' too,
    // never ended). A listener, not an `onResponse` hook: hooks run in registration order, and
    // one added before the plugin's that fails skipped it (the request went unrecorded), one
    // that is async delayed it past the close (under app.inject, then recorded as a 499).
    res.on('finish', () => {
      if (res.writableEnded) end(request, reply.statusCode);
      else endUnfinished(request, reply);
    });
    // A pipelined request whose response waits behind another's has no socket yet; if the
    // connection goes first, that response never closes.
    if (h1 && res.socket === null) watchQueuedResponse(raw, res, closed);
    if (closing) {
      // Fastify has set `connection: close` on an HTTP/1 response already.
      void reply.code(503).send(SERVICE_UNAVAILABLE);
      return;
    }
    bindUpgradeSocket(raw, storage, handle);
    // Their listeners (a host parser's body chunks and 'end', 'close', 'finish') run in context.
    emitInContext(raw, storage, handle.store);
    emitInContext(res, storage, handle.store);
    // Fastify's handlerTimeout timer was armed before this hook, outside the context.
    if (route.handlerTimeout > 0) enterContextOnAbort(request.signal, storage, handle.store);
    // The rest of the request runs inside: Fastify (since 3.25) parses the body under an
    // AsyncResource made here, so the handler, its promises and timers keep the context even
    // when the body arrives in later socket reads, with no second hook to enter it again. `run`
    // restores the socket's context afterwards: nothing leaks into the next request.
    // `onRequest` hooks registered before this one ran outside it, and cannot be brought in:
    // Fastify runs hooks in registration order and lets nothing wrap the chain; what it calls
    // before (genReqId, the child-logger factory, the log controller) returns into its own
    // request handler, where only `enterWith` could enter, binding the store to the connection
    // (HTTP/1 parser, HTTP/2 session) and so to the next requests on it.
    storage.run(handle.store, next);
  });

  // Without fastifyOptions' controller, nothing reports a body stream that fails after the
  // headers: a Node stream is kept, and asked at the close whether it failed; a web body is
  // read through a stream that notes its failure (web-body-stream.ts).
  if (!reportingFactories.has(fastify.childLoggerFactory)) {
    fastify.addHook('onSend', function keepBodyStream(request, reply, payload, next) {
      const state = request as unknown as Instrumented;
      if (isNodeStream(payload)) state[kBodyStream] = payload;
      if (!isWebBody(payload)) {
        next(null, payload);
        return;
      }
      next(
        null,
        watchWebBody(payload, (error) => {
          state[kError] ??= error;
          if (reply.raw.headersSent) state[kStreamFailed] = true;
        }),
      );
    });
  }

  fastify.addHook('onError', (request, _reply, error, next) => {
    (request as unknown as Instrumented)[kError] = error;
    next();
  });

  // `warn`: above info, so no completion line (nor Fastify's own request lines), errors kept.
  const probe = options.logProbes === false ? { logLevel: 'warn' as const } : {};
  const healthRoute = options.healthRoute ?? '/health';
  if (healthRoute) fastify.get(healthRoute, probe, async () => ({ status: 'ok' }));
  const readinessRoute = options.readinessRoute ?? '/readiness';
  if (readinessRoute) {
    fastify.get(readinessRoute, probe, async (_request, reply) => {
      const report = await monitor.readiness();
      return reply.code(report.ready ? 200 : 503).send(report);
    });
  }
  if (options.metricsRoute) {
    fastify.get(options.metricsRoute, (request, reply) => {
      reply.hijack();
      const handle = (request as unknown as Instrumented)[kHandle];
      if (handle) reply.raw.setHeader('x-request-id', handle.requestId);
      monitor.metricsHandler(request.raw, reply.raw);
    });
  }
}

/**
 * Register with `app.register(driftwatch, { monitor })`. Typed by name: the inferred type would be
 * written `fastify.FastifyPluginCallback` in the declarations, a namespace that a consumer with
 * `moduleResolution: bundler` cannot find (the plugin then was `any`, its options unchecked).
 */
export const driftwatch: FastifyPluginCallback<DriftwatchFastifyOptions> = fp(plugin, {
  fastify: '5.x',
  name: '@driftwatch/fastify',
});
