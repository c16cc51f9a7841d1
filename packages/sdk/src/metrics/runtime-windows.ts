/**
 * The windowed runtime values (CPU and event-loop utilization, event-loop delay), one window per
 * consumer (a scrape of /metrics, the push through the transport): neither consumes the other's.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { cgroupCpuLimit } from './cgroup-cpu-limit.js';
import { EventLoopDelaySampler, type DelayStats, type DelayWindow } from './event-loop-delay.js';

/**
 * Windowed values are recomputed at most this often per consumer, so that two collections close
 * together (a scrape and a HEAD probe) do not leave the second a window of nothing.
 */
const MIN_WINDOW_MS = 5000;

export interface RuntimeWindow {
  readonly cpuUtilization: number;
  readonly eventLoopUtilization: number;
  readonly delay: DelayStats;
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

/** The window of one consumer: its own delay histogram and baselines. */
class ConsumerWindow {
  private lastElu = performance.eventLoopUtilization();
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private window: RuntimeWindow | undefined;

  constructor(private readonly delay: DelayWindow) {}

  current(): RuntimeWindow {
    const now = performance.now();
    if (this.window && now - this.lastAt < MIN_WINDOW_MS) return this.window;
    const cpu = process.cpuUsage(this.lastCpu);
    // As OTel's semantic conventions define it: CPU time / (elapsed time × CPUs available), so
    // 1 means every CPU the process may run on was busy.
    const cpuCapacityUs = Math.max(1, (now - this.lastAt) * 1000 * cpusAvailable(now));
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.window = {
      // Clock and CPU-time granularity can overshoot 1 by a hair; the convention's range is [0, 1].
      cpuUtilization: Math.min(1, (cpu.user + cpu.system) / cpuCapacityUs),
      eventLoopUtilization: elu.utilization,
      delay: this.delay.take(),
    };
    this.lastElu = performance.eventLoopUtilization();
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    return this.window;
  }

  stop(): void {
    this.delay.close();
  }
}

/** The consumers' windows, each started when the first is (or, for one not named, first read). */
export class RuntimeWindows {
  private readonly sampler: EventLoopDelaySampler;
  private readonly windows = new Map<string, ConsumerWindow>();

  constructor(consumers: readonly string[], delayResolutionMs?: number) {
    this.sampler = new EventLoopDelaySampler(delayResolutionMs);
    for (const consumer of consumers) this.windowOf(consumer);
  }

  /** The consumer's current window: a new one when its last is 5 s old or more. */
  current(consumer: string): RuntimeWindow {
    return this.windowOf(consumer).current();
  }

  stop(): void {
    for (const window of this.windows.values()) window.stop();
    this.windows.clear();
  }

  private windowOf(consumer: string): ConsumerWindow {
    let window = this.windows.get(consumer);
    if (window === undefined) {
      window = new ConsumerWindow(this.sampler.open());
      this.windows.set(consumer, window);
    }
    return window;
  }
}
