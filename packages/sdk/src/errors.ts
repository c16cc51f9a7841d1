/** Stable error codes of @driftwatch/sdk. Callers branch on `code`, never on messages. */
export const SdkErrorCodes = {
  /** An option (code or `DRIFTWATCH_*` environment variable) is invalid; thrown by `init()`. */
  INVALID_OPTION: 'DW_SDK_INVALID_OPTION',
  /** The configured transport could not be created (e.g. the Kafka module failed to load). */
  TRANSPORT_UNAVAILABLE: 'DW_SDK_TRANSPORT_UNAVAILABLE',
  /** An API call got an argument it cannot use (`monitor.span` without a function); thrown at the call. */
  INVALID_ARGUMENT: 'DW_SDK_INVALID_ARGUMENT',
  /** The monitor was used after `shutdown()`. */
  SHUT_DOWN: 'DW_SDK_SHUT_DOWN',
  /** An HTTP send failed; `details.status` holds the HTTP status when there was one. */
  HTTP_SEND_FAILED: 'DW_SDK_HTTP_SEND_FAILED',
  /** A Kafka send failed; the message names the brokers and the likely cause, kafkajs's error is `cause`. */
  KAFKA_SEND_FAILED: 'DW_SDK_KAFKA_SEND_FAILED',
  /**
   * Recorded, never thrown: the server's idle timeout closed a request's connection before its
   * response (`ServerTimeoutError`, the span's exception and `error.type`).
   */
  SERVER_TIMEOUT: 'DW_SDK_SERVER_TIMEOUT',
} as const;

export type SdkErrorCode = (typeof SdkErrorCodes)[keyof typeof SdkErrorCodes];

/** Base error of the SDK: a stable `code`, enumerable `details` and an optional `cause`. */
export class SdkError extends Error {
  override readonly name = 'SdkError';
  readonly code: SdkErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: SdkErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

/** An option as read from an environment variable: named so in the message and `details.source`. */
export interface EnvOption {
  readonly option: string;
  readonly envName: string | undefined;
}

/**
 * Shorthand for the error every option check throws. `details.option` is the option's name
 * alone and `details.source` says where the value came from (`code` or the variable's name), as
 * the Kafka options' errors have it, so that callers can branch on the name.
 */
export function invalidOption(
  name: string | EnvOption,
  value: unknown,
  expected: string,
  /** A secret (a token): neither the message nor `details` repeat it. */
  secret = false,
): SdkError {
  const { option, envName } =
    typeof name === 'string' ? { option: name, envName: undefined } : name;
  const shown = secret
    ? '"***"'
    : typeof value === 'string'
      ? JSON.stringify(value)
      : // Described, not converted: an object without a string form would throw here.
        describeValue(value);
  return new SdkError(
    SdkErrorCodes.INVALID_OPTION,
    `invalid option ${option}${envName ? ` (env ${envName})` : ''}: got ${shown}, expected ${expected}`,
    { option, value: secret ? '***' : value, source: envName ?? 'code', expected },
  );
}

/** An error's message for a diagnostic; never throws (a hostile value's getter or toString may). */
export function errorMessage(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unprintable error';
  }
}

/**
 * A short description of any value, for a message: never throws (an object without a string
 * form, a throwing toString) and never prints a function's source or an object's contents.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  try {
    if (Array.isArray(value)) return 'an array';
  } catch {
    // Array.isArray throws for a revoked Proxy, the one value it cannot look through.
    return 'a revoked proxy';
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'symbol') return 'a symbol';
  // A BigInt shown as a plain number would look like a value in range.
  if (typeof value === 'bigint') return `${value}n (a BigInt)`;
  return String(value);
}

/** The error an API call throws for an argument it cannot use: which call, which argument. */
export function invalidArgument(
  call: string,
  argument: string,
  value: unknown,
  expected: string,
): SdkError {
  return new SdkError(
    SdkErrorCodes.INVALID_ARGUMENT,
    `${call}: ${argument} must be ${expected}, got ${describeValue(value)}`,
    { call, argument, expected },
  );
}
