/**
 * Secrets the default redaction reaches inside string values, where no key names them: a URL's
 * query parameter (Fastify's 5xx line writes `req.url` with the query string, its 404 line the
 * URL in the message; an HTTP client's error its request URL) and the raw request an HTTP client
 * keeps on its error (a ClientRequest's `_header` text, its response's `rawHeaders`). The line
 * written and the exported record both lose them; what is not a secret stays as written.
 */
import { createServer, request, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type MemoryTransport } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';
import { logExportMonitor } from '../support/log-export-monitor.js';

const { monitor, exported, logs } = logExportMonitor('secrets-in-text-test');

describe('a secret in a query string', () => {
  it("is redacted in a request's URL and in a message, the other parameters kept", async () => {
    monitor.logger.error(
      { req: { method: 'GET', url: '/boom?token=secret-1&page=2&tokenize=no&mytoken=4' } },
      'boom',
    );
    monitor.logger.info('Route GET:/nothere?Password=secret-2 not found');
    const written = logs.raw.slice(-2).join('');
    expect(written).not.toContain('secret-');
    expect(logs.lines.at(-2)).toMatchObject({
      // By the span's url.query rules: a name holding a secret word is secret too.
      req: { url: '/boom?token=[Redacted]&page=2&tokenize=[Redacted]&mytoken=[Redacted]' },
    });
    expect(logs.lines.at(-1)).toMatchObject({
      msg: 'Route GET:/nothere?Password=[Redacted] not found',
    });
    expect((await exported('boom'))?.attributes?.['req.url']).toBe(
      '/boom?token=[Redacted]&page=2&tokenize=[Redacted]&mytoken=[Redacted]',
    );
    expect(await exported('Route GET:/nothere?Password=[Redacted] not found')).toBeDefined();
  });

  it("hides what the request span's url.query hides: OAuth and signed-URL names, encoded names", () => {
    monitor.logger.error(
      {
        req: {
          url: '/cb?access_token=secret-20&client_secret=secret-21&sig=secret-22&tok%65n=secret-23&state=ok&page=2',
        },
      },
      'callback failed',
    );
    expect(logs.raw.at(-1)).not.toMatch(/secret-\d/);
    expect(logs.lines.at(-1)).toMatchObject({
      req: {
        url: '/cb?access_token=[Redacted]&client_secret=[Redacted]&sig=[Redacted]&tok%65n=[Redacted]&state=ok&page=2',
      },
    });
  });

  it('is found inside the value of another parameter (a URL nested in a redirect)', () => {
    monitor.logger.warn(
      { url: '/login?next=/account?token=secret-15&x=1', odd: '/p?x?password=secret-16' },
      'nested',
    );
    expect(logs.raw.at(-1)).not.toMatch(/secret-\d/);
    expect(logs.lines.at(-1)).toMatchObject({
      url: '/login?next=/account?token=[Redacted]&x=1',
      odd: '/p?x?password=[Redacted]',
    });
  });

  it('is redacted whole when JSON escapes part of it', () => {
    monitor.logger.warn({ url: '/x?token=ab\u0001cd\\ef#frag' }, 'escaped');
    expect(logs.lines.at(-1)).toMatchObject({ url: '/x?token=[Redacted]#frag' });
  });

  it('is redacted for a key of logs.secretKeys', async () => {
    const capture = captureLogs();
    const own = init(
      {
        serviceName: 'secrets-in-text-own-keys',
        transport: { type: 'memory' },
        logs: { destination: capture.destination, secretKeys: ['api_key'] },
        diagnostics: { destination: captureLogs().destination },
        metrics: { enabled: false },
      },
      {},
    );
    try {
      own.logger.error(
        new Error('GET https://api.example/v1?API_KEY=secret-3 answered 500'),
        'upstream failed',
      );
      expect(capture.raw.join('')).not.toContain('secret-3');
      await own.flush();
      const [record] = (own.transport as MemoryTransport).items('logs');
      expect(record?.attributes?.['exception.message']).toBe(
        'GET https://api.example/v1?API_KEY=[Redacted] answered 500',
      );
    } finally {
      await own.shutdown();
    }
  });
});

describe("an HTTP client's request on its error", () => {
  const server = createServer((_request, response) => {
    response.statusCode = 500;
    response.setHeader('Set-Cookie', 'sid=secret-6');
    response.end('failed');
  });
  let clientRequest: ClientRequest;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // As axios keeps it: the ClientRequest (its response at `.res`) on the error it throws.
    clientRequest = await new Promise<ClientRequest>((resolve, reject) => {
      const sent = request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/score',
          headers: { Authorization: 'Bearer secret-4', Cookie: 'sid=secret-5', Accept: 'json' },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(sent));
        },
      );
      sent.on('error', reject);
      sent.end();
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('loses its header values, in the line and the record; the rest stays', async () => {
    const error = Object.assign(new Error('Request failed with status code 500'), {
      request: clientRequest,
    });
    monitor.logger.error({ err: error }, 'scoring call failed');
    const line = logs.raw.at(-1) ?? '';
    expect(line).toContain(
      '"_header":"GET /v1/score HTTP/1.1\\r\\nAuthorization: [Redacted]\\r\\n',
    );
    expect(line).toContain('\\r\\nCookie: [Redacted]\\r\\n');
    expect(line).toContain('\\r\\nAccept: json\\r\\n');
    expect(line).toMatch(/"rawHeaders":\["Set-Cookie","\[Redacted\]","Date","[^"]+"/);
    expect(line).not.toMatch(/secret-\d/);
    const record = await exported('scoring call failed');
    expect(JSON.stringify(record)).not.toMatch(/secret-\d/);
    expect(record?.attributes?.['exception.message']).toBe('Request failed with status code 500');
  });
});

describe('a secret in an argument the message formats (%j, %o, %O)', () => {
  it('is redacted in the message, in the line and the record, as a field would be', async () => {
    monitor.logger.info('login %j', { user: 'bob', password: 'secret-7' });
    monitor.logger.info(
      { step: 2 },
      'retry %o then %O',
      { Authorization: 'Bearer secret-8' },
      {
        db: { token: 'secret-9', host: 'db1' },
      },
    );
    const written = logs.raw.slice(-2).join('');
    expect(written).not.toMatch(/secret-\d/);
    expect(logs.lines.at(-2)).toMatchObject({
      msg: 'login {"user":"bob","password":"[Redacted]"}',
    });
    expect(logs.lines.at(-1)?.msg).toContain('"host":"db1"');
    expect(await exported('login {"user":"bob","password":"[Redacted]"}')).toBeDefined();
  });

  it('leaves an argument a %s takes as String() writes it', () => {
    const error = Object.assign(new Error('upstream refused'), {
      toJSON: () => ({ headers: { authorization: 'Bearer secret-13' } }),
    });
    monitor.logger.info('call %s failed: %j', error, { status: 401, token: 'secret-14' });
    expect(logs.raw.at(-1)).not.toMatch(/secret-\d/);
    expect(logs.lines.at(-1)?.msg).toBe(
      'call Error: upstream refused failed: {"status":401,"token":"[Redacted]"}',
    );
  });

  it('a value JSON cannot write (a cycle) is formatted as pino formats it, never thrown', () => {
    const cyclic: Record<string, unknown> = { password: 'secret-10' };
    cyclic.self = cyclic;
    expect(() => monitor.logger.info('cycle %j', cyclic)).not.toThrow();
  });
});

describe('a quoted header value in raw request text', () => {
  it('is redacted whole, quotes and all (a Digest Authorization, a quoted cookie)', () => {
    const header =
      'GET / HTTP/1.1\r\nAuthorization: Digest username="bob", response="secret-11"\r\n' +
      'Cookie: sid="secret-12"\r\nAccept: json\r\n\r\n';
    monitor.logger.error({ request: { _header: header } }, 'digest call failed');
    const line = logs.raw.at(-1) ?? '';
    expect(line).not.toMatch(/secret-\d/);
    expect(line).toContain('\\r\\nAuthorization: [Redacted]\\r\\n');
    expect(line).toContain('\\r\\nAccept: json\\r\\n');
  });
});
