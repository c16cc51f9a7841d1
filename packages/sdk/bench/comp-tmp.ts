import { randomUUID } from 'node:crypto';
import { gzipSync, constants } from 'node:zlib';
import { pino } from 'pino';
import { init } from '@driftwatch/sdk';
import { SAMPLE_FEATURES } from './model.js';
const dest = pino.destination({ dest: '/dev/null', sync: true });
let batches: unknown[] = [];
const transport = { name: 'null', send: async (b: unknown) => { batches.push(b); if (batches.length > 50) batches = []; return { ok: true as const }; }, isReady: () => true, shutdown: async () => {} };
const monitor = init({ serviceName: 'bench-model', serviceVersion: '1.0.0', environment: 'bench', transport, logs: { destination: dest }, metrics: { port: 0, host: '127.0.0.1' } }, {});
const headers = { host: '127.0.0.1:3000', 'content-type': 'application/json' };
function time(name: string, n: number, fn: () => void): void {
  for (let i = 0; i < n; i++) fn();
  let best = Infinity;
  for (let r = 0; r < 5; r++) { const t = performance.now(); for (let i = 0; i < n; i++) fn(); best = Math.min(best, (performance.now() - t) * 1000 / n); }
  console.log(name.padEnd(40), best.toFixed(2), 'µs');
}
const N = 20000;
const h0 = monitor.http.start({ method: 'POST', path: '/predict', headers, requestId: randomUUID() });
const hist = (monitor as any).http;
time('startSpan+end (via tracer)', N, () => { monitor.tracer.startSpan('x', { attributes: { a: 'b', c: 'd', e: 'f' } }).end(); });
time('http.start', N, () => { monitor.http.start({ method: 'POST', path: '/predict', headers, requestId: 'abc' }); });
time('http.start+end', N, () => { monitor.http.start({ method: 'POST', path: '/predict', headers, requestId: 'abc' }).end({ statusCode: 200, route: '/predict' }); });
time('logger.info completion-like', N, () => { monitor.logger.info({ request_id: 'x', trace_id: 't', span_id: 's', req: { method: 'POST', url: '/predict', route: '/predict' }, res: { statusCode: 200 }, responseTime: 1.234 }, 'request completed'); });
const plain = pino({ base: { 'service.name': 'a', 'service.version': 'b', environment: 'c' } }, dest);
time('plain pino completion-like', N, () => { plain.info({ request_id: 'x', trace_id: 't', span_id: 's', req: { method: 'POST', url: '/predict', route: '/predict' }, res: { statusCode: 200 }, responseTime: 1.234 }, 'request completed'); });
monitor.contextStorage.run(h0.store, () => {
  time('logPrediction in ctx', N, () => { monitor.logPrediction({ model: 'm', modelVersion: '1', features: SAMPLE_FEATURES, prediction: 1, score: 0.4 }); });
});
time('randomUUID', N, () => { randomUUID(); });
// transport cost
await monitor.flush();
const b = batches.at(-1) as { logs: unknown[]; spans: unknown[]; predictions: unknown[] };
console.log('last batch', b.logs.length, b.spans.length, b.predictions.length);
const big = { resource: {}, logs: b.logs.slice(0, 170), spans: b.spans.slice(0, 170), predictions: b.predictions.slice(0, 170), labels: [], metrics: [] };
time('JSON.stringify 510 items (per batch)', 50, () => { JSON.stringify(big); });
const buf = Buffer.from(JSON.stringify(big));
console.log('batch bytes', buf.length);
time('gzip level default (per batch)', 20, () => { gzipSync(buf); });
time('gzip level 1 (per batch)', 20, () => { gzipSync(buf, { level: constants.Z_BEST_SPEED }); });
console.log('gz sizes', gzipSync(buf).length, gzipSync(buf, { level: 1 }).length);
await monitor.shutdown();
process.exit(0);
