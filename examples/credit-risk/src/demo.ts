/**
 * The embedded demo: collector on embedded ClickHouse (chDB) → an instrumented credit-risk
 * service → reference traffic, then shifted traffic, labels arriving late → a drift and
 * model-quality report. Prints the summary, writes `.driftwatch/demo-summary.json`, stops
 * everything it started. `DRIFTWATCH_DEMO_DIR` moves the working directory (tests).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelReport } from '@driftwatch/collector';
import { SHIFTED_FEATURES } from './applicants.js';
import { startChild, type RunningChild } from './child-process.js';
import { MODEL_NAME } from './model.js';
import { formatSummary, toSummary } from './summary.js';
import { runPhase, type PhaseResult } from './traffic.js';

const PER_PHASE = Number(process.env.DRIFTWATCH_DEMO_REQUESTS ?? 2000);
const demoDir = resolve(process.env.DRIFTWATCH_DEMO_DIR ?? '.driftwatch');
const collectorDir = dirname(
  createRequire(import.meta.url).resolve('@driftwatch/collector/package.json'),
);
const collectorCli = join(collectorDir, 'dist/cli.js');
const repositoryRoot = dirname(collectorDir);
const serviceScript = join(dirname(fileURLToPath(import.meta.url)), 'service.js');

/** Where `pnpm collector` listens: DRIFTWATCH_HOST, unless it is a wildcard address. */
function collectorHost(): string {
  const host = process.env.DRIFTWATCH_HOST?.trim();
  return !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

/** `pnpm collector` runs in the repository root: a path under it is given relative to it. */
function rootRelative(path: string): string {
  const inRoot = relative(repositoryRoot, path);
  return inRoot.startsWith('..') || isAbsolute(inRoot) ? path : inRoot;
}

/** Quotes a path for a POSIX shell when it holds more than plain path characters. */
function shellWord(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

async function report(
  collectorUrl: string,
  reference: PhaseResult,
  current: PhaseResult,
): Promise<ModelReport> {
  const response = await fetch(`${collectorUrl}/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODEL_NAME,
      reference: { from: reference.fromMs, to: reference.toMs },
      current: { from: current.fromMs, to: current.toMs },
    }),
  });
  if (!response.ok) throw new Error(`report failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as ModelReport;
}

/** Waits until every prediction and label the traffic sent is stored (the SDK batches). */
async function settledReport(
  collectorUrl: string,
  reference: PhaseResult,
  current: PhaseResult,
): Promise<ModelReport> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const result = await report(collectorUrl, reference, current);
    const complete =
      result.reference.count === reference.predictions &&
      result.current.count === current.predictions &&
      result.performance.reference.labelled === reference.labels &&
      result.performance.current.labelled === current.labels;
    if (complete || Date.now() > deadline) return result;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<void> {
  mkdirSync(demoDir, { recursive: true });
  const started: RunningChild[] = [];
  try {
    const t0 = Date.now();
    const collector = await startChild(
      'collector',
      collectorCli,
      ['serve', '--port', '0', '--chdb-path', join(demoDir, 'data')],
      { DRIFTWATCH_LOG_LEVEL: 'warn' },
      join(demoDir, 'collector.log'),
    );
    started.push(collector);
    console.log(`collector   ${collector.url}  (embedded ClickHouse in ${join(demoDir, 'data')})`);
    const service = await startChild(
      'credit-risk service',
      serviceScript,
      [],
      {
        PORT: '0',
        DRIFTWATCH_TRANSPORT: 'http',
        DRIFTWATCH_COLLECTOR_URL: collector.url,
        DRIFTWATCH_METRICS_PORT: '0',
        DRIFTWATCH_ENVIRONMENT: 'demo',
      },
      join(demoDir, 'service.log'),
    );
    started.push(service);
    console.log(`service     ${service.url}  (logs: ${join(demoDir, 'service.log')})`);

    console.log(
      `sending ${PER_PHASE} reference requests, then ${PER_PHASE} with ${SHIFTED_FEATURES.join(', ')} shifted…`,
    );
    const reference = await runPhase(service.url, 'reference', PER_PHASE, 1);
    await new Promise((r) => setTimeout(r, 50));
    const current = await runPhase(service.url, 'shifted', PER_PHASE, 2);
    // Stopping the service makes its SDK flush everything still queued.
    await service.stop();
    started.splice(started.indexOf(service), 1);

    const result = await settledReport(collector.url, reference, current);
    const summary = toSummary(result);
    const summaryPath = join(demoDir, 'demo-summary.json');
    writeFileSync(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`\n${formatSummary(summary)}\n`);
    console.log('Look at:');
    console.log(`  summary JSON   ${summaryPath}`);
    console.log(
      `  service logs   ${join(demoDir, 'service.log')}  (JSON; each request's lines carry its request_id + trace_id)`,
    );
    // The demo's collector stops when it exits: point at the one `pnpm collector` starts, on the
    // same data, with this run's windows.
    const apiUrl = `http://${collectorHost()}:${process.env.DRIFTWATCH_PORT?.trim() || '7070'}`;
    const windows = {
      model: MODEL_NAME,
      reference: { from: reference.fromMs, to: reference.toMs },
      current: { from: current.fromMs, to: current.toMs },
    };
    console.log('  collector API  the data stays; serve it, then ask for this report again:');
    console.log(`    pnpm collector --chdb-path ${shellWord(rootRelative(join(demoDir, 'data')))}`);
    console.log(`    curl -s ${apiUrl}/v1/models`);
    console.log(
      `    curl -s -X POST ${apiUrl}/v1/reports -H 'content-type: application/json' -d '${JSON.stringify(windows)}'`,
    );
    console.log(
      `  dashboards     dashboards/ (Grafana, ClickHouse datasource) — docker compose up`,
    );
    console.log(`demo finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    for (const child of started.reverse()) await child.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`demo failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
