/**
 * HTTP transport: one `POST {url}/v1/ingest` per batch (JSON, gzip above a size, bearer token),
 * classifying every answer into a SendResult. Never rejects; the pipeline owns retries.
 * It uses node:http(s) with a keep-alive agent rather than fetch: undici's fetch machinery
 * (streams, Request/Response objects) cost several times more CPU per batch, taken from the host.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { constants as zlibConstants, gzip as gzipCallback } from 'node:zlib';
import { SdkError, SdkErrorCodes } from '../errors.js';
import { BatchJsonWriter, holdsProtoKey } from './batch-json.js';
import { createPoster } from './http-post.js';
import { SendDeadlineError } from '../pipeline/send-attempt.js';
import {
  leaveOutProtoKeys,
  originalRejections,
  parseRetryAfter,
  parseAnswer,
  readRejections,
  type Rejections,
  type LeftOut,
} from './http-answers.js';
import type { SendResult, TelemetryBatch, Transport } from './transport.js';

const gzip = promisify(gzipCallback);
/** Least time between two readiness probes of the collector. */
const PROBE_INTERVAL_MS = 1000;

export interface HttpTransportConfig {
  /** Collector base URL, e.g. `http://127.0.0.1:7070`. */
  readonly url: string;
  readonly token?: string | undefined;
  /** @default 10000 */
  readonly timeoutMs?: number | undefined;
  /** @default 1024 */
  readonly gzipMinBytes?: number | undefined;
  /**
   * zlib level, 1 (fastest) to 9; 0 sends uncompressed. Level 1 costs about half the CPU of the
   * default 6 for ~5% more bytes. @default defaultGzipLevel(url)
   */
  readonly gzipLevel?: number | undefined;
}

/**
 * 0 (no compression) for a collector on this host (`localhost`, 127.0.0.0/8, `::1`), where
 * compression costs the host CPU and saves nothing; 1 otherwise. A URL that does not parse
 * counts as remote.
 */
export function defaultGzipLevel(url: string): number {
  try {
    const host = new URL(url).hostname;
    const loopback = host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
    return loopback ? 0 : zlibConstants.Z_BEST_SPEED;
  } catch {
    return zlibConstants.Z_BEST_SPEED;
  }
}

/**
 * `path` under the collector's base URL, after its own path (a prefix such as `/driftwatch`);
 * a query string stays a query string (`?tenant=a` is not the start of the path).
 */
function collectorUrl(base: string, path: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.hash = '';
  return url;
}

function errorText(reason: unknown): string {
  return String((reason as Error | undefined)?.message ?? reason);
}

/**
 * The error for a refused batch, with the start of the answer's body; the token is never shown,
 * should a proxy or a debugging collector echo the request's headers.
 */
function failure(status: number, body: string, retryable: boolean, token?: string): SdkError {
  // Also as a JSON string writes it: an echo of the headers as JSON escapes a `"` or `\` in it.
  const text = token
    ? body.replaceAll(token, '***').replaceAll(JSON.stringify(token).slice(1, -1), '***')
    : body;
  const shown = text.length > 300 ? `${text.slice(0, 297)}...` : text;
  return new SdkError(
    SdkErrorCodes.HTTP_SEND_FAILED,
    `collector answered HTTP ${status}${shown ? `: ${shown}` : ''}`,
    { status, retryable },
  );
}

/**
 * An answer that says the URL is not the collector's: a wrong token (401, 403), a wrong path
 * (404), or a redirect, which is not followed (it would carry the token to another host).
 */
function refusing(status: number): boolean {
  return status === 401 || status === 403 || status === 404 || (status >= 300 && status < 400);
}

/** A delivered batch, with the items the collector refused. */
function accepted(rejections: Rejections | undefined): SendResult {
  if (rejections === undefined) return { ok: true };
  return rejections.unlisted > 0
    ? { ok: true, rejected: rejections.listed, rejectedUnlisted: rejections.unlisted }
    : { ok: true, rejected: rejections.listed };
}

/** The abort reason of a request that reached `transport.timeoutMs` without an answer. */
class RequestTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/** Creates the HTTP transport (node:http keep-alive; gzip through node:zlib off the main thread). */
export function createHttpTransport(config: HttpTransportConfig): Transport {
  const endpoint = collectorUrl(config.url, '/v1/ingest');
  // For messages: credentials in the URL (user:password@) are never repeated, nor the query,
  // which may carry a gateway's key (`?api_key=…`): the diagnostic log redacts nothing.
  const shownEndpoint = `${endpoint.origin}${endpoint.pathname}${endpoint.search === '' ? '' : '?…'}`;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const gzipMinBytes = config.gzipMinBytes ?? 1024;
  const gzipOptions = { level: config.gzipLevel ?? defaultGzipLevel(config.url) };
  const baseHeaders: Record<string, string> = { 'content-type': 'application/json' };
  if (config.token) baseHeaders.authorization = `Bearer ${config.token}`;
  const gzipHeaders = { ...baseHeaders, 'content-encoding': 'gzip' };
  const poster = createPoster(endpoint);
  // Not ready until the collector answered once: a probe of its /health at start, repeated
  // (at most every PROBE_INTERVAL_MS) while not ready and readiness is asked, so that a
  // collector that is down at start-up is reported before any batch has failed.
  let ready = false;
  // A batch refused with 401, 403 or 404 (a wrong token or URL), or failed with a 5xx, 429 or
  // 408 (the collector up but unable to take it): /health answers 200 all the same, so the probe
  // must not make it ready again; the next accepted batch (the retry) does.
  let waitingForDelivery = false;
  const healthUrl = collectorUrl(config.url, '/health');
  let lastProbeAt = Number.NEGATIVE_INFINITY;
  // The probe in progress: not a delivery, so shutdown aborts it at once instead of waiting.
  let probing: AbortController | undefined;
  function probe(): void {
    if (
      closed ||
      probing ||
      waitingForDelivery ||
      performance.now() - lastProbeAt < PROBE_INTERVAL_MS
    )
      return;
    lastProbeAt = performance.now();
    const controller = new AbortController();
    probing = controller;
    const timer = setTimeout(() => controller.abort(new Error('probe timed out')), timeoutMs);
    // Advisory: a collector that never answers must not keep a host that is done from exiting.
    timer.unref();
    poster
      .get(healthUrl, baseHeaders, controller.signal)
      .then(
        // Any answer but an overloaded or refusing one, a 404 or a redirect (a URL that is not
        // the collector's base, e.g. ending in /v1/ingest): the collector is there.
        ({ status }) => {
          if (!closed && !waitingForDelivery)
            ready = status < 500 && status !== 429 && !refusing(status);
        },
        () => {
          ready = false;
        },
      )
      .finally(() => {
        clearTimeout(timer);
        probing = undefined;
      });
  }
  let closed = false;
  /** The last send ran out of time with no answer (a hung collector); an answer clears it. */
  let unanswered = false;
  const inFlight = new Set<AbortController>();

  const writer = new BatchJsonWriter();
  interface Encoded {
    readonly batch: TelemetryBatch;
    readonly body: Buffer;
    readonly release: () => void;
    /** Set when items were left out because the collector would refuse the whole body. */
    readonly leftOut: LeftOut | undefined;
    /**
     * The body's headers, with an `idempotency-key` (IETF draft-ietf-httpapi-idempotency-key-header)
     * made once per batch and sent again with each retry: a batch the collector stored but whose
     * answer was lost (a timeout, a cut connection) is stored once, not twice.
     */
    readonly headers: Record<string, string>;
  }
  // The encoded body of the batch being retried: serialized and compressed once, not per attempt.
  // `release` hands the writer's buffer back once the body is no longer read.
  let encoded: Encoded | undefined;
  /** Encodings begun: a compression that ends after a later batch's began is not kept. */
  let encodings = 0;
  async function encode(batch: TelemetryBatch): Promise<Encoded> {
    if (encoded?.batch === batch) return encoded;
    const encoding = (encodings += 1);
    let json = writer.encode(batch);
    let leftOut: LeftOut | undefined;
    if (holdsProtoKey(json.body)) {
      // Rare: items are looked at one by one only when the body holds a "__proto__" member.
      json.release();
      leftOut = leaveOutProtoKeys(batch);
      json = writer.encode(leftOut.batch);
    }
    const gzipped = gzipOptions.level > 0 && json.body.length >= gzipMinBytes;
    const headers = {
      ...(gzipped ? gzipHeaders : baseHeaders),
      'idempotency-key': `"${randomUUID()}"`,
    };
    if (!gzipped) {
      encoded = { batch, body: json.body, release: json.release, leftOut, headers };
      return encoded;
    }
    try {
      const body = await gzip(json.body, gzipOptions);
      const result = { batch, body, release: () => undefined, leftOut, headers };
      // A send the pipeline stopped waiting for (its deadline passed while this ran on the thread
      // pool) must not replace the encoding of the batch sent since: its retries would go out
      // under a new idempotency-key, and a copy stored before a lost answer be stored twice.
      if (encoding === encodings) encoded = result;
      return result;
    } finally {
      json.release();
    }
  }

  /** A batch that did not reach the collector: retried unless the transport is shut down. */
  function notDelivered(what: 'not sent' | 'failed', reason: unknown, cause?: unknown): SendResult {
    return {
      ok: false,
      retryable: !closed,
      error: new SdkError(
        SdkErrorCodes.HTTP_SEND_FAILED,
        `POST ${shownEndpoint} ${what}: ${errorText(reason)}`,
        { retryable: !closed },
        cause === undefined ? undefined : { cause },
      ),
    };
  }

  async function post(batch: TelemetryBatch, signal?: AbortSignal): Promise<SendResult> {
    const { body, leftOut, headers } = await encode(batch);
    // Every item was left out: nothing to send, each counted as rejected.
    if (leftOut?.count === 0) return { ok: true, rejected: leftOut.refused };
    // Aborted or shut down while the body was compressed (on the thread pool): nothing goes out,
    // and no socket is opened on an agent that shutdown has closed.
    if (closed || signal?.aborted) {
      return notDelivered('not sent', closed ? 'transport shut down' : signal?.reason);
    }
    const controller = new AbortController();
    inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new RequestTimeout(timeoutMs)), timeoutMs);
    // After a send the collector left unanswered, the next ones do not hold a host that is done:
    // each queued batch would otherwise keep it alive for its own deadline, one after another.
    const hold = !unanswered;
    if (!hold) timer.unref();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await poster.post(headers, body, controller.signal, hold);
      unanswered = false;
      const { status, text } = response;
      if (status >= 200 && status < 300) {
        ready = true;
        waitingForDelivery = false;
        const answered =
          status === 202 ? readRejections(parseAnswer(text), leftOut?.batch ?? batch) : undefined;
        return accepted(leftOut ? originalRejections(leftOut, answered) : answered);
      }
      // Every item refused, each named as in a 202: counted as rejected, not as a failed send.
      const answer = status === 400 ? parseAnswer(text) : undefined;
      if (answer?.code === 'DW_COLLECTOR_BAD_EVENT') {
        ready = true;
        waitingForDelivery = false;
        const answered = readRejections(answer, leftOut?.batch ?? batch, true);
        return accepted(leftOut ? originalRejections(leftOut, answered) : answered);
      }
      if (status === 413) {
        ready = true;
        return {
          ok: false,
          retryable: false,
          tooLarge: true,
          error: failure(status, text, false, config.token),
        };
      }
      // 408: a proxy or load balancer timed the upload out; the same body can go again.
      if (status === 429 || status === 408 || status >= 500) {
        ready = false;
        waitingForDelivery = true;
        const retryAfterMs = parseRetryAfter(response.retryAfter);
        const error = failure(status, text, true, config.token);
        return retryAfterMs === undefined
          ? { ok: false, retryable: true, error }
          : { ok: false, retryable: true, error, retryAfterMs };
      }
      waitingForDelivery = refusing(status);
      ready = !waitingForDelivery;
      return { ok: false, retryable: false, error: failure(status, text, false, config.token) };
    } catch (error) {
      ready = false;
      // Cut by its own timeout or by the pipeline's deadline: the collector did not answer.
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
      if (reason instanceof RequestTimeout || reason instanceof SendDeadlineError)
        unanswered = true;
      return notDelivered(
        'failed',
        controller.signal.aborted ? controller.signal.reason : error,
        error,
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      inFlight.delete(controller);
    }
  }

  probe();
  return {
    name: 'http',
    acceptsWireJson: true,
    send(batch, signal) {
      return post(batch, signal)
        .catch((error: unknown) => ({
          ok: false as const,
          retryable: false,
          error: error instanceof Error ? error : new Error(String(error)),
        }))
        .then((result) => {
          // Only a retried batch needs its encoding again; do not hold the last one in memory.
          if ((result.ok || !result.retryable) && encoded?.batch === batch) {
            encoded.release();
            encoded = undefined;
          }
          return result;
        });
    },
    isReady() {
      if (!ready) probe();
      return ready && !closed;
    },
    shutdown(shutdownTimeoutMs) {
      closed = true;
      probing?.abort(new Error('transport shut down'));
      if (inFlight.size === 0) {
        poster.close();
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const controller of inFlight) controller.abort(new Error('transport shut down'));
          poster.close();
          resolve();
        }, shutdownTimeoutMs);
        timer.unref();
        const poll = setInterval(() => {
          if (inFlight.size === 0) {
            clearInterval(poll);
            clearTimeout(timer);
            poster.close();
            resolve();
          }
        }, 10);
        poll.unref();
      });
    },
  };
}
