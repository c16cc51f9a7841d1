/** Stable error codes of @driftwatch/stats. Callers branch on `code`, never on messages. */
export const StatsErrorCodes = {
  /** A sample or vector had no values. */
  EMPTY_SAMPLE: 'DW_STATS_EMPTY_SAMPLE',
  /** NaN or ±Infinity in the input. */
  NON_FINITE: 'DW_STATS_NON_FINITE',
  /** Two inputs that must pair up have different lengths. */
  LENGTH_MISMATCH: 'DW_STATS_LENGTH_MISMATCH',
  /** A binary label outside {0, 1}. */
  INVALID_LABEL: 'DW_STATS_INVALID_LABEL',
  /** A metric needs both classes and got one (e.g. ROC AUC). */
  SINGLE_CLASS: 'DW_STATS_SINGLE_CLASS',
  /** An option or argument outside its domain (bins < 1, probability outside [0, 1], …). */
  INVALID_ARGUMENT: 'DW_STATS_INVALID_ARGUMENT',
  /** An unknown drift method id. */
  UNKNOWN_METHOD: 'DW_STATS_UNKNOWN_METHOD',
  /** Serialized sketch bytes that cannot be read. */
  CORRUPT_SKETCH: 'DW_STATS_CORRUPT_SKETCH',
} as const;

export type StatsErrorCode = (typeof StatsErrorCodes)[keyof typeof StatsErrorCodes];

export class StatsError extends Error {
  override readonly name = 'StatsError';
  readonly code: StatsErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: StatsErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}
