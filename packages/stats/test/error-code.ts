/** Test helper: the StatsError code `run` throws (any other error fails the test), or undefined. */
import { expect } from 'vitest';
import { StatsError, type StatsErrorCode } from '../src/errors.js';

export function codeOf(run: () => unknown): StatsErrorCode | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StatsError);
    return (error as StatsError).code;
  }
  return undefined;
}
