/**
 * `monitor.http.start().end()` is public: a JavaScript caller's status that is not an HTTP status
 * (NaN, undefined, a fraction) must not reach the wire as `NaN`, which no JSON parser reads and
 * which would cost the whole batch at the collector. It is recorded as 0 (no status) on the log
 * line, and the span leaves `http.response.status_code` out, as the conventions do without one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { init, type Monitor } from '../../src/index.js';
import { startIngestReceiver, type IngestReceiver } from '../support/ingest-receiver.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';

let receiver: IngestReceiver;
let monitor: Monitor;
let lines: LogCapture;

beforeAll(async () => {
  receiver = await startIngestReceiver();
  lines = captureLogs();
  monitor = init(
    {
      serviceName: 'request-status-test',
      transport: { type: 'http', url: receiver.url },
      logs: { destination: lines.destination },
      diagnostics: { destination: captureLogs().destination },
      metrics: { enabled: false },
    },
    {},
  );
});

afterAll(async () => {
  await monitor.shutdown({ timeoutMs: 2000 });
  await receiver.close();
});

it('a status that is not an HTTP status is recorded as none, and the batch is delivered', async () => {
  for (const statusCode of [Number.NaN, undefined, 200.5, 201]) {
    const request = monitor.http.start({ method: 'GET', path: '/x', headers: {} });
    request.end({ statusCode: statusCode as number, route: '/x' });
  }
  await monitor.flush();
  expect(monitor.stats.dropped.invalid).toBe(0);
  const spans = receiver.requests.flatMap((request) => request.batch.spans ?? []);
  expect(spans.map((span) => span.attributes?.['http.response.status_code'])).toEqual([
    undefined,
    undefined,
    undefined,
    201,
  ]);
  const logs = receiver.requests.flatMap((request) => request.batch.logs ?? []);
  expect(logs.map((log) => log.attributes?.['res.statusCode'])).toEqual([0, 0, 0, 201]);
  expect(lines.lines.map((line) => (line.res as { statusCode: number }).statusCode)).toEqual([
    0, 0, 0, 201,
  ]);
});

it("a framework's request id that is not safe to log is replaced, as an incoming header's is", async () => {
  const fromHeader = monitor.http.start({
    method: 'GET',
    path: '/id',
    headers: { 'x-request-id': 'from-the-header' },
    requestId: 'forged\nline',
  });
  expect(fromHeader.requestId).toBe('from-the-header');
  const generated = monitor.http.start({
    method: 'GET',
    path: '/id',
    headers: {},
    requestId: 'x'.repeat(129),
  });
  expect(generated.requestId).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  const kept = monitor.http.start({ method: 'GET', path: '/id', headers: {}, requestId: 'req-7' });
  expect(kept.requestId).toBe('req-7');
  for (const request of [fromHeader, generated, kept])
    request.end({ statusCode: 200, route: '/id' });
  const ids = lines.lines.filter((line) => (line.req as { url: string }).url === '/id');
  expect(ids.map((line) => line.request_id)).toEqual([
    'from-the-header',
    generated.requestId,
    'req-7',
  ]);
});
