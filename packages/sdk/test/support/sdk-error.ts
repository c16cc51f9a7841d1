/** The SdkError `run` throws; any other outcome fails the test. */
import { SdkError } from '../../src/index.js';

export function failure(run: () => unknown): SdkError {
  try {
    run();
  } catch (error) {
    if (error instanceof SdkError) return error;
    throw new Error(`expected an SdkError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an SdkError');
}
