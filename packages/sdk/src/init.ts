/**
 * `init()`: resolves options (code > DRIFTWATCH_* env > defaults, validated, throws
 * DW_SDK_INVALID_OPTION at start-up), then wires pipeline → transport, logger, tracer, metrics
 * (Prometheus endpoint + push through the transport, runtime, GPU, SDK health) and predictions.
 */
import { createNoopMeter } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { trackOtelGlobals } from './context/otel-globals.js';
import { createContextStorage } from './context/request-context.js';
import { errorMessage } from './errors.js';
import { createHttpInstrumentation } from './http/request-instrumentation.js';
import { createDiagnostics } from './logs/diagnostics.js';
import { convertLogLine } from './logs/log-record.js';
import { convertPrediction } from './predictions/prediction-json.js';
import { createLogger } from './logs/logger.js';
import { FastMetrics } from './metrics/fast-instruments.js';
import { GpuMonitor } from './metrics/gpu-monitor.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';
import { startRuntimeMetrics } from './metrics/runtime-metrics.js';
import {
  collectingConsumer,
  createSdkMeters,
  registerHealthMetrics,
} from './metrics/sdk-meters.js';
import { createMonitor, type Monitor } from './monitor.js';
import type { Env } from './options-parse.js';
import { resolveOptions, type DriftwatchOptions } from './options.js';
import { settleWithin, timeLeft } from './pipeline/deadline.js';
import { ExportPipeline } from './pipeline/export-pipeline.js';
import { PredictionRecorder } from './predictions/prediction-recorder.js';
import { Readiness } from './readiness.js';
import { convertSpan } from './traces/span-record.js';
import { handleShutdownSignals } from './signal-shutdown.js';
import { createTracing } from './traces/tracing.js';
import { createTransport } from './transport/create-transport.js';
import { buildResource } from './resource-attributes.js';

/** The least time shutdown() gives the log destination's flush, even past its deadline. */
const MIN_LOG_FLUSH_MS = 100;

/**
 * Starts the SDK.
 *
 * @example
 * const monitor = init({ serviceName: 'credit-risk', transport: { type: 'kafka', brokers: ['kafka:9092'] } });
 * monitor.logPrediction({ model: 'risk', modelVersion: '3', features, prediction: 1, score: 0.83 });
 */
export function init(input: DriftwatchOptions = {}, env: Env = process.env): Monitor {
  const options = resolveOptions(input, env);
  const diagnostics = createDiagnostics(options.diagnostics.level, options.diagnostics.destination);
  const resource = buildResource(options);
  const pipeline = new ExportPipeline({
    queue: options.queue,
    batch: options.batch,
    retry: options.retry,
    resource,
    diagnostics,
    converters: { logs: convertLogLine, spans: convertSpan, predictions: convertPrediction },
  });
  pipeline.setTransport(createTransport(options.transport, env, diagnostics));

  const storage = createContextStorage();
  const logger = createLogger({
    level: options.logs.level,
    redact: options.logs.redact,
    secretKeys: options.logs.secretKeys,
    base: {
      'service.name': options.serviceName,
      'service.version': options.serviceVersion,
      environment: options.environment,
    },
    destination: options.logs.destination,
    sync: options.logs.sync,
    storage,
    onLine: options.logs.export
      ? (entry, bytes) => pipeline.enqueue('logs', entry, bytes)
      : undefined,
    diagnostics,
  });
  const createTracingNow = () => createTracing({ ...options.traces, resource, pipeline, storage });
  const globals = options.traces.registerGlobal
    ? trackOtelGlobals(storage, createTracingNow)
    : undefined;
  const tracing = globals?.value ?? createTracingNow();
  if (globals && globals.missed.length > 0) {
    diagnostics.warn(
      { missed: globals.missed },
      `driftwatch: traces.registerGlobal: another OpenTelemetry SDK already holds the global ${globals.missed.join(', ')}; the OTel API will not see this monitor's requests there`,
    );
  }

  const gpu =
    options.metrics.enabled && options.metrics.gpu.enabled
      ? new GpuMonitor({
          command: options.metrics.gpu.command,
          intervalMs: options.metrics.gpu.intervalMs,
          diagnostics,
        })
      : undefined;
  const meters = options.metrics.enabled
    ? createSdkMeters({
        resource,
        exportIntervalMs: options.metrics.exportIntervalMs,
        pipeline,
        exportThroughTransport: true,
        diagnostics,
        gpu,
      })
    : undefined;
  const meter = meters?.meter ?? createNoopMeter();
  // Without metrics nothing collects the fast instruments: they record for nothing.
  const fastMetrics = meters?.fast ?? new FastMetrics(resourceFromAttributes(resource));
  const stopRuntime =
    meters && options.metrics.runtime
      ? startRuntimeMetrics(meter, collectingConsumer, {
          delayResolutionMs: options.metrics.eventLoopDelayResolutionMs,
        })
      : undefined;
  gpu?.start();
  if (meters) registerHealthMetrics(meter, pipeline);
  let stopped = false;
  const metricsHandler: Monitor['metricsHandler'] = meters
    ? (request, response) => {
        // After shutdown the exporter would answer 200 with only an error comment, which
        // Prometheus takes for a good, empty scrape.
        if (stopped) {
          response.statusCode = 503;
          response.end('driftwatch monitor is shut down\n');
          return;
        }
        meters.prometheus.getMetricsRequestHandler(request, response);
      }
    : (_request, response) => {
        response.statusCode = 404;
        response.end('metrics disabled\n');
      };
  let server: MetricsServer | undefined;
  if (meters && options.metrics.serve) {
    server = startMetricsServer({ ...options.metrics, handler: metricsHandler, diagnostics });
  }

  const readiness = new Readiness();
  // Not ready once shutting down, whatever the transport says: a custom one may not track it.
  readiness.add('transport', () => !stopped && (pipeline.currentTransport?.isReady() ?? false));

  /** What shutdown() does, within one deadline. */
  async function stopWithin(timeoutMs: number): Promise<void> {
    // Last metric points and spans go into the queues before the final flush, runtime and GPU
    // metrics included (they stop after it: a process shorter than one export interval sent
    // none); the meters stop before the pipeline, so that their own last export
    // does not land on a stopped pipeline (counted as dropped by every clean shutdown).
    // One deadline for all of it: the steps before the pipeline's own flush take from it.
    const left = timeLeft(timeoutMs);
    const within = (step: Promise<unknown> | undefined): Promise<unknown> =>
      settleWithin(
        step?.catch(() => undefined),
        left(),
        undefined,
      );
    await within(meters?.forceFlush());
    // Waited for last, within what is left of the deadline: a child stuck in the driver gets
    // SIGKILL after 2 s, and the pipeline's flush must not wait for that.
    const gpuStopped = gpu?.stop();
    stopRuntime?.();
    await within(meters?.shutdown());
    await within(tracing.shutdown());
    await pipeline.shutdown(left());
    await within(gpuStopped);
    // Not cut by the deadline: it closes every connection at once, and its port must be free
    // when shutdown() resolves (a monitor started next binds it).
    await server?.close();
    // A monitor started later (tests, a reload) can then take the globals itself.
    globals?.release();
    // Waited for within what is left of the deadline (at least a moment): an asynchronous
    // destination (a pino.transport worker, a sonic-boom in async mode) still holds lines that a
    // host exiting right after shutdown() would lose. A host's destination may throw from its
    // flush (closed, destroyed) or never call back: shutdown still resolves.
    const flushed = new Promise<void>((resolve) => {
      const done = (error?: unknown): void => {
        if (error)
          diagnostics.warn(`driftwatch: logs.destination's flush failed: ${errorMessage(error)}`);
        resolve();
      };
      try {
        logger.flush(done);
      } catch (error) {
        done(error);
      }
    });
    await settleWithin(flushed, Math.max(left(), MIN_LOG_FLUSH_MS), undefined);
  }

  let removeSignalHandlers: (() => void) | undefined;
  const monitor = createMonitor({
    options,
    logger,
    tracer: tracing.tracer,
    storage,
    pipeline,
    recorder: new PredictionRecorder(options, pipeline, storage, fastMetrics),
    http: createHttpInstrumentation({
      tracing,
      metrics: fastMetrics,
      logger,
      logRequests: true,
      secretKeys: options.logs.secretKeys,
    }),
    readiness,
    metricsAddress: server?.address ?? Promise.resolve(undefined),
    metricsHandler,
    flushMetrics: () => meters?.forceFlush() ?? Promise.resolve(),
    injectTrace: tracing.inject,
    async stop(timeoutMs) {
      stopped = true;
      // The signal handlers stay until the end: a SIGTERM during a shutdown the host began waits
      // for it (then ends the process), instead of killing the process in the middle of its flush.
      try {
        await stopWithin(timeoutMs);
      } finally {
        removeSignalHandlers?.();
      }
    },
  });
  if (options.handleSignals) {
    removeSignalHandlers = handleShutdownSignals({
      shutdown: () => monitor.shutdown(),
      flush: () => monitor.flush(),
      killChildren: () => gpu?.kill(),
    });
  }
  return monitor;
}
