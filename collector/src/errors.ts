/** Stable error codes of the collector. Callers branch on `code`, never on messages. */
export const CollectorErrorCodes = {
  /** A configuration value is missing or out of its domain. */
  INVALID_OPTION: 'DW_COLLECTOR_INVALID_OPTION',
  /** An ingest body that is not an IngestBatch (not JSON, wrong envelope). */
  BAD_BATCH: 'DW_COLLECTOR_BAD_BATCH',
  /** Every item of an ingest batch was invalid. */
  BAD_EVENT: 'DW_COLLECTOR_BAD_EVENT',
  /** Missing or wrong bearer token on the ingest API. */
  UNAUTHORIZED: 'DW_COLLECTOR_UNAUTHORIZED',
  /** A migration file failed or its recorded checksum changed. */
  MIGRATION_FAILED: 'DW_COLLECTOR_MIGRATION_FAILED',
  /** ClickHouse did not answer or rejected a statement. */
  STORAGE_FAILED: 'DW_COLLECTOR_STORAGE_FAILED',
  /** More ingest requests in progress than `maxConcurrentIngests`: answered 429 with Retry-After. */
  OVERLOADED: 'DW_COLLECTOR_OVERLOADED',
  /** An analysis request named bad windows or a model without data. */
  BAD_ANALYSIS_REQUEST: 'DW_COLLECTOR_BAD_ANALYSIS_REQUEST',
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
