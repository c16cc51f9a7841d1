/** Process CPU and memory, event-loop delay and utilization, and GC durations as OTel metrics. */
import type { BatchObservableResult, Meter } from '@opentelemetry/api';
import { availableParallelism } from 'node:os';
import { cgroupCpuLimit } from './cgroup-cpu-limit.js';
import {
  constants,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
} from 'node:perf_hooks';

/**
 * Windowed values are recomputed at most this often per consumer, so that two collections close
 * together (a scrape and a HEAD probe) do not leave the second a window of nothing.
 */
const MIN_WINDOW_MS = 5000;

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

const DELAY_RESOLUTION_MS = 10;

interface Window {
  cpuUtilization: number;
  eventLoopUtilization: number;
  delay: { min: number; max: number; mean: number; p50: number; p90: number; p99: number };
}

/** How often the cgroup quota files are read again (a resize in place is rare). */
const QUOTA_REREAD_MS = 60_000;
let quota: { readonly cpus: number; readonly at: number } | undefined;

/**
 * The CPUs the process may use: its affinity's, or fewer under a container's quota. Affinity is
 * asked each time (it can change); the quota files at most once a minute, for all consumers.
 */
function cpusAvailable(now: number): number {
  if (quota === undefined || now - quota.at >= QUOTA_REREAD_MS)
    quota = { cpus: cgroupCpuLimit() ?? Infinity, at: now };
  return Math.min(availableParallelism(), quota.cpus);
}

/** The window of one consumer (scrape or push): its own delay histogram and baselines. */
class WindowState {
  // Node measures each sample from a timer of this period, and counts the period in the delay:
  // it is taken off (an idle loop reads ~0, not ~10 ms).
  private readonly delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  private lastElu = performance.eventLoopUtilization();
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private window: Window | undefined;

  constructor() {
    this.delay.enable();
  }

  current(): Window {
    const now = performance.now();
    if (this.window && now - this.lastAt < MIN_WINDOW_MS) return this.window;
    const cpu = process.cpuUsage(this.lastCpu);
    // As OTel's semantic conventions define it: CPU time / (elapsed time × CPUs available), so
    // 1 means every CPU the process may run on was busy.
    const cpuCapacityUs = Math.max(1, (now - this.lastAt) * 1000 * cpusAvailable(now));
    const elu = performance.eventLoopUtilization(this.lastElu);
    const delay = this.delay;
    const seconds = (ns: number) =>
      Number.isFinite(ns) ? Math.max(0, ns - DELAY_RESOLUTION_MS * 1e6) / 1e9 : 0;
    this.window = {
      // Clock and CPU-time granularity can overshoot 1 by a hair; the convention's range is [0, 1].
      cpuUtilization: Math.min(1, (cpu.user + cpu.system) / cpuCapacityUs),
      eventLoopUtilization: elu.utilization,
      delay: {
        min: seconds(delay.count > 0 ? delay.min : 0),
        max: seconds(delay.count > 0 ? delay.max : 0),
        mean: seconds(delay.count > 0 ? delay.mean : 0),
        p50: seconds(delay.percentile(50)),
        p90: seconds(delay.percentile(90)),
        p99: seconds(delay.percentile(99)),
      },
    };
    delay.reset();
    this.lastElu = performance.eventLoopUtilization();
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    return this.window;
  }

  stop(): void {
    this.delay.disable();
  }
}

/**
 * Starts the runtime metrics; returns a function that stops them. `consumer` tells which reader
 * collects (see collectingConsumer in sdk-meters.ts): each keeps its own windows, started now so
 * that the first window of each covers the time since start.
 */
export function startRuntimeMetrics(
  meter: Meter,
  consumer: () => string = () => 'scrape',
  consumers: readonly string[] = ['scrape', 'push'],
): () => void {
  const windows = new Map<string, WindowState>(consumers.map((key) => [key, new WindowState()]));
  const currentWindow = (): Window => {
    const key = consumer();
    let state = windows.get(key);
    if (state === undefined) windows.set(key, (state = new WindowState()));
    return state.current();
  };

  const cpuTime = meter.createObservableCounter('process.cpu.time', {
    unit: 's',
    description: 'CPU time used by the process, by cpu.mode',
  });
  const cpuUtilization = meter.createObservableGauge('process.cpu.utilization', {
    unit: '1',
    description: 'CPU time over the last window / (elapsed time × CPUs available), 0–1',
  });
  const memory = meter.createObservableGauge('process.memory.usage', {
    unit: 'By',
    description: 'Resident set size of the process',
  });
  const heapUsed = meter.createObservableGauge('v8js.memory.heap.used', {
    unit: 'By',
    description: 'V8 heap in use',
  });
  const elu = meter.createObservableGauge('nodejs.eventloop.utilization', {
    unit: '1',
    description: 'Event-loop utilization over the last window',
  });
  const delays = {
    min: meter.createObservableGauge('nodejs.eventloop.delay.min', {
      unit: 's',
      description: 'Event-loop delay, minimum',
    }),
    max: meter.createObservableGauge('nodejs.eventloop.delay.max', {
      unit: 's',
      description: 'Event-loop delay, maximum',
    }),
    mean: meter.createObservableGauge('nodejs.eventloop.delay.mean', {
      unit: 's',
      description: 'Event-loop delay, mean',
    }),
    p50: meter.createObservableGauge('nodejs.eventloop.delay.p50', {
      unit: 's',
      description: 'Event-loop delay, median',
    }),
    p90: meter.createObservableGauge('nodejs.eventloop.delay.p90', {
      unit: 's',
      description: 'Event-loop delay, 90th percentile',
    }),
    p99: meter.createObservableGauge('nodejs.eventloop.delay.p99', {
      unit: 's',
      description: 'Event-loop delay, 99th percentile',
    }),
  };
  const observables = [cpuTime, cpuUtilization, memory, heapUsed, elu, ...Object.values(delays)];
  const callback = (result: BatchObservableResult): void => {
    const usage = process.cpuUsage();
    result.observe(cpuTime, usage.user / 1e6, { 'cpu.mode': 'user' });
    result.observe(cpuTime, usage.system / 1e6, { 'cpu.mode': 'system' });
    result.observe(memory, process.memoryUsage.rss());
    result.observe(heapUsed, process.memoryUsage().heapUsed);
    const current = currentWindow();
    result.observe(cpuUtilization, current.cpuUtilization);
    result.observe(elu, current.eventLoopUtilization);
    for (const key of Object.keys(delays) as Array<keyof typeof delays>) {
      result.observe(delays[key], current.delay[key]);
    }
  };
  meter.addBatchObservableCallback(callback, observables);

  const gcDuration = meter.createHistogram('v8js.gc.duration', {
    unit: 's',
    description: 'Garbage collection pauses, by v8js.gc.type',
    advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] },
  });
  const gcAttributes = new Map<number, { 'v8js.gc.type': string }>();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind =
        ((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? 0;
      let attributes = gcAttributes.get(kind);
      if (!attributes) {
        attributes = { 'v8js.gc.type': GC_KINDS[kind] ?? 'other' };
        gcAttributes.set(kind, attributes);
      }
      gcDuration.record(entry.duration / 1000, attributes);
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  return () => {
    observer.disconnect();
    for (const state of windows.values()) state.stop();
    meter.removeBatchObservableCallback(callback, observables);
  };
}
