/**
 * What an instrumented service really exposes on /metrics, for the dashboards and alert rules to
 * be checked against: the built credit-risk example (SDK + @driftwatch/fastify) serving one
 * request, with a fake `nvidia-smi` (the SDK tests' recorded H100s) so the GPU gauges exist.
 */
import { init } from '@driftwatch/sdk';
import { createRandom, generateApplicant } from '../../examples/credit-risk/dist/applicants.js';
import { buildService } from '../../examples/credit-risk/dist/server.js';
import { writeFakeNvidiaSmi } from '../../packages/sdk/test/support/fake-nvidia-smi.js';

/** Series name (`_bucket`, `_count`… as Prometheus stores them) → the label names it carries. */
export type Exposition = Map<string, Set<string>>;

/** Parses the Prometheus text format into series names and their label names. */
function parseExposition(text: string): Exposition {
  const series: Exposition = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!match) continue;
    const labels = series.get(match[1]!) ?? new Set<string>();
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g))
      labels.add(label[1]!);
    series.set(match[1]!, labels);
  }
  return series;
}

const discard = { write: () => {} };
/** Series that appear only after a while: the first nvidia-smi sweep, the first GC. */
const LATE_SERIES = ['hw_gpu_utilization', 'v8js_gc_duration_count'];

/** Scrapes the example service once it has served a prediction and seen the GPUs. */
export async function scrapeInstrumentedService(deadlineMs = 30_000): Promise<Exposition> {
  const gpu = writeFakeNvidiaSmi('2');
  const monitor = init(
    {
      serviceName: 'credit-risk-api',
      transport: { type: 'memory' },
      logs: { export: false, destination: discard },
      diagnostics: { destination: discard },
      metrics: { port: 0, host: '127.0.0.1', gpu: { command: gpu.command, intervalMs: 100 } },
    },
    {},
  );
  try {
    const app = await buildService(monitor);
    const response = await app.inject({
      method: 'POST',
      url: '/predict',
      payload: generateApplicant(createRandom(1), 'reference'),
    });
    if (response.statusCode !== 200) throw new Error(`/predict answered ${response.body}`);
    await app.close();
    const address = await monitor.metricsAddress;
    if (!address) throw new Error('the SDK serves no /metrics');
    const stopAt = Date.now() + deadlineMs;
    for (;;) {
      const text = await (await fetch(`http://127.0.0.1:${address.port}/metrics`)).text();
      const series = parseExposition(text);
      if (LATE_SERIES.every((name) => series.has(name))) return series;
      if (Date.now() > stopAt)
        throw new Error(`no ${LATE_SERIES.join(' and ')} within ${deadlineMs} ms:\n${text}`);
      // Garbage for a minor GC: the GC histogram has no series before the first one.
      Array.from({ length: 200_000 }, (_, i) => ({ i }));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await monitor.shutdown({ timeoutMs: 2000 });
    gpu.remove();
  }
}
