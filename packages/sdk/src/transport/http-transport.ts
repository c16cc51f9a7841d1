/**
 * HTTP transport: one `POST {url}/v1/ingest` per batch (JSON, gzip above a size, bearer token),
 * classifying every answer into a SendResult. Never rejects; the pipeline owns retries.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { SdkError, SdkErrorCodes } from '../errors.js';
import type { RejectedItem, SendResult, TelemetryBatch, Transport } from './transport.js';

const gzip = promisify(gzipCallback);

export interface HttpTransportConfig {
  /** Collector base URL, e.g. `http://127.0.0.1:7070`. */
  readonly url: string;
  readonly token?: string | undefined;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default 1024 */
  readonly gzipMinBytes?: number;
}

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function failure(status: number, text: string, retryable: boolean): SdkError {
  const shown = text.length > 300 ? `${text.slice(0, 297)}...` : text;
  return new SdkError(
    SdkErrorCodes.HTTP_SEND_FAILED,
    `collector answered HTTP ${status}${shown ? `: ${shown}` : ''}`,
    { status, retryable },
  );
}

function readRejected(text: string): readonly RejectedItem[] | undefined {
  try {
    const body = JSON.parse(text) as { rejected?: unknown };
    return Array.isArray(body.rejected) && body.rejected.length > 0
      ? (body.rejected as RejectedItem[])
      : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the HTTP transport (Node's global fetch; gzip through node:zlib off the main thread). */
export function createHttpTransport(config: HttpTransportConfig): Transport {
  const endpoint = `${config.url.replace(/\/+$/, '')}/v1/ingest`;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const gzipMinBytes = config.gzipMinBytes ?? 1024;
  const baseHeaders: Record<string, string> = { 'content-type': 'application/json' };
  if (config.token) baseHeaders.authorization = `Bearer ${config.token}`;
  let ready = true;
  let closed = false;
  const inFlight = new Set<AbortController>();

  async function post(batch: TelemetryBatch, signal?: AbortSignal): Promise<SendResult> {
    const json = Buffer.from(JSON.stringify(batch));
    const headers = { ...baseHeaders };
    let body: Buffer = json;
    if (json.length >= gzipMinBytes) {
      body = await gzip(json);
      headers['content-encoding'] = 'gzip';
    }
    const controller = new AbortController();
    inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await fetch(endpoint, { method: 'POST', headers, body, signal: controller.signal });
      const text = await response.text();
      const status = response.status;
      if (status >= 200 && status < 300) {
        ready = true;
        const rejected = status === 202 ? readRejected(text) : undefined;
        return rejected ? { ok: true, rejected } : { ok: true };
      }
      if (status === 413) {
        ready = true;
        return { ok: false, retryable: false, tooLarge: true, error: failure(status, text, false) };
      }
      if (status === 429 || status >= 500) {
        ready = false;
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        const error = failure(status, text, true);
        return retryAfterMs === undefined
          ? { ok: false, retryable: true, error }
          : { ok: false, retryable: true, error, retryAfterMs };
      }
      ready = status !== 401 && status !== 403;
      return { ok: false, retryable: false, error: failure(status, text, false) };
    } catch (error) {
      ready = false;
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      return {
        ok: false,
        retryable: !closed,
        error: new SdkError(SdkErrorCodes.HTTP_SEND_FAILED, `POST ${endpoint} failed: ${String((reason as Error)?.message ?? reason)}`, { retryable: true }, { cause: error }),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      inFlight.delete(controller);
    }
  }

  return {
    name: 'http',
    send(batch, signal) {
      return post(batch, signal).catch((error: unknown) => ({
        ok: false as const,
        retryable: false,
        error: error instanceof Error ? error : new Error(String(error)),
      }));
    },
    isReady: () => ready && !closed,
    shutdown(shutdownTimeoutMs) {
      closed = true;
      if (inFlight.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const controller of inFlight) controller.abort(new Error('transport shut down'));
          resolve();
        }, shutdownTimeoutMs);
        timer.unref();
        const poll = setInterval(() => {
          if (inFlight.size === 0) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve();
          }
        }, 10);
        poll.unref();
      });
    },
  };
}
