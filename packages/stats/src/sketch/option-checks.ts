/** Option validation shared by the sketches and change detectors: messages name field, value and expectation. */
import { StatsError, StatsErrorCodes } from '../errors.js';

function invalid(owner: string, field: string, value: unknown, expected: string): never {
  throw new StatsError(
    StatsErrorCodes.INVALID_ARGUMENT,
    `${owner} option '${field}' must be ${expected}, got ${describe(value)}`,
    { owner, field, value, expected },
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) {
    return String(value);
  }
  return Object.prototype.toString.call(value);
}

export function checkInteger(
  owner: string,
  field: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(owner, field, value, `an integer in [${min}, ${max}]`);
  }
  return value;
}

/** A finite number in the interval; `open` excludes the ends. */
export function checkNumber(
  owner: string,
  field: string,
  value: unknown,
  min: number,
  max: number,
  open: { min?: boolean; max?: boolean } = {},
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (open.min === true ? value > min : value >= min) &&
    (open.max === true ? value < max : value <= max);
  if (!ok) {
    const left = open.min === true ? '(' : '[';
    const right = open.max === true ? ')' : ']';
    invalid(owner, field, value, `a finite number in ${left}${min}, ${max}${right}`);
  }
  return value as number;
}

export function checkBoolean(owner: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') invalid(owner, field, value, 'a boolean');
  return value;
}

export function checkOneOf<T extends string>(
  owner: string,
  field: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalid(owner, field, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return value as T;
}

/** Throws for option names the component does not know (catches typos such as `warmstart`). */
export function checkKnownKeys(owner: string, options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) {
    throw new StatsError(StatsErrorCodes.INVALID_ARGUMENT, `${owner} options must be an object`, {
      owner,
    });
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new StatsError(
        StatsErrorCodes.INVALID_ARGUMENT,
        `${owner} has no option '${key}' (known: ${known.join(', ')})`,
        { owner, field: key },
      );
    }
  }
}

export function invalidOption(
  owner: string,
  field: string,
  value: unknown,
  expected: string,
): never {
  invalid(owner, field, value, expected);
}
