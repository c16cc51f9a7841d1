import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { pino } from 'pino';
import { init } from '@driftwatch/sdk';
import { ChildService } from './ipc.js';
import { SAMPLE_FEATURES, MODEL_NAME, MODEL_VERSION, score } from './model.js';
const here = import.meta.dirname;
const tsx = import.meta.resolve('tsx');
const sink = await ChildService.start('sink', join(here, 'ingest-sink.ts'), { execArgv: ['--import', tsx] });
const mode = process.argv[2] ?? 'full';
const dest = pino.destination({ dest: '/dev/null', sync: true });
const opts: Record<string, unknown> = { serviceName: 'bench-model', serviceVersion: '1.0.0', environment: 'bench', transport: { type: 'http', url: `http://127.0.0.1:${sink.port}` }, logs: { destination: dest }, metrics: { port: 0, host: '127.0.0.1' } };
if (mode === 'nullt') opts.transport = { name: 'null', send: async () => ({ ok: true }), isReady: () => true, shutdown: async () => {} };
if (mode === 'nologexport') opts.logs = { destination: dest, export: false };
if (mode === 'notraces') opts.traces = { enabled: false };
if (mode === 'nometrics') opts.metrics = { enabled: false };
if (mode === 'noredact') opts.logs = { destination: dest, redact: [] };
const monitor = init(opts, {});
const headers = { host: '127.0.0.1:3000', 'content-type': 'application/json', 'content-length': '200', connection: 'keep-alive' };
const features = { ...SAMPLE_FEATURES };
function one(): void {
  const h = monitor.http.start({ method: 'POST', path: '/predict', headers, requestId: randomUUID(), scheme: 'http' });
  monitor.contextStorage.run(h.store, () => {
    const s = score(features);
    if (mode !== 'nopred') monitor.logPrediction({ model: MODEL_NAME, modelVersion: MODEL_VERSION, features, prediction: s > 0.5 ? 1 : 0, score: s });
  });
  h.end({ statusCode: 200, route: '/predict' });
}
async function run(n: number): Promise<[number, number]> {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n / 200; i++) { for (let j = 0; j < 200; j++) one(); await tick(); }
  await monitor.flush();
  const c = process.cpuUsage(c0);
  return [((performance.now() - t0) * 1000) / n, (c.user + c.system) / n];
}
await run(Number(process.env.WARM ?? 30000));
const out = [];
for (let r = 0; r < 3; r++) out.push(await run(Number(process.env.N ?? 60000)));
console.log(mode.padEnd(12), 'wall µs/iter', out.map((x) => x[0].toFixed(1)).join(' '), ' cpu µs/iter', out.map((x) => x[1].toFixed(1)).join(' '), 'dropped', JSON.stringify(monitor.stats.dropped).replace(/"\w+":0,?/g, ''));
await monitor.shutdown();
await sink.stop();
process.exit(0);
