/**
 * Event-loop delay measured by one timer for all the windows that read it (a scrape's, a push's).
 *
 * Not one `monitorEventLoopDelay` per window: its `reset()` also drops the tick in progress (the
 * next tick only takes a new baseline), so a stall that began just after one consumer's collection
 * never reached that consumer's window while it reached the other's. Here the baseline belongs to
 * the timer, and a window's reset clears only its own histogram.
 */
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';

/**
 * The timer's default period: a sample is how late the timer fired past it. Each tick wakes an
 * idle process, and a JavaScript timer's tick costs about twice a native one (Node's
 * monitorEventLoopDelay, 10 ms by default, which cannot be used: see above). At 20 ms an idle
 * instrumented process uses about the CPU of the conventional OTel stack's native 10 ms timer;
 * stalls of 20 ms or more are always seen, shorter ones in proportion. Set by the option
 * `metrics.eventLoopDelayResolutionMs`.
 */
export const DEFAULT_DELAY_RESOLUTION_MS = 20;

/** Event-loop delay over one window, in seconds (all 0 when no tick came). */
export interface DelayStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** Ticks in the window: about its length over the timer's period, fewer while the loop stalls. */
  readonly samples: number;
}

/** The delays one consumer has not read yet. */
export class DelayWindow {
  private readonly histogram: RecordableHistogram = createHistogram();

  constructor(private readonly sampler: EventLoopDelaySampler) {}

  record(delayNs: number): void {
    this.histogram.record(delayNs);
  }

  /** The delays since the previous call (or since the window opened), and starts a new window. */
  take(): DelayStats {
    const histogram = this.histogram;
    const seconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
    const any = histogram.count > 0;
    const stats: DelayStats = {
      min: any ? seconds(histogram.min) : 0,
      max: any ? seconds(histogram.max) : 0,
      mean: any ? seconds(histogram.mean) : 0,
      p50: any ? seconds(histogram.percentile(50)) : 0,
      p90: any ? seconds(histogram.percentile(90)) : 0,
      p99: any ? seconds(histogram.percentile(99)) : 0,
      samples: histogram.count,
    };
    histogram.reset();
    return stats;
  }

  close(): void {
    this.sampler.release(this);
  }
}

/** One unref'd timer feeding every open window; it runs while a window is open. */
export class EventLoopDelaySampler {
  private readonly windows = new Set<DelayWindow>();
  private timer: NodeJS.Timeout | undefined;
  private lastTickAt = 0;

  constructor(private readonly resolutionMs = DEFAULT_DELAY_RESOLUTION_MS) {}

  open(): DelayWindow {
    const window = new DelayWindow(this);
    this.windows.add(window);
    if (this.timer === undefined) {
      this.lastTickAt = performance.now();
      this.timer = setInterval(() => this.tick(), this.resolutionMs);
      this.timer.unref();
    }
    return window;
  }

  release(window: DelayWindow): void {
    this.windows.delete(window);
    if (this.windows.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    const now = performance.now();
    // As Node's monitorEventLoopDelay measures it, less the period it counts in: an idle loop
    // reads ~0, not ~10 ms. A histogram records whole nanoseconds from 1.
    const delayNs = Math.max(1, Math.round((now - this.lastTickAt - this.resolutionMs) * 1e6));
    this.lastTickAt = now;
    for (const window of this.windows) window.record(delayNs);
  }
}
