/**
 * Requests Fastify's router answers before any hook runs: a URL that does not decode (400
 * FST_ERR_BAD_URL), a parameter over `maxParamLength` (414) or a failed async constraint (500).
 * Without this they got no request id, span, duration or completion line. `fastifyOptions`
 * installs it as Fastify's `frameworkErrors`; it records the request and answers as Fastify
 * does without the option (the same body, written on the raw response).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Monitor } from '@driftwatch/sdk';
import { onResponseEnd, startUnhooked } from './unhooked-request.js';

/** What the handler reads of Fastify's request and reply, HTTP/1 or HTTP/2 alike. */
interface RouterErrorRequest {
  readonly raw: { readonly url?: string | undefined };
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly id: string;
  readonly protocol: string;
}
interface RouterErrorReply {
  readonly raw: {
    readonly statusCode: number;
    once(event: 'finish' | 'close', listener: () => void): unknown;
    writeHead(statusCode: number, headers: Record<string, string | number>): unknown;
    end(body: string): unknown;
  };
}
type FrameworkErrors = (
  error: Error & { code?: string },
  request: RouterErrorRequest,
  reply: RouterErrorReply,
) => void;

/** Fastify's own status for each router error. */
const STATUS: Record<string, number> = {
  FST_ERR_BAD_URL: 400,
  FST_ERR_MAX_PARAM_LENGTH: 414,
  FST_ERR_ASYNC_CONSTRAINT: 500,
};

/** The body Fastify answers a router error with (an async constraint's has no code). */
function bodyOf(error: Error & { code?: string }, statusCode: number): string {
  if (statusCode === 500) {
    return '{"error":"Internal Server Error","message":"Unexpected error from async constraint","statusCode":500}';
  }
  return JSON.stringify({
    error: 'Bad Request',
    code: error.code,
    message: error.message,
    statusCode,
  });
}

export function routerErrorHandler(monitor: Monitor): FrameworkErrors {
  return (error, request, reply) => {
    const handle = startUnhooked(monitor, {
      url: request.raw.url ?? '/',
      method: request.method,
      headers: request.headers,
      id: request.id,
      protocol: request.protocol,
    });
    const res = reply.raw;
    // No route matched: none of the plugin's hooks runs for it, so its end is watched here.
    onResponseEnd(res, (finished) => {
      handle.end({ statusCode: finished ? res.statusCode : 499, route: undefined });
    });
    const statusCode = STATUS[error.code ?? ''] ?? 400;
    const body = bodyOf(error, statusCode);
    // Written as Fastify writes it without the option: on the raw response, no hooks.
    monitor.contextStorage.run(handle.store, () => {
      res.writeHead(statusCode, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'x-request-id': handle.requestId,
      });
      res.end(body);
    });
  };
}
