/**
 * Recording a request that none of the plugin's hooks runs for (a router error, a request refused
 * while the server closes): its record started here, its end watched on the raw response.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Monitor } from '@driftwatch/sdk';

/** What is read of the request, HTTP/1 or HTTP/2 alike. */
export interface UnhookedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly id: string;
  readonly protocol: string;
}

/** Starts the request's record (span, context, id), its path and query apart. */
export function startUnhooked(monitor: Monitor, request: UnhookedRequest) {
  const { url } = request;
  const query = url.indexOf('?');
  return monitor.http.start({
    method: request.method,
    path: query === -1 ? url : url.slice(0, query),
    query: query === -1 ? undefined : url.slice(query + 1),
    headers: request.headers,
    requestId: request.id,
    scheme: request.protocol,
  });
}

/**
 * Calls `ended(finished)` once, when the response closes; returns that call for other watchers
 * (a pipelined request's). 'finish' is noted rather than `writableFinished` read at the close:
 * light-my-request's response (app.inject) emits 'finish' but leaves that false.
 */
export function onResponseEnd(
  res: { once(event: 'finish' | 'close', listener: () => void): unknown },
  ended: (finished: boolean) => void,
): () => void {
  let finished = false;
  res.once('finish', () => {
    finished = true;
  });
  let done = false;
  const closed = (): void => {
    if (done) return;
    done = true;
    ended(finished);
  };
  res.once('close', closed);
  return closed;
}
