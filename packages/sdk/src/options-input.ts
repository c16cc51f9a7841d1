/**
 * The options `init()` takes from code, each with its environment variable and default. Every
 * optional field also takes `undefined` (unset), so that `token: process.env.TOKEN` compiles
 * under `exactOptionalPropertyTypes`. Resolved and validated by `resolveOptions` (options.ts).
 */
import type { DestinationStream, Level } from 'pino';
import type { TransportOption } from './transport/transport-options.js';

export type DropPolicy = 'drop-oldest' | 'drop-newest';

export interface DriftwatchOptions {
  /** Env `DRIFTWATCH_SERVICE_NAME`, else `OTEL_SERVICE_NAME`. @default 'unknown_service:node' */
  serviceName?: string | undefined;
  /** Env `DRIFTWATCH_SERVICE_VERSION`. @default '0.0.0' */
  serviceVersion?: string | undefined;
  /** deployment.environment.name. Env `DRIFTWATCH_ENVIRONMENT`. @default 'development' */
  environment?: string | undefined;
  /**
   * Resource attributes added to every signal (`k8s.pod.name`, `cloud.region`, …), at most 64.
   * The SDK sets `service.instance.id` (a random UUID per `init()`), `host.name`, `process.pid`,
   * `process.runtime.*` and `telemetry.sdk.*`; a key given here replaces the first four. A
   * `service.name`, `service.version` or `deployment.environment.name` given here is used when
   * the matching option above is not set. Env `DRIFTWATCH_RESOURCE_ATTRIBUTES`, else
   * `OTEL_RESOURCE_ATTRIBUTES` (`key=value,…`, values percent-encoded). @default {}
   */
  resourceAttributes?: Readonly<Record<string, string>> | undefined;
  /** Where telemetry goes. Env `DRIFTWATCH_TRANSPORT` (http, kafka, memory). @default http */
  transport?: TransportOption | undefined;
  queue?:
    | {
        /** Most items queued per signal. Env `DRIFTWATCH_QUEUE_MAX_ITEMS`. @default 10000 */
        maxItems?: number | undefined;
        /** Most bytes (estimated JSON) queued per signal. Env `DRIFTWATCH_QUEUE_MAX_BYTES`. @default 8388608 */
        maxBytes?: number | undefined;
        /** What a full queue drops. Env `DRIFTWATCH_QUEUE_DROP_POLICY`. @default 'drop-oldest' */
        dropPolicy?: DropPolicy | undefined;
      }
    | undefined;
  batch?:
    | {
        /**
         * Most items per batch (all signals). Each batch costs a fixed ~0.3 ms of host CPU (the
         * request), while items waiting for a batch survive young-generation GCs and a large batch
         * is encoded in one go on the event loop: at 2048, scavenges cost twice as much per request
         * and the encoding pause is four times longer. Env `DRIFTWATCH_BATCH_MAX_ITEMS`.
         * @default 512
         */
        maxItems?: number | undefined;
        /** Most estimated bytes per batch. Env `DRIFTWATCH_BATCH_MAX_BYTES`. @default 4194304 */
        maxBytes?: number | undefined;
        /** Longest wait for a batch to fill. Env `DRIFTWATCH_BATCH_LINGER_MS`. @default 1000 */
        lingerMs?: number | undefined;
      }
    | undefined;
  retry?:
    | {
        /** First backoff (full jitter), at most maxBackoffMs. Env `DRIFTWATCH_RETRY_INITIAL_BACKOFF_MS`. @default 200 (maxBackoffMs when that is shorter) */
        initialBackoffMs?: number | undefined;
        /** Longest backoff. Env `DRIFTWATCH_RETRY_MAX_BACKOFF_MS`. @default 5000 */
        maxBackoffMs?: number | undefined;
        /** A batch is dropped when not delivered within this time. Env `DRIFTWATCH_RETRY_DEADLINE_MS`. @default 30000 */
        deadlineMs?: number | undefined;
      }
    | undefined;
  traces?:
    | {
        /** Env `DRIFTWATCH_TRACES_ENABLED`. @default true */
        enabled?: boolean | undefined;
        /** Parent-based ratio sampling of new traces. Env `DRIFTWATCH_TRACES_SAMPLE_RATIO`. @default 1 */
        sampleRatio?: number | undefined;
        /** Register the tracer provider, propagator and request context (as context manager) as the OTel globals. @default false */
        registerGlobal?: boolean | undefined;
      }
    | undefined;
  logs?:
    | {
        /** Env `DRIFTWATCH_LOG_LEVEL`. @default 'info' */
        level?: Level | undefined;
        /** Also export log records through the transport. Env `DRIFTWATCH_LOGS_EXPORT`. @default true */
        export?: boolean | undefined;
        /** pino redact paths; replaces the defaults. Env `DRIFTWATCH_LOG_REDACT` (comma list, added to this list or the defaults). @default DEFAULT_REDACT_PATHS */
        redact?: readonly string[] | undefined;
        /**
         * More keys whose values are secrets (`apiKey`, `x-api-key`, `ssn`): redacted in every line
         * in any letter case and at any depth, as the defaults are, whatever `redact` holds. Env
         * `DRIFTWATCH_LOG_SECRET_KEYS` (comma list, added to these). @default []
         */
        secretKeys?: readonly string[] | undefined;
        /** Where JSON lines are written. @default stdout */
        destination?: DestinationStream | undefined;
        /**
         * Write each line to stdout synchronously, so that no line is lost when the process crashes
         * (pino's own default, `pino.destination(1)`, is asynchronous). `false`: asynchronously, so
         * that a slow reader of stdout cannot block the event loop; lines logged while a write is in
         * flight leave together, and pino flushes what is left on exit (not on a crash). Measured CPU
         * per line is about the same either way. Ignored with `destination`.
         * Env `DRIFTWATCH_LOG_SYNC`. @default true
         */
        sync?: boolean | undefined;
      }
    | undefined;
  metrics?:
    | {
        /** Env `DRIFTWATCH_METRICS_ENABLED`. @default true */
        enabled?: boolean | undefined;
        /** Port of the Prometheus endpoint; 0 picks a free one. Env `DRIFTWATCH_METRICS_PORT`. @default 9464 */
        port?: number | undefined;
        /** Interface of the Prometheus endpoint: an IP address or a host name (no port). Env `DRIFTWATCH_METRICS_HOST`. @default '0.0.0.0' */
        host?: string | undefined;
        /** Env `DRIFTWATCH_METRICS_ROUTE`. @default '/metrics' */
        route?: string | undefined;
        /** false: no own server; mount `monitor.metricsHandler` on the host app. Env `DRIFTWATCH_METRICS_SERVE`. @default true */
        serve?: boolean | undefined;
        /** How often metric points go through the transport. Env `DRIFTWATCH_METRICS_EXPORT_INTERVAL_MS`. @default 30000 */
        exportIntervalMs?: number | undefined;
        /** Process, event-loop and GC metrics. Env `DRIFTWATCH_RUNTIME_METRICS`. @default true */
        runtime?: boolean | undefined;
        /**
         * Period of the event-loop delay timer, 1 to 1000 ms: a stall this long or longer is always
         * seen, a shorter one in proportion. Each tick wakes an idle process (on a small VM about
         * 21 ms of CPU per second at 10 ms, 11 at 20 ms, 2 at 100 ms). Env
         * `DRIFTWATCH_EVENT_LOOP_DELAY_RESOLUTION_MS`. @default 20
         */
        eventLoopDelayResolutionMs?: number | undefined;
        gpu?:
          | {
              /** Env `DRIFTWATCH_GPU_ENABLED`. @default true (no nvidia-smi: no GPU series) */
              enabled?: boolean | undefined;
              /** nvidia-smi `-lms` interval. Env `DRIFTWATCH_GPU_INTERVAL_MS`. @default 5000 */
              intervalMs?: number | undefined;
              /** Env `DRIFTWATCH_NVIDIA_SMI`. @default 'nvidia-smi' (from PATH) */
              command?: string | undefined;
            }
          | undefined;
      }
    | undefined;
  predictions?:
    | {
        /** Share of predictions sampled. Env `DRIFTWATCH_PREDICTIONS_SAMPLE_RATIO`. @default 1 */
        sampleRatio?: number | undefined;
        /** Per-model ratios, overriding sampleRatio; keys are model names (1-128 characters, no control characters), at most 10000 models. @default {} */
        modelSampleRatios?: Readonly<Record<string, number>> | undefined;
        /** Score histogram buckets. @default [0, 0.1, …, 1] */
        scoreBuckets?: readonly number[] | undefined;
      }
    | undefined;
  /** Diagnostics of the SDK itself (never exported). */
  diagnostics?:
    | {
        /** Env `DRIFTWATCH_DIAG_LEVEL`. @default 'info' */
        level?: Level | undefined;
        /** Where diagnostic lines are written. @default stderr */
        destination?: DestinationStream | undefined;
      }
    | undefined;
  /**
   * On SIGTERM/SIGINT flush and stop, then end the process by the signal, unless the host has
   * its own listener for it (then the host decides when to exit). Env `DRIFTWATCH_HANDLE_SIGNALS`.
   * @default false
   */
  handleSignals?: boolean | undefined;
  /** Deadline of `shutdown()` without an argument. Env `DRIFTWATCH_SHUTDOWN_TIMEOUT_MS`. @default 5000 */
  shutdownTimeoutMs?: number | undefined;
}
