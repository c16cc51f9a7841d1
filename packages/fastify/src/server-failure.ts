/**
 * The error the server destroyed a response with after its headers (Fastify's `handlerTimeout`
 * cutting a stream, an error after the headers), HTTP/1 or HTTP/2: such a request is recorded
 * with the status sent, as an error, not as the client's 499.
 */
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { serverFailureOf } from '@driftwatch/sdk';

/**
 * What a peer ending an HTTP/2 stream or session leaves on the stream: a reset with a code other
 * than CANCEL (which leaves none), a GOAWAY with an error. The client's doing, as ECONNRESET is.
 */
const PEER_ENDED: ReadonlySet<unknown> = new Set([
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_SESSION_ERROR',
]);

/**
 * The server's error, or undefined (none, or the client went away). An HTTP/2 response keeps no
 * error of its own: `destroy(error)` passes it to its stream, which keeps it as `errored`.
 */
export function responseFailureOf(
  response: ServerResponse | Http2ServerResponse,
  http1: boolean,
): Error | undefined {
  if (http1) return serverFailureOf(response as ServerResponse);
  const failure = serverFailureOf((response as Http2ServerResponse).stream);
  return PEER_ENDED.has((failure as { code?: unknown } | undefined)?.code) ? undefined : failure;
}
