/** Process CPU and memory, event-loop delay and utilization, and GC durations as OTel metrics. */
import type { Meter } from '@opentelemetry/api';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { runtimeGaugesOf } from './runtime-gauges.js';
import { RuntimeWindows } from './runtime-windows.js';

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  // V8's minor mark-sweep (kGCTypeMinorMarkSweep, 1 << 1; Node has no constant for it): a young
  // generation collection, `minor` in the semantic conventions' list, not `other`.
  2: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Starts the runtime metrics on a meter of createSdkMeters (its readers collect the gauges, see
 * runtime-gauges.ts); returns a function that stops them. `consumer` tells which reader collects
 * (see collectingConsumer in sdk-meters.ts): each keeps its own windows, started now so that the
 * first window of each covers the time since start. `delayResolutionMs`: the event-loop delay
 * timer's period (see event-loop-delay.ts).
 */
export function startRuntimeMetrics(
  meter: Meter,
  consumer: () => string = () => 'scrape',
  {
    consumers = ['scrape', 'push'],
    delayResolutionMs,
  }: { readonly consumers?: readonly string[]; readonly delayResolutionMs?: number } = {},
): () => void {
  const gauges = runtimeGaugesOf(meter);
  if (gauges === undefined)
    throw new Error('startRuntimeMetrics: the meter has no runtime gauges (see createSdkMeters)');
  const windows = new RuntimeWindows(consumers, delayResolutionMs);
  const stopServing = gauges.serve({ window: () => windows.current(consumer()) });

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
    stopServing();
    windows.stop();
  };
}
