import { join } from 'node:path';
import { ChildService } from './ipc.js';
import { runLoad } from './load.js';
import { SAMPLE_FEATURES } from './model.js';
const here = import.meta.dirname;
const tsx = import.meta.resolve('tsx');
const sink = await ChildService.start('sink', join(here, 'ingest-sink.ts'), { execArgv: ['--import', tsx] });
const body = JSON.stringify({ features: SAMPLE_FEATURES });
const modes = process.argv.slice(2);
const servers = [];
for (const m of modes) {
  const isBare = m === 'bare';
  servers.push(await ChildService.start(m, join(here, isBare ? 'server-process.ts' : 'ablate-tmp.ts'), { args: [isBare ? 'bare' : m], execArgv: ['--import', tsx], env: { ...process.env, BENCH_SINK_URL: `http://127.0.0.1:${sink.port}` } }));
}
const res: Record<string, number[]> = {};
for (let round = 0; round < Number(process.env.R ?? 2); round++) for (const s of servers) {
  const url = `http://127.0.0.1:${s.port}/predict`;
  await runLoad({ url, body, connections: 10, durationS: round === 0 ? 3 : 1 });
  const c0 = await s.request<{ cpuUs: number; served: number }>('cpu');
  const r = await runLoad({ url, body, connections: 10, durationS: Number(process.env.D ?? 4) });
  const c1 = await s.request<{ cpuUs: number; served: number }>('cpu');
  (res[s.name] ??= []).push((c1.cpuUs - c0.cpuUs) / (c1.served - c0.served));
  console.log(s.name, r.reqPerS.toFixed(0), 'rps p99', r.p99Ms, 'cpu/req', ((c1.cpuUs - c0.cpuUs) / (c1.served - c0.served)).toFixed(1));
}
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(12), v.map((x) => x.toFixed(1)).join(' '), 'mean', (v.reduce((a, b) => a + b, 0) / v.length).toFixed(1));
for (const s of servers) await s.stop();
await sink.stop();
