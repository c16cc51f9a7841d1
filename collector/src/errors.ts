/** Stable error codes of the collector. Callers branch on `code`, never on messages. */
export const CollectorErrorCodes = {
  /** A configuration value is missing or out of its domain. */
  INVALID_OPTION: 'DW_COLLECTOR_INVALID_OPTION',
  /** An ingest body that is not an IngestBatch: not JSON, corrupt gzip, a wrong envelope. */
  BAD_BATCH: 'DW_COLLECTOR_BAD_BATCH',
  /** A body whose content-type is missing or not application/json: answered 415. */
  UNSUPPORTED_MEDIA_TYPE: 'DW_COLLECTOR_UNSUPPORTED_MEDIA_TYPE',
  /** A body larger than `maxBodyBytes` (decompressed): answered 413; the SDK splits the batch. */
  BODY_TOO_LARGE: 'DW_COLLECTOR_BODY_TOO_LARGE',
  /** Every item of an ingest batch was invalid. */
  BAD_EVENT: 'DW_COLLECTOR_BAD_EVENT',
  /** Missing or wrong bearer token on the ingest API. */
  UNAUTHORIZED: 'DW_COLLECTOR_UNAUTHORIZED',
  /** A migration file failed or its recorded checksum changed. */
  MIGRATION_FAILED: 'DW_COLLECTOR_MIGRATION_FAILED',
  /** ClickHouse did not answer or rejected a statement. */
  STORAGE_FAILED: 'DW_COLLECTOR_STORAGE_FAILED',
  /** More ingest requests in progress than `maxConcurrentIngests`, or more reports than MAX_CONCURRENT_REPORTS (4): answered 429 with Retry-After. */
  OVERLOADED: 'DW_COLLECTOR_OVERLOADED',
  /** A request's body did not arrive within `requestTimeoutMs`: answered 408, connection closed. */
  REQUEST_TIMEOUT: 'DW_COLLECTOR_REQUEST_TIMEOUT',
  /** An analysis request named bad windows or a model without data. */
  BAD_ANALYSIS_REQUEST: 'DW_COLLECTOR_BAD_ANALYSIS_REQUEST',
  /** A request that arrived while the collector shuts down: answered 503 with Retry-After. */
  SHUTTING_DOWN: 'DW_COLLECTOR_SHUTTING_DOWN',
} as const;

export type CollectorErrorCode = (typeof CollectorErrorCodes)[keyof typeof CollectorErrorCodes];

export class CollectorError extends Error {
  override readonly name = 'CollectorError';
  readonly code: CollectorErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: CollectorErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}
