/**
 * A web body (`reply.send(readableStream)`, or a fetch `Response` with a body) that fails after
 * the headers went out: Fastify reads it itself, then destroys the response. With
 * `fastifyOptions` its log controller reports the failure to the plugin; without, nothing does,
 * and the request looked like a client that left (499). So the plugin hands Fastify a stream that
 * reads the body and notes its failure on the way: one more promise per chunk, for web bodies
 * alone.
 */

const toString = Object.prototype.toString;

function isWebStream(payload: object): payload is ReadableStream {
  return typeof (payload as { getReader?: unknown }).getReader === 'function';
}

/** Reads `source` as it is read, and calls `failed` when a read fails. */
function watchedStream(source: ReadableStream, failed: (error: unknown) => void): ReadableStream {
  const reader = source.getReader();
  return new ReadableStream(
    {
      pull: (controller) =>
        reader.read().then(
          (result) => {
            if (result.done) controller.close();
            else controller.enqueue(result.value);
          },
          (error: unknown) => {
            failed(error);
            controller.error(error);
          },
        ),
      // Fastify cancels it when the response closes first (the client left): no failure.
      cancel: (reason) => reader.cancel(reason),
    },
    // Reads only what Fastify asks for, as it would from the body itself.
    { highWaterMark: 0 },
  );
}

/** Whether `payload` is a web stream or a fetch `Response` (what watchWebBody may watch). */
export function isWebBody(payload: unknown): payload is ReadableStream | Response {
  if (typeof payload !== 'object' || payload === null || Buffer.isBuffer(payload)) return false;
  return isWebStream(payload) || toString.call(payload) === '[object Response]';
}

/**
 * The payload to send in place of a web body: watched for failure. A locked stream or a used
 * body is left to Fastify, which refuses it with its own error.
 */
export function watchWebBody(
  payload: ReadableStream | Response,
  failed: (error: unknown) => void,
): ReadableStream | Response {
  if (isWebStream(payload)) return payload.locked ? payload : watchedStream(payload, failed);
  const response = payload;
  const body = response.body;
  // `new Response` takes statuses 200–599 alone; Fastify fails on any other itself.
  if (body === null || response.bodyUsed || body.locked) return payload;
  if (response.status < 200 || response.status > 599) return payload;
  return new Response(watchedStream(body, failed), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
