/**
 * Pipelined HTTP/1 requests whose responses wait behind an earlier one on the same connection:
 * Node gives such a response its socket when the one before finishes. If the connection closes
 * first, Node destroys the waiting requests, but their responses never had a socket and emit
 * neither 'finish' nor 'close': without this, such requests were never recorded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Calls `onLost` once if the connection closes before `response` got its socket. Only for a
 * response that has none yet (`response.socket === null`): the others emit 'close' themselves.
 */
export function watchQueuedResponse(
  request: IncomingMessage,
  response: ServerResponse,
  onLost: () => void,
): void {
  const socket = request.socket;
  const lost = (): void => {
    if (response.socket === null && !response.writableFinished) onLost();
  };
  request.once('close', () => {
    // Node destroyed the request as its connection closed.
    if (socket.destroyed) {
      lost();
      return;
    }
    // The request closed because its body was read (a POST); its response may still wait for a
    // connection that closes later: watched until the response gets the socket.
    if (response.socket !== null || response.writableFinished) return;
    socket.once('close', lost);
    response.once('socket', () => socket.removeListener('close', lost));
  });
}
