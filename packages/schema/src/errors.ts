/** Stable error codes of @driftwatch/schema. Callers branch on `code`, never on messages. */
export const SchemaErrorCodes = {
  /** An item did not match its event schema; `details.issues` lists every field at fault. */
  INVALID_EVENT: 'DW_SCHEMA_INVALID_EVENT',
  /** The name of an unknown signal was passed to a validator. */
  UNKNOWN_SIGNAL: 'DW_SCHEMA_UNKNOWN_SIGNAL',
} as const;

export type SchemaErrorCode = (typeof SchemaErrorCodes)[keyof typeof SchemaErrorCodes];

/** One field at fault: a JSON pointer, what was expected, and a readable message. */
export interface ValidationIssue {
  /** JSON pointer into the item, e.g. `/features/age`; `` for the item itself. */
  readonly path: string;
  readonly message: string;
}

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly code: SchemaErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: SchemaErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}
