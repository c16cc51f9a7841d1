import { join } from 'node:path';
import { ChildService } from './ipc.js';
import { runLoad } from './load.js';
import { SAMPLE_FEATURES } from './model.js';
const here = import.meta.dirname;
const tsx = import.meta.resolve('tsx');
const variant = process.argv[2] ?? 'driftwatch';
const route = process.argv[3] ?? '/predict';
const sink = await ChildService.start('sink', join(here, 'ingest-sink.ts'), { execArgv: ['--import', tsx] });
const extra = process.env.NOPROF ? [] : ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'];
const pre = variant === 'conventional' ? ['--import', join(here, 'otel-register.ts')] : [];
const server = await ChildService.start(variant, join(here, 'server-process.ts'), {
  args: [variant],
  execArgv: ['--import', tsx, ...pre, ...extra],
  env: { ...process.env, BENCH_SINK_URL: `http://127.0.0.1:${sink.port}`, BENCH_ENSEMBLE_MEMBERS: '16000', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sink.port}`, OTEL_LOGS_EXPORTER: 'none', BENCH_PROMETHEUS_PORT: '19464' },
});
const body = JSON.stringify({ features: SAMPLE_FEATURES });
const url = `http://127.0.0.1:${server.port}${route}`;
await runLoad({ url, body, connections: 10, durationS: 2 });
const c0 = await server.request<{ cpuUs: number; served: number }>('cpu');
const r = await runLoad({ url, body, connections: 10, durationS: Number(process.env.D ?? 5) });
const c1 = await server.request<{ cpuUs: number; served: number }>('cpu');
console.log(variant, route, r.reqPerS.toFixed(0), 'rps', 'p99', r.p99Ms, 'cpu/req', ((c1.cpuUs - c0.cpuUs) / (c1.served - c0.served)).toFixed(1));
await server.stop();
await sink.stop();
