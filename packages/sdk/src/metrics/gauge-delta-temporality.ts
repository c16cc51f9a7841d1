/**
 * The temporality both metric readers (Prometheus and the push through the transport) ask for.
 *
 * The SDK's cumulative storage keeps every attribute set it ever saw: a gauge series that stops
 * being observed (a GPU that disappeared) would be exported with its last value forever. Gauges
 * have no running total to keep, so they are read as delta: each collection holds only the series
 * observed since the previous one. Counters, up-down counters and histograms stay cumulative:
 * Prometheus expects running totals, and so does the collector, which stores each pushed point's
 * value as it comes (otel_metrics has no temporality column to tell a delta from a total).
 */
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';

export function gaugeDeltaTemporality(instrumentType: InstrumentType): AggregationTemporality {
  return instrumentType === InstrumentType.OBSERVABLE_GAUGE ||
    instrumentType === InstrumentType.GAUGE
    ? AggregationTemporality.DELTA
    : AggregationTemporality.CUMULATIVE;
}
