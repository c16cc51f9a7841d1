/**
 * Collector URLs as users write them: a path prefix (a collector behind a reverse proxy), a query
 * string (a gateway's tenant or key parameter), https with gzip and a token, and URLs the
 * parser refuses (an init() error naming the option, not a bare TypeError).
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { init, SdkError, type Monitor } from '../../src/index.js';
import { waitFor } from '../support/net.js';
import { predictionOnlyMonitor, sendOnePrediction } from '../support/prediction-monitor.js';

/** Self-signed for localhost and 127.0.0.1, valid until 2126 (test only). */
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0V34kTee8sWR9eju
fU5Q1s9tTCyLT1xiJ6bde78PhJChRANCAAQDNDB5MMKVyb8mjnU2lyLx8tDb1T91
cfy5j7ZQXCiyvC8F5I7jKQSzkRnLn5vZgNL1HXF3pFlmotxVGk4aV9bS
-----END PRIVATE KEY-----`;
const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUAaYb9GZreB20OrHp06OVz+yPy/EwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNzE1MTcyOVoYDzIxMjYxMTAz
MTUxNzI5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQDNDB5MMKVyb8mjnU2lyLx8tDb1T91cfy5j7ZQXCiyvC8F5I7jKQSz
kRnLn5vZgNL1HXF3pFlmotxVGk4aV9bSo28wbTAdBgNVHQ4EFgQUEtqPtp74M4mD
Igei3jpK7xKp5YwwHwYDVR0jBBgwFoAUEtqPtp74M4mDIgei3jpK7xKp5YwwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDRwAwRAIgTrOSHYMEsta7GiBeTl4VM6lx7RIBdnoad9PIT59YXmACIATV
9xSRs/BTTsJdtZW9qQpSj9oMenz1rqZIsEdQ6Olt
-----END CERTIFICATE-----`;

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let server: Server | undefined;
let monitor: Monitor | undefined;
let seen: Seen[] = [];

afterEach(async () => {
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
  seen = [];
});

function handle(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const raw = Buffer.concat(chunks);
    const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body: body.toString(),
    });
    response.writeHead(request.method === 'GET' ? 200 : 202).end('{}');
  });
}

async function listen(tls: boolean): Promise<number> {
  const created = tls
    ? createHttpsServer({ key: TLS_KEY, cert: TLS_CERT }, handle)
    : createHttpServer(handle);
  created.keepAliveTimeout = 100;
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return (created.address() as AddressInfo).port;
}

function start(url: string, extra: Record<string, unknown> = {}): Monitor {
  monitor = predictionOnlyMonitor('url-test', { type: 'http', url, ...extra });
  return monitor;
}

describe('collector URLs', () => {
  it.each([
    ['a path prefix', '/driftwatch', '/driftwatch/v1/ingest', '/driftwatch/health'],
    ['a path prefix with a slash', '/a/b/', '/a/b/v1/ingest', '/a/b/health'],
    [
      'a query string',
      '/dw?tenant=a%20b&k=1',
      '/dw/v1/ingest?tenant=a%20b&k=1',
      '/dw/health?tenant=a%20b&k=1',
    ],
    ['a query string without a path', '?key=s3cret', '/v1/ingest?key=s3cret', '/health?key=s3cret'],
    ['a fragment', '/dw#frag', '/dw/v1/ingest', '/dw/health'],
  ])('posts under %s', async (_name, suffix, ingest, health) => {
    const port = await listen(false);
    const target = start(`http://127.0.0.1:${port}${suffix}`);
    await waitFor('ready', async () => ((await target.readiness()).ready ? true : undefined));
    await sendOnePrediction(target);
    expect(target.stats.sentItems).toBe(1);
    expect(seen.find((request) => request.method === 'POST')?.url).toBe(ingest);
    expect(seen.find((request) => request.method === 'GET')?.url).toBe(health);
  });

  it("names the endpoint of a failed send without the URL's credentials or query", async () => {
    // Nothing listens there: the send fails with the endpoint in its message.
    const closed = await listen(false);
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const target = start(`http://svc:pa55@127.0.0.1:${closed}/dw?api_key=s3cret&tenant=a`, {
      timeoutMs: 500,
    });
    const result = await target.transport!.send({
      resource: { 'service.name': 'url-test' },
      predictions: [],
      labels: [],
      logs: [],
      spans: [],
      metrics: [],
    });
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.error.message;
    expect(message).toContain(`POST http://127.0.0.1:${closed}/dw/v1/ingest?… failed`);
    expect(message).not.toMatch(/s3cret|pa55|tenant/);
  });

  it('sends gzip JSON with the bearer token over https', async () => {
    const port = await listen(true);
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    // The certificate is self-signed; the transport takes the host's trust store (no CA option).
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const target = start(`https://localhost:${port}/dw`, {
        token: 'tls-token',
        gzipMinBytes: 0,
        // localhost is loopback, uncompressed by default.
        gzipLevel: 1,
      });
      await waitFor('ready', async () => ((await target.readiness()).ready ? true : undefined));
      await sendOnePrediction(target);
      await sendOnePrediction(target);
      expect(target.stats).toMatchObject({ sentItems: 2, exportErrors: 0 });
      const posts = seen.filter((request) => request.method === 'POST');
      expect(posts).toHaveLength(2);
      for (const post of posts) {
        expect(post.url).toBe('/dw/v1/ingest');
        expect(post.headers).toMatchObject({
          'content-encoding': 'gzip',
          authorization: 'Bearer tls-token',
          'content-type': 'application/json',
        });
        expect(JSON.parse(post.body)).toMatchObject({ predictions: [{ model: 'm' }] });
      }
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
  });

  it.each(['http://[::1', 'http://collector:99999', 'http://%zz/', 'https://a b'])(
    'refuses %s at init() with DW_SDK_INVALID_OPTION naming transport.url',
    (url) => {
      for (const [options, env, option] of [
        [{ transport: { type: 'http', url } }, {}, 'transport.url'],
        [{}, { DRIFTWATCH_COLLECTOR_URL: url }, 'transport.url'],
      ] as const) {
        let thrown: unknown;
        try {
          monitor = init({ ...options, metrics: { enabled: false } }, env);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(SdkError);
        expect(thrown).toMatchObject({
          code: 'DW_SDK_INVALID_OPTION',
          details: { option, expected: 'an http:// or https:// URL of at most 2048 characters' },
        });
      }
    },
  );
});
