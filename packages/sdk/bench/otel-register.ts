/**
 * Preloaded with `--import` by the conventional-stack server, before Fastify is imported: the
 * usual OpenTelemetry setup of a Node service (sdk-node, every default auto-instrumentation,
 * the Prometheus exporter). Spans go over OTLP/HTTP to the bench's sink
 * (OTEL_EXPORTER_OTLP_ENDPOINT, set by the driver); OTLP log export is off (OTEL_LOGS_EXPORTER=none),
 * the pino lines go to the same file as Driftwatch's.
 */
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { NodeSDK } from '@opentelemetry/sdk-node';

/** Where the server process finds the started SDK, to flush it at the end of the run. */
const OTEL_SDK_KEY = Symbol.for('driftwatch.bench.otelSdk');

const sdk = new NodeSDK({
  serviceName: 'bench-model',
  metricReaders: [
    new PrometheusExporter({
      host: '127.0.0.1',
      port: Number(process.env.BENCH_PROMETHEUS_PORT ?? 9464),
    }),
  ],
  instrumentations: [getNodeAutoInstrumentations()],
});
sdk.start();
(globalThis as Record<symbol, unknown>)[OTEL_SDK_KEY] = sdk;
