/**
 * POSTs (and the readiness probe's GETs) over one keep-alive agent (node:http or node:https),
 * resolving with the status, the answer text and Retry-After.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface PostResponse {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | null;
}

/** Most answer bytes kept (error texts are cut to 300 characters; 202 bodies list rejections). */
const MAX_ANSWER_BYTES = 1 << 20;

export interface Poster {
  /**
   * Rejects on network errors and when `signal` aborts (with the abort reason). `hold` false: the
   * request's socket does not keep the process alive.
   */
  post(
    headers: Record<string, string>,
    body: Buffer,
    signal: AbortSignal,
    hold?: boolean,
  ): Promise<PostResponse>;
  /** GETs `url` (same agent); rejects on network errors and when `signal` aborts. */
  get(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<PostResponse>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

function readAnswer(response: IncomingMessage): Promise<PostResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    response.on('data', (chunk: Buffer) => {
      if (bytes < MAX_ANSWER_BYTES) chunks.push(chunk);
      bytes += chunk.length;
    });
    response.on('end', () => {
      const retryAfter = response.headers['retry-after'];
      resolve({
        status: response.statusCode ?? 0,
        text: Buffer.concat(chunks).toString('utf8'),
        retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
      });
    });
    response.on('error', reject);
    // Destroyed mid-answer (abort, reset): 'end' never comes.
    response.on('close', () => {
      if (!response.complete) reject(new Error('connection closed before the answer ended'));
    });
  });
}

/**
 * Settles with `outgoing`'s answer. A `101 Switching Protocols` (no 'response' event: Node hands
 * the socket over, and destroys it when no one takes it) or a request that closes with no answer
 * at all rejects: neither emits 'error', and the send would otherwise wait forever.
 */
function awaitAnswer(
  outgoing: ClientRequest,
  signal: AbortSignal,
  resolve: (answer: PostResponse) => void,
  reject: (reason: unknown) => void,
): void {
  let answered = false;
  const fail = (error: unknown): void => reject(signal.aborted ? signal.reason : error);
  outgoing.on('response', (response) => {
    answered = true;
    readAnswer(response).then(resolve, fail);
  });
  outgoing.on('upgrade', (response: IncomingMessage, socket: Duplex) => {
    answered = true;
    socket.destroy();
    fail(
      new Error(
        `answered HTTP ${response.statusCode ?? 101} (a protocol switch), not the collector's answer`,
      ),
    );
  });
  outgoing.on('error', fail);
  outgoing.on('close', () => {
    if (!answered) fail(new Error('connection closed without an answer'));
  });
}

export function createPoster(endpoint: URL): Poster {
  const https = endpoint.protocol === 'https:';
  // One batch is in flight at a time; the socket stays open between batches.
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: 2 })
    : new HttpAgent({ keepAlive: true, maxSockets: 2 });
  const request = https ? httpsRequest : httpRequest;
  return {
    post(headers, body, signal, hold = true) {
      return new Promise((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        const outgoing = request(endpoint, {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': String(body.length) },
          signal,
        });
        // The agent refs a pooled socket again when a later request reuses it.
        if (!hold) outgoing.on('socket', (socket) => socket.unref());
        awaitAnswer(outgoing, signal, resolve, reject);
        outgoing.end(body);
      });
    },
    get(url, headers, signal) {
      return new Promise((resolve, reject) => {
        const outgoing = request(url, { method: 'GET', agent, headers, signal });
        // The readiness probe is advisory: its socket must not hold the host's process (the
        // agent refs a pooled socket again when a POST reuses it).
        outgoing.on('socket', (socket) => socket.unref());
        awaitAnswer(outgoing, signal, resolve, reject);
        outgoing.end();
      });
    },
    close() {
      agent.destroy();
    },
  };
}
