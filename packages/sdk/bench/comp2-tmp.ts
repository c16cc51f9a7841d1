import { randomUUID } from 'node:crypto';
import { validateItem } from '@driftwatch/schema';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { SAMPLE_FEATURES } from './model.js';
function time(name: string, n: number, fn: () => void): void {
  for (let i = 0; i < n; i++) fn();
  let best = Infinity;
  for (let r = 0; r < 5; r++) { const t = performance.now(); for (let i = 0; i < n; i++) fn(); best = Math.min(best, (performance.now() - t) * 1000 / n); }
  console.log(name.padEnd(40), best.toFixed(2), 'µs');
}
const ev = { predictionId: randomUUID(), model: 'credit-risk', modelVersion: '1.4.0', timeUnixMs: Date.now(), features: SAMPLE_FEATURES, prediction: 1, score: 0.3, serviceName: 'bench-model', requestId: randomUUID(), traceId: '0123456789abcdef0123456789abcdef', spanId: '0123456789abcdef' };
time('validate prediction', 50000, () => { validateItem('predictions', ev); });
const p = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
const m = p.getMeter('x');
const h = m.createHistogram('h'); const c = m.createCounter('c');
const attrs = Object.freeze({ model: 'credit-risk', model_version: '1.4.0' });
const attrs3 = { 'http.request.method': 'POST', 'http.response.status_code': 200, 'http.route': '/predict' };
time('histogram.record 2 attrs', 50000, () => h.record(0.3, attrs));
time('histogram.record 3 attrs', 50000, () => h.record(0.3, attrs3));
time('counter.add 2 attrs', 50000, () => c.add(1, attrs));
time('Date.now', 50000, () => Date.now());
