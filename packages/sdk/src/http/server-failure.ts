/**
 * Who ended a response destroyed with an error, for the framework integrations: the server
 * (`pipeline(source, res)` whose source failed, Fastify's `handlerTimeout` cutting a stream)
 * records a failure with the status it sent; the client (a reset or closed connection) a 499.
 */
import type { ServerResponse } from 'node:http';

/** The codes that say the client went away (`pipeline(request, …, res)` passes them on). */
const CLIENT_GONE: ReadonlySet<unknown> = new Set([
  'ERR_STREAM_PREMATURE_CLOSE',
  'ECONNRESET',
  'EPIPE',
]);

/**
 * The error the server destroyed `response` with (Node keeps it as `errored`; an HTTP/2 response
 * has none), or undefined: none, or one that says the client went away.
 */
export function serverFailureOf(response: Pick<ServerResponse, 'errored'>): Error | undefined {
  const errored = response.errored;
  if (errored === null || errored === undefined) return undefined;
  return CLIENT_GONE.has((errored as { code?: unknown }).code) ? undefined : errored;
}
