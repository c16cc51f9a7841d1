/**
 * The one small interface every transport (kafka, http, memory) implements. The SDK's export
 * pipeline owns queueing, batching, retries and drop accounting; a transport only moves one
 * batch and says whether a failure is worth retrying.
 */
import type {
  LabelEvent,
  LogRecord,
  MetricPoint,
  PredictionEvent,
  Signal,
  SpanRecord,
} from '@driftwatch/schema';

/** What one export carries: the same envelope as the collector's `POST /v1/ingest`. */
export interface TelemetryBatch {
  /** Resource attributes (service.name, service.version, deployment.environment.name, …). */
  resource: Record<string, string>;
  predictions: PredictionEvent[];
  labels: LabelEvent[];
  logs: LogRecord[];
  spans: SpanRecord[];
  metrics: MetricPoint[];
}

/** An item the destination refused (HTTP 202 with `rejected`): it is never retried. */
export interface RejectedItem {
  readonly signal: Signal;
  /** Index of the item within its signal's array in the batch. */
  readonly index: number;
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>;
}

/** Outcome of one send. Never a rejection: transports catch and classify their own errors. */
export type SendResult =
  | {
      readonly ok: true;
      /** Items the destination refused while accepting the rest (counted as dropped "rejected"). */
      readonly rejected?: readonly RejectedItem[];
      /** Items refused beyond those `rejected` names (the destination capped its list). */
      readonly rejectedUnlisted?: number;
      /**
       * Items the transport left out, each alone over the destination's size limit (Kafka
       * `maxMessageBytes`), while sending the rest: not sent, counted as dropped "too_large".
       */
      readonly droppedTooLarge?: number;
    }
  | {
      readonly ok: false;
      /** true for network errors, 5xx, 429, broker unavailable; false for 4xx and bad data. */
      readonly retryable: boolean;
      readonly error: Error;
      /** Server-requested wait (HTTP Retry-After), when given. */
      readonly retryAfterMs?: number;
      /** The batch was too large for the destination (HTTP 413): the pipeline splits it. */
      readonly tooLarge?: boolean;
      /**
       * Items of this batch the destination has acknowledged so far (a Kafka batch split into
       * several produce requests; a retry sends only the rest). Counted as sent, not dropped,
       * if the pipeline gives the batch up.
       */
      readonly delivered?: number;
      /**
       * Items the transport leaves out of every attempt, each alone over the destination's size
       * limit (Kafka `maxMessageBytes`): counted as dropped "too_large", not by the failure's
       * reason, if the pipeline gives the batch up.
       */
      readonly droppedTooLarge?: number;
    };

export interface Transport {
  /** How diagnostics name the transport (`kafka`, `http`, `memory`); `custom` when not given. */
  readonly name?: string | undefined;
  /**
   * true: the batch's arrays may also hold `WireJson` items (the item's JSON, already rendered),
   * which the transport writes as they are. Built-in HTTP and Kafka transports only; any other
   * transport receives plain record objects.
   */
  readonly acceptsWireJson?: boolean;
  /** Sends one batch; resolves (never rejects) with the outcome. */
  send(batch: TelemetryBatch, signal?: AbortSignal): Promise<SendResult>;
  /** true when the last contact with the destination succeeded (for /readiness). */
  isReady(): boolean;
  /** Releases connections; resolves by the deadline even when the destination is down. */
  shutdown(timeoutMs: number): Promise<void>;
}

/** The transport's name for diagnostics: its `name`, or `custom` for one without (a host's own). */
export function transportName(transport: Transport): string {
  try {
    const { name } = transport;
    return typeof name === 'string' && name !== '' ? name : 'custom';
  } catch {
    // A host's getter: its diagnostics still need a name.
    return 'custom';
  }
}
