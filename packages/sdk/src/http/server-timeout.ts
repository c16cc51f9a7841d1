/**
 * Requests the server's idle timeout cut (Fastify's `connectionTimeout`, `server.setTimeout()`,
 * `server.timeout`), for the framework integrations: Node
 * destroys the socket of a request still in flight when nothing listens for 'timeout' on the
 * server, the request or the response. The server gave up, not the client, so such a request is
 * not a 499. Listening on any of those three would stop Node from destroying the socket (and
 * change the app); a listener on the socket itself does not, and runs after Node's own (added
 * when the connection opened), so it sees whether Node destroyed the socket.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { SdkError, SdkErrorCodes } from '../errors.js';

/** On a watched socket: false, then true once the server's idle timeout destroyed it. */
const kIdleTimedOut = Symbol.for('driftwatch.idleTimedOut');

type Watched = Socket & { [kIdleTimedOut]?: boolean };

/**
 * What the request's span exception and `error.type` name (its class): the server's idle timeout
 * ended the request.
 */
export class ServerTimeoutError extends SdkError {
  constructor(readonly timeoutMs: number) {
    super(
      SdkErrorCodes.SERVER_TIMEOUT,
      `the server's idle timeout (${timeoutMs} ms) closed the connection before the response`,
      { timeoutMs },
    );
    // SdkError names itself; this one is told apart by its class, as error.type reads it.
    Object.defineProperty(this, 'name', { value: 'ServerTimeoutError' });
  }
}

function onSocketTimeout(this: Watched): void {
  // Destroyed by Node (no 'timeout' listener elsewhere) or by the app's own listener: either
  // way the server ended the connection. A socket still open was handled by the app.
  if (this.destroyed) this[kIdleTimedOut] = true;
}

/**
 * Watches the socket of a request for the server's idle timeout, once per connection. Call it
 * only when `socket.timeout` is set: a server without one pays that property read alone.
 */
export function watchIdleTimeout(socket: Socket): void {
  const watched = socket as Watched;
  if (watched[kIdleTimedOut] !== undefined) return;
  watched[kIdleTimedOut] = false;
  socket.on('timeout', onSocketTimeout);
}

/** How a request whose response closed unfinished is recorded when the idle timeout cut it. */
export interface TimedOutEnd {
  readonly statusCode: number;
  readonly error: ServerTimeoutError | undefined;
  readonly failedMidResponse: boolean;
}

/**
 * The record of a request the server's idle timeout cut, or undefined when it did not (the client
 * left: 499). Nothing was answered, and the OTel HTTP conventions would then leave
 * `http.response.status_code` unset and set `error.type` alone; the SDK records a status with
 * every request, so the one that says who gave up:
 * - the body had not arrived in full: 408, the server stopped waiting for a slow client (as
 *   Node's `requestTimeout` answers); a 4xx, the client's error, not the server's.
 * - the headers had gone out: the status sent, as an error (`failedMidResponse`), as for a body
 *   stream that fails after them.
 * - otherwise 503 with `error.type` ServerTimeoutError (span status ERROR): what timeout handlers
 *   answer when the server gives up on a request (Go's `http.TimeoutHandler`, Express's
 *   connect-timeout). Not 504, which says a gateway's upstream did not answer, nor 499.
 */
export function idleTimeoutEnd(
  request: IncomingMessage,
  response: { readonly headersSent: boolean; readonly statusCode: number },
): TimedOutEnd | undefined {
  const socket = request.socket as Watched | null;
  if (socket?.[kIdleTimedOut] !== true) return undefined;
  if (!request.complete) return { statusCode: 408, error: undefined, failedMidResponse: false };
  const error = new ServerTimeoutError(socket.timeout ?? 0);
  return response.headersSent
    ? { statusCode: response.statusCode, error, failedMidResponse: true }
    : { statusCode: 503, error, failedMidResponse: false };
}
