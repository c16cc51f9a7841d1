/**
 * Requests that arrive while Fastify closes, with `fastifyOptions` (which turns Fastify's own 503
 * off, `return503OnClosing: false`, for it comes before any hook and goes unrecorded): the plugin
 * refuses those of its routes from its onRequest hook. When it is registered in a child context,
 * the server's other routes (and its 404s) run none of its hooks: `fastifyOptions`' log
 * controller, which Fastify calls for every request of every context before any hook, refuses
 * them, as Fastify would have, and records them as the plugin does.
 * Without `fastifyOptions`, Fastify's own 503 is recorded after the fact (recordFastifyRefusal).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { requestIdFrom, watchQueuedResponse, type Monitor } from '@driftwatch/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { onResponseEnd, startUnhooked } from './unhooked-request.js';

/** Fastify's answer to a request that arrives while it closes, as its `return503OnClosing` writes it. */
export const SERVICE_UNAVAILABLE = {
  error: 'Service Unavailable',
  message: 'Service Unavailable',
  statusCode: 503,
};

/**
 * The raw servers whose Fastify instance is closing (the plugin's preClose adds, its onClose
 * removes). Per server: one `fastifyOptions` result may serve several apps.
 */
export const closingServers = new Set<object>();

/**
 * Whether a request outside the plugin's hooks is to be refused: its server is closing, and it
 * has a route or is a 404. Router answers (a URL that does not decode: no route, no handler)
 * come through `frameworkErrors`, which Fastify answers the same while it closes.
 */
export function refusedOutsidePlugin(request: FastifyRequest): boolean {
  return closingServers.has(request.server.server) && request.routeOptions.handler !== undefined;
}

/**
 * Answers Fastify's 503 (an HTTP/1 response already holds its `connection: close`) and records
 * the request with a span, a duration and a completion line, its `x-request-id` echoed. Sent
 * before any hook, as Fastify's own 503: no `onRequest` hook nor handler runs for it.
 */
export function refuseOutsidePlugin(
  monitor: Monitor,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const handle = startUnhooked(monitor, request);
  const { url: route, logLevel } = request.routeOptions;
  const levels = monitor.logger.levels.values;
  const res = reply.raw;
  const closed = onResponseEnd(res, (finished) => {
    handle.end({
      statusCode: finished ? reply.statusCode : 499,
      route,
      logLine: !logLevel || (levels[logLevel] ?? 0) <= (levels.info ?? 30),
    });
  });
  // Pipelined behind a request still in flight, it may lose its connection before its turn.
  if (res.socket === null) {
    watchQueuedResponse(request.raw as IncomingMessage, res as ServerResponse, closed);
  }
  reply.header('x-request-id', handle.requestId);
  monitor.contextStorage.run(handle.store, () => {
    void reply.code(503).send(SERVICE_UNAVAILABLE);
  });
}

/**
 * Without `fastifyOptions`: records a request Fastify refused with its own 503 while closing
 * (`return503OnClosing`, on by default), which runs no hook. Called from a listener on the
 * server's 'request' event added once `close()` began, right after Fastify's handler returned,
 * for a response that has ended with 503 and a request no hook of the plugin saw. The record has the request's id (from its `x-request-id`, or a new one), a span, a duration and a
 * completion line, but no route (Fastify keeps its match to itself), and the answer, already
 * sent, does not echo the id.
 */
export function recordFastifyRefusal(monitor: Monitor, raw: IncomingMessage): void {
  const handle = startUnhooked(monitor, {
    url: raw.url ?? '/',
    method: raw.method ?? 'GET',
    headers: raw.headers,
    id: requestIdFrom(raw.headers['x-request-id']),
    protocol: (raw.socket as TLSSocket | null)?.encrypted === true ? 'https' : 'http',
  });
  handle.end({ statusCode: 503, route: undefined });
}
