/**
 * The status a request ends with when its handlers did not answer it themselves: the one
 * Express's final handler answers an error with, the one of a request cut off before its body
 * was read, and the error a response was destroyed with by the server.
 */
import type { Request, Response } from 'express';

/**
 * As Express's final handler (finalhandler) chooses it: the error's own `status`/`statusCode`
 * when a 4xx/5xx, else the response's status when one (`res.status(404); next(err)`), else 500.
 */
export function statusOfError(error: unknown, response?: Response): number {
  const { status, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 600) return status;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600) return statusCode;
  const answered = response?.statusCode;
  return typeof answered === 'number' && answered >= 400 && answered < 600 ? answered : 500;
}

/**
 * Whether the request's body was cut off before it arrived in full: the client left, or the
 * server's `requestTimeout` closed the connection. A body parser then fails the request and
 * Express "answers" on the closed socket, so the response looks finished although 'finish'
 * never came.
 */
export function bodyCutOff(request: Request): boolean {
  return !request.complete && request.readableAborted;
}

/**
 * The status of a request whose connection closed before it was answered: 408 when the server's
 * `requestTimeout` closed it (Node answers "408 Request Timeout" when it can), else 499, a
 * client that went away (as nginx records it).
 */
export function statusOfCutRequest(request: Request): number {
  const closedWith = request.socket?.errored as NodeJS.ErrnoException | null | undefined;
  return closedWith?.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 499;
}
