/**
 * GPU gauges from a fake `nvidia-smi` printing recorded CSV: two GPUs, then one (on /metrics and
 * through the transport); absent; restarted.
 */
import type { MetricPoint } from '@driftwatch/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { writeFakeNvidiaSmi, type FakeNvidiaSmi } from '../support/fake-nvidia-smi.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';
import { waitFor } from '../support/net.js';
import { promtoolCheckMetrics } from '../support/prometheus.js';

let monitor: Monitor | undefined;
let fake: FakeNvidiaSmi | undefined;
const originalPath = process.env.PATH;

afterEach(async () => {
  process.env.PATH = originalPath;
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
  fake?.remove();
  fake = undefined;
});

function start(gpu: { command?: string }, diagnostics: LogCapture = captureLogs()): Monitor {
  monitor = init(
    {
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination },
      diagnostics: { destination: diagnostics.destination, level: 'debug' },
      metrics: { port: 0, host: '127.0.0.1', runtime: false, gpu: { intervalMs: 100, ...gpu } },
    },
    {},
  );
  return monitor;
}

async function scrape(target: Monitor): Promise<string> {
  const address = await target.metricsAddress;
  return (await fetch(`http://127.0.0.1:${address?.port}/metrics`)).text();
}

/** `gpu_index` labels of one GPU metric in the exposition. */
function gpuIndexes(text: string, metric: string): string[] {
  const pattern = new RegExp(`^${metric}\\{[^}]*gpu_index="(\\d+)"`, 'gm');
  return [...text.matchAll(pattern)].map((match) => match[1] as string).sort();
}

function sample(text: string, metric: string, index: string): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${metric}{`) && l.includes(`gpu_index="${index}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The GPU points one collection pushes through the (memory) transport. */
async function pushedGpuPoints(target: Monitor): Promise<MetricPoint[]> {
  const transport = target.transport as MemoryTransport;
  transport.clear();
  await target.flush();
  return transport.items('metrics').filter((point) => point.name.startsWith('hw.gpu.'));
}

/** `gpu.index` attributes of one GPU metric among pushed points. */
function pushedGpuIndexes(points: readonly MetricPoint[], metric: string): string[] {
  return points
    .filter((point) => point.name === metric)
    .map((point) => String(point.attributes?.['gpu.index']))
    .sort();
}

describe('GPU metrics', () => {
  it('shows both devices, then only the one left when a GPU disappears (nvidia-smi from PATH)', async () => {
    fake = writeFakeNvidiaSmi('2');
    process.env.PATH = `${fake.dir}:${originalPath ?? ''}`;
    const target = start({});
    const both = await waitFor('two GPUs', async () => {
      const text = await scrape(target);
      return gpuIndexes(text, 'hw_gpu_utilization').length === 2 ? text : undefined;
    });
    expect(fake.lastArgs()).toEqual([
      '--query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw',
      '--format=csv,noheader,nounits',
      '-lms',
      '100',
    ]);
    expect(gpuIndexes(both, 'hw_gpu_memory_usage')).toEqual(['0', '1']);
    expect(sample(both, 'hw_gpu_utilization', '0')).toBe(0.37);
    expect(sample(both, 'hw_gpu_memory_usage', '0')).toBe(1234 * 1024 * 1024);
    expect(sample(both, 'hw_gpu_memory_limit', '1')).toBe(81559 * 1024 * 1024);
    expect(sample(both, 'hw_gpu_temperature', '1')).toBe(33);
    expect(sample(both, 'hw_gpu_power', '0')).toBe(118.52);
    // GPU 1 reports no power draw ("[N/A]"): no sample rather than a made-up 0.
    expect(gpuIndexes(both, 'hw_gpu_power')).toEqual(['0']);
    expect(both).toMatch(
      /hw_gpu_utilization\{[^}]*hw_id="GPU-5b1f2a3c-0d4e-4f5a-9b6c-7d8e9f0a1b2c"/,
    );
    expect(both).toMatch(/hw_name="NVIDIA H100 80GB HBM3"/);
    expect(promtoolCheckMetrics(both)).toEqual({ status: 0, output: '' });
    const pushedBoth = await pushedGpuPoints(target);
    expect(pushedGpuIndexes(pushedBoth, 'hw.gpu.utilization')).toEqual(['0', '1']);
    expect(pushedGpuIndexes(pushedBoth, 'hw.gpu.memory.usage')).toEqual(['0', '1']);
    expect(
      pushedBoth.find(
        (point) => point.name === 'hw.gpu.utilization' && point.attributes?.['gpu.index'] === '0',
      ),
    ).toMatchObject({ type: 'gauge', value: 0.37 });

    fake.setMode('1');
    const one = await waitFor('one GPU', async () => {
      const text = await scrape(target);
      return gpuIndexes(text, 'hw_gpu_utilization').length === 1 ? text : undefined;
    });
    for (const metric of [
      'hw_gpu_utilization',
      'hw_gpu_memory_usage',
      'hw_gpu_memory_limit',
      'hw_gpu_temperature',
    ]) {
      expect(gpuIndexes(one, metric)).toEqual(['0']);
    }
    expect(promtoolCheckMetrics(one)).toEqual({ status: 0, output: '' });
    // The push through the transport drops the vanished GPU too (no stale last value), though
    // the scrapes above saw GPU 1 after the previous push.
    const pushedOne = await pushedGpuPoints(target);
    for (const metric of [
      'hw.gpu.utilization',
      'hw.gpu.memory.usage',
      'hw.gpu.memory.limit',
      'hw.gpu.temperature',
      'hw.gpu.power',
    ]) {
      expect(pushedGpuIndexes(pushedOne, metric)).toEqual(['0']);
    }
    expect(fake.pids()).toHaveLength(1);
  });

  it("a vanished GPU's series does not come back when the other reader collects", async () => {
    // Each reader keeps its own view: a GPU one of them saw before it vanished must not reach the
    // other one's next collection with its old value (no shared observation storage).
    fake = writeFakeNvidiaSmi('2');
    const target = start({ command: fake.command });
    // The push sees GPU 1; it goes, and only the push looks until it has gone.
    await waitFor('two GPUs pushed', async () =>
      pushedGpuIndexes(await pushedGpuPoints(target), 'hw.gpu.utilization').length === 2
        ? true
        : undefined,
    );
    const current = fake;
    current.setMode('1');
    await waitFor('the push to see one GPU', async () =>
      pushedGpuIndexes(await pushedGpuPoints(target), 'hw.gpu.utilization').join() === '0'
        ? true
        : undefined,
    );
    const scraped = await scrape(target);
    for (const metric of ['hw_gpu_utilization', 'hw_gpu_memory_usage', 'hw_gpu_temperature'])
      expect(gpuIndexes(scraped, metric)).toEqual(['0']);
    expect(promtoolCheckMetrics(scraped)).toEqual({ status: 0, output: '' });

    // The other way round: GPU 1 back, scraped, gone; only scrapes look until it has gone.
    current.setMode('2');
    await waitFor('two GPUs scraped', async () =>
      gpuIndexes(await scrape(target), 'hw_gpu_utilization').length === 2 ? true : undefined,
    );
    current.setMode('1');
    await waitFor('the scrape to see one GPU', async () =>
      gpuIndexes(await scrape(target), 'hw_gpu_utilization').length === 1 ? true : undefined,
    );
    const pushed = await pushedGpuPoints(target);
    for (const metric of ['hw.gpu.utilization', 'hw.gpu.memory.usage', 'hw.gpu.temperature'])
      expect(pushedGpuIndexes(pushed, metric)).toEqual(['0']);
  });

  it('without nvidia-smi: no GPU series, exactly one info diagnostic, no error', async () => {
    const diagnostics = captureLogs();
    const target = start({ command: '/nonexistent/driftwatch-test/nvidia-smi' }, diagnostics);
    await waitFor('the info diagnostic', () =>
      diagnostics.lines.some((line) => String(line.msg).includes('no GPU metrics'))
        ? true
        : undefined,
    );
    const text = await scrape(target);
    expect(text).not.toMatch(/^hw_gpu/m);
    await target.flush();
    const gpuLines = diagnostics.lines.filter((line) => String(line.msg).includes('nvidia-smi'));
    expect(gpuLines).toHaveLength(1);
    expect(gpuLines[0]?.level).toBe(30);
    expect(diagnostics.lines.filter((line) => (line.level as number) >= 40)).toEqual([]);
  });

  it('nvidia-smi without a driver: no GPU series, exactly one info diagnostic, no error', async () => {
    fake = writeFakeNvidiaSmi('nodriver');
    const diagnostics = captureLogs();
    const target = start({ command: fake.command }, diagnostics);
    await waitFor('the info diagnostic', () =>
      diagnostics.lines.some(
        (line) => line.level === 30 && String(line.msg).includes('no GPU metrics'),
      )
        ? true
        : undefined,
    );
    expect(await scrape(target)).not.toMatch(/^hw_gpu/m);
    const infoLines = diagnostics.lines.filter(
      (line) => line.level === 30 && String(line.msg).includes('nvidia-smi'),
    );
    expect(infoLines).toHaveLength(1);
    expect(diagnostics.lines.filter((line) => (line.level as number) >= 40)).toEqual([]);
  });

  it('restarts nvidia-smi when it dies', async () => {
    fake = writeFakeNvidiaSmi('die');
    const target = start({ command: fake.command });
    const current = fake;
    await waitFor('a restart', () => (current.pids().length >= 2 ? true : undefined));
    current.setMode('2');
    await waitFor('GPUs after the restart', async () =>
      gpuIndexes(await scrape(target), 'hw_gpu_temperature').length === 2 ? true : undefined,
    );
    expect(new Set(current.pids()).size).toBeGreaterThanOrEqual(2);
  });

  it('stops the child on shutdown', async () => {
    fake = writeFakeNvidiaSmi('2');
    const target = start({ command: fake.command });
    await waitFor('two GPUs', async () =>
      gpuIndexes(await scrape(target), 'hw_gpu_utilization').length === 2 ? true : undefined,
    );
    const [pid] = fake.pids();
    await target.shutdown({ timeoutMs: 1000 });
    await waitFor('the child to exit', () => {
      try {
        process.kill(Number(pid), 0);
        return undefined;
      } catch {
        return true;
      }
    });
  });
});
