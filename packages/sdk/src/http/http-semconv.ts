/**
 * HTTP semantic-convention values the request instrumentation derives: the method as the
 * conventions name it (`_OTHER` for methods they do not know, so that a client cannot make new
 * series up) and `error.type` of a request that failed (5xx).
 */

/**
 * The methods the HTTP conventions know: RFC 9110's, PATCH, and QUERY (the safe method with a
 * body, which Node's parser accepts), as semantic-conventions 1.45 lists them.
 */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/** `http.request.method`: the method, or `_OTHER` (the original goes in `…method_original`). */
export function semconvMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}

const MAX_ERROR_TYPE = 128;

/**
 * `error.type` of a request answered with a 5xx: the error's class (`TypeError`, a framework's
 * `FastifyError`), or the status code when nothing was thrown. Undefined below 500: a 4xx is
 * the client's error, not the server's, and leaves the span's status unset. A response the
 * server cut short after its headers went out (`failedMidResponse`) failed whatever status it
 * sent (the conventions' "another error"): its error's class, or `_OTHER`; so did one that ended
 * with no status (0).
 */
export function errorTypeOf(
  statusCode: number,
  error: unknown,
  failedMidResponse = false,
): string | undefined {
  // 0: no status was sent, so the request failed (the conventions' error.type without a status).
  if (statusCode < 500 && statusCode !== 0 && !failedMidResponse) return undefined;
  if (error instanceof Error) {
    const name = error.constructor?.name || error.name;
    if (typeof name === 'string' && name !== '') return name.slice(0, MAX_ERROR_TYPE);
  }
  return statusCode >= 500 ? String(statusCode) : '_OTHER';
}

/** The method as a span name begins: `HTTP` for `_OTHER`, as the conventions ask. */
export function spanMethod(known: string): string {
  return known === '_OTHER' ? 'HTTP' : known;
}
