/**
 * WebSocket sessions routed through Express after a WebSocket library answered the handshake, as
 * express-ws does: it hands the upgraded request to the app with a response that has no socket
 * and never closes, on a URL with `/.websocket` appended (`app.ws('/echo')` is the route
 * `GET /echo/.websocket`). Such a session is recorded once, when its socket closes, under the
 * path and route the client asked for.
 */
import type { Request, Response } from 'express';

/** express-ws's marks on the request it routes: set to true once a `.ws` route took it. */
type WebSocketRequest = Request & { upgrade?: boolean; wsHandled?: boolean };

const SUFFIX = '/.websocket';

/**
 * The upgraded socket of a session a WebSocket library already answered (an upgrade request
 * whose response was never given a socket), or undefined for an ordinary request.
 */
export function upgradedSocketOf(
  request: Request,
  response: Response,
): Request['socket'] | undefined {
  if ((request as WebSocketRequest).upgrade !== true || response.socket !== null) return undefined;
  return request.socket;
}

/** The path or route pattern without express-ws's `/.websocket` (`/echo/.websocket` → `/echo`). */
export function withoutWebSocketSuffix(path: string): string {
  if (!path.endsWith(SUFFIX)) return path;
  const stripped = path.slice(0, -SUFFIX.length);
  return stripped === '' ? '/' : stripped;
}

/**
 * The session's status: the error status when a route failed (known through
 * `driftwatchErrors()`: express-ws hands errors to its own final callback, not Express's), the
 * status a middleware answered with (express-ws then closes the socket), 404 when no `.ws` route
 * took it, else 101, the status that opened it (as nginx logs a WebSocket session).
 */
export function sessionStatus(request: Request, response: Response, errorStatus?: number): number {
  if (errorStatus !== undefined) return errorStatus;
  // express-ws closes the socket on any status a middleware answers with (a 401, a redirect).
  if (response.statusCode !== 200) return response.statusCode;
  return (request as WebSocketRequest).wsHandled === false ? 404 : 101;
}
