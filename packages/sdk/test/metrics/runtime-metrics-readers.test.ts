/**
 * Runtime metrics read by both real readers of a monitor, interleaved: the Prometheus scrape of
 * /metrics and the push through the (memory) transport. Each must read its own window; neither
 * may show what the other observed.
 */
import type { MetricPoint } from '@driftwatch/schema';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

let monitor: Monitor | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await monitor?.shutdown({ timeoutMs: 1000 });
  monitor = undefined;
});

/** A monitor serving /metrics whose periodic push only comes from flush(). */
async function start(): Promise<{ target: Monitor; url: string }> {
  monitor = init(
    {
      transport: { type: 'memory' },
      logs: { destination: captureLogs().destination, export: false },
      diagnostics: { destination: captureLogs().destination },
      metrics: { port: 0, host: '127.0.0.1', exportIntervalMs: 600_000, gpu: { enabled: false } },
    },
    {},
  );
  const address = await monitor.metricsAddress;
  if (!address) throw new Error('metrics endpoint did not listen');
  return { target: monitor, url: `http://127.0.0.1:${address.port}/metrics` };
}

/** One reading of the runtime metrics, by OTel name (the scrape's are mapped back to them). */
type Reading = Map<string, number>;

const SCRAPED: Record<string, string> = {
  process_cpu_utilization: 'process.cpu.utilization',
  process_memory_usage: 'process.memory.usage',
  nodejs_eventloop_utilization: 'nodejs.eventloop.utilization',
  nodejs_eventloop_delay_max: 'nodejs.eventloop.delay.max',
};

async function scrape(url: string): Promise<Reading> {
  const text = await (await fetch(url)).text();
  const reading: Reading = new Map();
  let cpuTime = 0;
  for (const line of text.split('\n')) {
    const [series, value] = line.split(' ') as [string, string | undefined];
    if (value === undefined || series.startsWith('#')) continue;
    if (series.startsWith('process_cpu_time_total{')) cpuTime += Number(value);
    const name = SCRAPED[series];
    if (name !== undefined) reading.set(name, Number(value));
  }
  reading.set('process.cpu.time', cpuTime);
  return reading;
}

async function push(target: Monitor): Promise<Reading> {
  const transport = target.transport as MemoryTransport;
  transport.clear();
  await target.flush();
  const points: MetricPoint[] = transport.items('metrics');
  const reading: Reading = new Map();
  let cpuTime = 0;
  for (const point of points) {
    if (!('value' in point)) continue; // a histogram (GC pauses)
    if (point.name === 'process.cpu.time') cpuTime += point.value;
    else if (Object.values(SCRAPED).includes(point.name)) reading.set(point.name, point.value);
  }
  reading.set('process.cpu.time', cpuTime);
  return reading;
}

/** process.cpuUsage() in seconds, user + system. */
function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** The reading, checking its running CPU time lies between the process's before and after. */
async function read(collect: () => Promise<Reading>): Promise<Reading> {
  const before = cpuSeconds();
  const reading = await collect();
  const after = cpuSeconds();
  const cpuTime = reading.get('process.cpu.time') as number;
  // Neither doubled nor left behind by the other reader's collections (µs rounding aside).
  expect(cpuTime).toBeGreaterThanOrEqual(before - 1e-5);
  expect(cpuTime).toBeLessThanOrEqual(after + 1e-5);
  return reading;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stallFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * The push reads first (a short window without a stall), the loop stalls, then the scrape reads
 * (its first window holds the stall). A push within 5 s of the first keeps its window: it must read
 * that again, not the scrape's.
 */
async function stallBetweenPushAndScrape(url: string, target: Monitor) {
  await sleep(100);
  const push1 = await read(() => push(target));
  stallFor(300);
  await sleep(30);
  const scrape1 = await read(() => scrape(url));
  return { push1, scrape1 };
}

describe('runtime metrics read by the scrape and the push in turn', () => {
  it('gives each reader its own window: a stall the scrape consumed still reaches the push', async () => {
    const { target, url } = await start();
    const { push1, scrape1 } = await stallBetweenPushAndScrape(url, target);
    expect(scrape1.get('nodejs.eventloop.delay.max')).toBeGreaterThan(0.2);
    expect(scrape1.get('nodejs.eventloop.utilization')).toBeGreaterThan(0.5);
    const push2 = await read(() => push(target));
    // The push's own window, kept: not the scrape's, which came after it.
    expect(push2.get('nodejs.eventloop.delay.max')).toBe(push1.get('nodejs.eventloop.delay.max'));
    expect(push2.get('nodejs.eventloop.utilization')).toBe(
      push1.get('nodejs.eventloop.utilization'),
    );
    expect(push2.get('process.cpu.utilization')).toBe(push1.get('process.cpu.utilization'));

    await sleep(5100); // both windows due again
    const scrape2 = await read(() => scrape(url));
    const push3 = await read(() => push(target));
    // The scrape's new window is idle; the push's covers the stall it has not read yet.
    expect(scrape2.get('nodejs.eventloop.delay.max')).toBeLessThan(0.1);
    expect(scrape2.get('nodejs.eventloop.utilization')).toBeLessThan(0.3);
    expect(push3.get('nodejs.eventloop.delay.max')).toBeGreaterThan(0.2);
    expect(push3.get('process.memory.usage')).toBeGreaterThan(0);
    expect(scrape2.get('process.memory.usage')).toBeGreaterThan(0);
  }, 15_000);

  it("shows neither reader the other's window when the wall clock steps back", async () => {
    // The OTel SDK keeps the latest observation of a gauge by its Date.now() sample time: after
    // an NTP step back, the other reader's earlier observation looks newer than this one's.
    const { target, url } = await start();
    const { push1 } = await stallBetweenPushAndScrape(url, target);
    const now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => now - 60_000);
    const push2 = await read(() => push(target));
    expect(push2.get('nodejs.eventloop.delay.max')).toBe(push1.get('nodejs.eventloop.delay.max'));
    expect(push2.get('nodejs.eventloop.utilization')).toBe(
      push1.get('nodejs.eventloop.utilization'),
    );
  });

  it("shows neither reader the other's values when a reading fails (EMFILE)", async () => {
    // Reading the RSS opens /proc/self/stat: out of file descriptors, it throws. What was not
    // read is missing from this collection, not taken from the other reader's last one.
    const { target, url } = await start();
    const { push1, scrape1 } = await stallBetweenPushAndScrape(url, target);
    vi.spyOn(process.memoryUsage, 'rss').mockImplementationOnce(() => {
      throw Object.assign(new Error('EMFILE: too many open files, uv_resident_set_memory'), {
        code: 'EMFILE',
      });
    });
    const push2 = await read(() => push(target));
    expect(push2.get('nodejs.eventloop.delay.max')).toBe(push1.get('nodejs.eventloop.delay.max'));
    expect(push2.get('nodejs.eventloop.utilization')).toBe(
      push1.get('nodejs.eventloop.utilization'),
    );
    expect(push2.has('process.memory.usage')).toBe(false);
    expect(scrape1.has('process.memory.usage')).toBe(true);
  });
});
