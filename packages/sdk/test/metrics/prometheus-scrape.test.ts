/** /metrics scraped by a real Prometheus, and the exposition checked by promtool. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';
import { waitFor } from '../support/net.js';
import {
  promtoolCheckMetrics,
  startPrometheus,
  type PrometheusServer,
} from '../support/prometheus.js';

const ODD_ROUTE = '/q"uo\\te\nline/é';
/**
 * Resource attribute keys init() accepts that make no valid label name as they are (a leading
 * digit) or meet in one (`k8s.pod-name` and `k8s.pod.name`): one bad target_info label makes
 * Prometheus drop the whole scrape.
 */
const ODD_RESOURCE = {
  '9zone': 'a',
  le: 'b',
  quantile: 'c',
  'k8s.pod-name': 'x',
  'k8s.pod.name': 'y',
  ключ: 'v',
};

describe('Prometheus endpoint', () => {
  let monitor: Monitor;
  let prometheus: PrometheusServer;
  let metricsUrl: string;

  beforeAll(async () => {
    monitor = init(
      {
        serviceName: 'scrape-test',
        resourceAttributes: ODD_RESOURCE,
        transport: { type: 'memory' },
        logs: { destination: captureLogs().destination },
        diagnostics: { destination: captureLogs().destination },
        metrics: { port: 0, host: '127.0.0.1', gpu: { enabled: false } },
      },
      {},
    );
    const request = monitor.http.start({ method: 'POST', path: '/predict', headers: {} });
    request.end({ statusCode: 200, route: '/predict' });
    // Label values that must be escaped in the exposition: quote, backslash, newline, non-ASCII.
    const odd = monitor.http.start({ method: 'GET', path: '/odd', headers: {} });
    odd.end({ statusCode: 500, route: ODD_ROUTE, error: new TypeError('boom') });
    monitor.logPrediction({
      model: 'risk',
      modelVersion: '3',
      features: { age: 41 },
      prediction: 1,
      score: 0.8,
    });
    monitor.logPrediction({
      model: 'risk',
      modelVersion: '3',
      features: { age: 17 },
      prediction: 0,
      score: 0.2,
    });
    // An object is not a feature value: counted as dropped{reason="invalid"}.
    monitor.logPrediction({
      model: 'risk',
      modelVersion: '3',
      features: { age: {} as never },
      prediction: 0,
    });
    const address = await monitor.metricsAddress;
    if (!address) throw new Error('metrics endpoint did not listen');
    metricsUrl = `http://127.0.0.1:${address.port}${monitor.options.metrics.route}`;
    prometheus = await startPrometheus({
      host: '127.0.0.1',
      port: address.port,
      route: monitor.options.metrics.route,
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await monitor?.shutdown({ timeoutMs: 1000 });
  });

  it('listens on the port it picked (metrics.port 0)', async () => {
    const address = await monitor.metricsAddress;
    expect(address?.port).toBeGreaterThan(0);
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await fetch(metricsUrl.replace(/metrics$/, 'nope'))).status).toBe(404);
  });

  it('says which text format and charset it writes, for a route label outside ASCII', async () => {
    for (const method of ['GET', 'HEAD']) {
      const response = await fetch(metricsUrl, { method });
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      await response.arrayBuffer();
    }
    // The body is UTF-8: the route's é is its two bytes, not Latin-1's one.
    const body = Buffer.from(await (await fetch(metricsUrl)).arrayBuffer());
    expect(body.includes(Buffer.from('line/\u00e9"', 'utf8'))).toBe(true);
  });

  it('is scraped by Prometheus: HTTP, runtime, model and SDK health series', async () => {
    await prometheus.waitUntilUp();
    const expected = [
      'http_server_request_duration_bucket',
      'http_server_request_duration_count',
      'http_server_request_duration_sum',
      'process_cpu_time_total',
      'process_cpu_utilization',
      'process_memory_usage',
      'v8js_memory_heap_used',
      'nodejs_eventloop_utilization',
      'nodejs_eventloop_delay_p99',
      'driftwatch_model_predictions_total',
      'driftwatch_model_score_bucket',
      'driftwatch_sdk_queue_items',
      'driftwatch_sdk_dropped_total',
      'driftwatch_sdk_export_errors_total',
    ];
    const names = await waitFor('all series scraped', async () => {
      const held = await prometheus.names();
      return expected.every((name) => held.includes(name)) ? held : undefined;
    });
    expect(names).toEqual(expect.arrayContaining(expected));

    const [duration] = await prometheus.query(
      'http_server_request_duration_count{http_route="/predict"}',
    );
    expect(duration?.metric).toMatchObject({
      job: 'sdk',
      http_request_method: 'POST',
      http_response_status_code: '200',
      http_route: '/predict',
    });
    expect(duration?.value[1]).toBe('1');
    const buckets = await prometheus.query(
      'http_server_request_duration_bucket{http_route="/predict"}',
    );
    expect(buckets.map((sample) => sample.metric.le)).toEqual(
      expect.arrayContaining(['0.005', '0.1', '1', '10', '+Inf']),
    );

    const [predictions] = await prometheus.query(
      'driftwatch_model_predictions_total{model="risk"}',
    );
    expect(predictions?.metric.model_version).toBe('3');
    expect(predictions?.value[1]).toBe('3');
    const [invalid] = await prometheus.query('driftwatch_sdk_dropped_total{reason="invalid"}');
    expect(invalid?.value[1]).toBe('1');
    const [errors] = await prometheus.query('driftwatch_sdk_export_errors_total');
    expect(errors?.value[1]).toBe('0');
    const queues = await prometheus.query('driftwatch_sdk_queue_items');
    expect(queues.map((sample) => sample.metric.signal).sort()).toEqual([
      'labels',
      'logs',
      'metrics',
      'predictions',
      'spans',
    ]);
    const cpu = await prometheus.query('process_cpu_time_total');
    expect(cpu.map((sample) => sample.metric.cpu_mode).sort()).toEqual(['system', 'user']);
    const odd = await prometheus.query(
      'http_server_request_duration_count{error_type="TypeError"}',
    );
    expect(odd.map((sample) => sample.metric.http_route)).toEqual([ODD_ROUTE]);
    const [info] = await prometheus.query('target_info');
    expect(info?.metric).toMatchObject({
      service_name: 'scrape-test',
      key_9zone: 'a',
      key_le: 'b',
      key_quantile: 'c',
      // Keys that meet in one label: their values in the keys' order.
      k8s_pod_name: 'x;y',
      _: 'v',
    });
  });

  it('passes promtool check metrics', async () => {
    const text = await (await fetch(metricsUrl)).text();
    const result = promtoolCheckMetrics(text);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });
});
