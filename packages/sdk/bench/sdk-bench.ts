/**
 * `pnpm bench:sdk`: the cost of Driftwatch per request, against bare Fastify and the
 * conventional OpenTelemetry stack. Builds the SDK and the Fastify plugin (the servers run the
 * built packages), starts an ingest sink and one server process per variant, then drives each
 * with autocannon, interleaved in rounds whose order rotates (a b c, b c a, c a b, …: the host's
 * drift within a round does not always favour the same variant), on a light and a heavy
 * prediction route.
 * Prints req/s, p99 and the server CPU time per request; checks that every prediction sample and
 * span of (b) reached the sink with nothing dropped. Last line:
 * `sdk-bench: ratio=<b/a> conventional=<c/a> cost_share=<(1/b−1/a)/(1/c−1/a)>` (light route).
 *
 * Before the load, the CPU each server uses while idle (BENCH_IDLE_S, 5 s).
 * Tunables (env): BENCH_DURATION_S (6), BENCH_WARMUP_S (1), BENCH_ROUNDS (3),
 * BENCH_CONNECTIONS (10), BENCH_SKIP_BUILD=1, BENCH_LOG_FILE (/dev/null), BENCH_FLOOR=1 (adds (d),
 * the hand-written floor: the same outputs with no SDK, for what they cost at least).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildService } from './ipc.js';
import type { SinkCounts } from './ingest-sink.js';
import { runLoad } from './load.js';
import { calibrateEnsembleMembers, SAMPLE_FEATURES } from './model.js';
import {
  finalLine,
  formatScenario,
  summarize,
  type RunRecord,
  type ScenarioSummary,
} from './report.js';
import type { CpuSample } from './server-process.js';
import {
  activeVariants,
  SCENARIOS,
  VARIANT_LABELS,
  type Scenario,
  type Variant,
} from './variants.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return process.env[name] && Number.isFinite(value) && value > 0 ? value : fallback;
}

const durationS = envNumber('BENCH_DURATION_S', 6);
const warmupS = envNumber('BENCH_WARMUP_S', 1);
const rounds = Math.round(envNumber('BENCH_ROUNDS', 3));
const connections = Math.round(envNumber('BENCH_CONNECTIONS', 10));
const idleS = envNumber('BENCH_IDLE_S', 5);
const body = JSON.stringify({ features: SAMPLE_FEATURES });
const variants = activeVariants(process.env);

function build(): void {
  if (process.env.BENCH_SKIP_BUILD === '1') return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const args = [
    tsc,
    '-b',
    'packages/sdk/tsconfig.build.json',
    'packages/fastify/tsconfig.build.json',
  ];
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error('building @driftwatch/sdk and @driftwatch/fastify failed');
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 9464));
    });
  });
}

/** The inherited environment without DRIFTWATCH_* / OTEL_* settings of the calling shell. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('DRIFTWATCH_') && !key.startsWith('OTEL_')) env[key] = value;
  }
  return { ...env, ...extra };
}

type Servers = ReadonlyMap<Variant, ChildService>;

function serverOf(servers: Servers, variant: Variant): ChildService {
  const server = servers.get(variant);
  if (server === undefined) throw new Error(`no server for variant ${variant}`);
  return server;
}

/** Starts one server per variant; each started one is also pushed to `started` (for cleanup). */
async function startServers(
  sinkUrl: string,
  ensembleMembers: number,
  started: ChildService[],
): Promise<Servers> {
  const tsx = import.meta.resolve('tsx');
  const env = cleanEnv({
    BENCH_SINK_URL: sinkUrl,
    BENCH_ENSEMBLE_MEMBERS: String(ensembleMembers),
    BENCH_PROMETHEUS_PORT: String(await freePort()),
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
    OTEL_LOGS_EXPORTER: 'none',
  });
  const servers = new Map<Variant, ChildService>();
  for (const variant of variants) {
    const preload = variant === 'conventional' ? ['--import', join(here, 'otel-register.ts')] : [];
    const server = await ChildService.start(variant, join(here, 'server-process.ts'), {
      args: [variant],
      execArgv: ['--import', tsx, ...preload],
      env,
    });
    servers.set(variant, server);
    started.push(server);
  }
  return servers;
}

async function measure(
  server: ChildService,
  scenario: Scenario,
  variant: Variant,
): Promise<RunRecord> {
  const url = `http://127.0.0.1:${server.port}${scenario.route}`;
  await runLoad({ url, body, connections, durationS: warmupS });
  const before = await server.request<CpuSample>('cpu');
  const load = await runLoad({ url, body, connections, durationS });
  const after = await server.request<CpuSample>('cpu');
  if (load.failures > 0)
    throw new Error(`${variant} ${scenario.name}: ${load.failures} failed requests`);
  return { variant, load, cpuUs: after.cpuUs - before.cpuUs, served: after.served - before.served };
}

/**
 * CPU each server uses with no request at all (its timers: the event-loop delay sampler, metric
 * readers), measured for every server over the same seconds once the warm-up's telemetry has
 * been sent. What a service pays for being instrumented while it waits.
 */
async function idleCost(servers: Servers): Promise<void> {
  await new Promise((resolveWait) => setTimeout(resolveWait, 2000));
  const sample = () =>
    Promise.all(variants.map((variant) => serverOf(servers, variant).request<CpuSample>('cpu')));
  const before = await sample();
  await new Promise((resolveWait) => setTimeout(resolveWait, idleS * 1000));
  const after = await sample();
  const costs = variants.map((variant, i) => {
    const msPerS = (after[i]!.cpuUs - before[i]!.cpuUs) / 1000 / idleS;
    return `${VARIANT_LABELS[variant].split(' ')[0]} ${msPerS.toFixed(1)}`;
  });
  console.log(
    `idle, no requests (${idleS} s, all servers at once): CPU ms per second ${costs.join(', ')}`,
  );
}

/** Flushes (b), (c) and (d), then compares what the sink received with what (b) served. */
async function deliveryReport(servers: Servers, sink: ChildService): Promise<boolean> {
  const driftwatch = serverOf(servers, 'driftwatch');
  const { served } = await driftwatch.request<CpuSample>('cpu');
  const { stats } = await driftwatch.request<{
    stats: { dropped: Record<string, number>; sentItems: number; exportErrors: number };
  }>('finish');
  const conventional = serverOf(servers, 'conventional');
  const conventionalServed = (await conventional.request<CpuSample>('cpu')).served;
  await conventional.request('finish');
  await servers.get('floor')?.request('finish');
  const counts = await sink.request<SinkCounts>('counts');
  const dropped = Object.values(stats.dropped).reduce((sum, count) => sum + count, 0);
  const predictions = counts.items.predictions ?? 0;
  const spans = counts.items.spans ?? 0;
  const logs = counts.items.logs ?? 0;
  const ok =
    dropped === 0 &&
    counts.badRequests === 0 &&
    predictions === served &&
    spans === served &&
    logs >= served;
  const floor = counts.otlp['/v1/floor'];
  const otlp = Object.entries(counts.otlp)
    .filter(([path]) => path !== '/v1/floor')
    .map(
      ([path, entry]) => `${path} ${entry.requests} posts / ${(entry.bytes / 1e6).toFixed(1)} MB`,
    )
    .join(', ');
  console.log(
    [
      `delivery (b): ${served} predictions served; sink received predictions=${predictions} spans=${spans} logs=${logs} ` +
        `metrics=${counts.items.metrics ?? 0} in ${counts.ingestBatches} batches (${(counts.ingestWireBytes / 1e6).toFixed(1)} MB on the wire)`,
      `delivery (b): monitor.stats sentItems=${stats.sentItems} dropped=${JSON.stringify(stats.dropped)} exportErrors=${stats.exportErrors}`,
      `delivery (c): ${conventionalServed} requests served; sink received spans=${counts.otlpSpans} (OTLP ${otlp || 'nothing'})` +
        // Informational: a (c) that dropped spans did less work than its stack does, which
        // would flatter (c), not (b).
        (counts.otlpSpans < conventionalServed ? ' — (c) dropped spans' : ''),
      ...(floor
        ? [`delivery (d): ${floor.requests} posts / ${(floor.bytes / 1e6).toFixed(1)} MB`]
        : []),
      ok
        ? 'delivery check: OK (no drops, one prediction sample and one span per request at the sink)'
        : 'delivery check: FAILED',
    ].join('\n'),
  );
  return ok;
}

async function main(): Promise<void> {
  build();
  const ensembleMembers = calibrateEnsembleMembers(1);
  const tsx = import.meta.resolve('tsx');
  const sink = await ChildService.start('sink', join(here, 'ingest-sink.ts'), {
    execArgv: ['--import', tsx],
  });
  const sinkUrl = `http://127.0.0.1:${sink.port}`;
  const started: ChildService[] = [sink];
  try {
    const servers = await startServers(sinkUrl, ensembleMembers, started);
    console.log(
      `sdk-bench: Node ${process.version}, ${connections} connections, ${rounds} rounds × ${durationS} s per variant ` +
        `(+${warmupS} s warm-up each), heavy route = ${ensembleMembers} ensemble members (~1 ms CPU)`,
    );
    for (const variant of variants) {
      for (const scenario of SCENARIOS) {
        await runLoad({
          url: `http://127.0.0.1:${serverOf(servers, variant).port}${scenario.route}`,
          body,
          connections,
          durationS: 2,
        });
      }
    }
    await idleCost(servers);
    const summaries = new Map<Scenario['name'], ScenarioSummary>();
    for (const scenario of SCENARIOS) {
      const runs: RunRecord[] = [];
      for (let round = 0; round < rounds; round += 1) {
        for (let i = 0; i < variants.length; i += 1) {
          const variant = variants[(i + round) % variants.length]!;
          runs.push(await measure(serverOf(servers, variant), scenario, variant));
        }
      }
      const summary = summarize(runs);
      summaries.set(scenario.name, summary);
      console.log(`\n${formatScenario(scenario, summary)}\n`);
    }
    const delivered = await deliveryReport(servers, sink);
    if (!delivered) process.exitCode = 1;
    const light = summaries.get('light');
    if (light) console.log(finalLine(light));
  } finally {
    await Promise.all(started.map((child) => child.stop()));
  }
}

await main();
