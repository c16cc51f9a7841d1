/**
 * Runs a query or insert of the analysis API. Its failure becomes STORAGE_FAILED (503): the
 * error handler answered ClickHouse's own error with its numeric code ("60") and 500, which
 * callers could not branch on, and a connection error with "ECONNREFUSED".
 */
import { CollectorError, CollectorErrorCodes } from '../errors.js';

export async function storageCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof CollectorError) throw cause;
    throw new CollectorError(
      CollectorErrorCodes.STORAGE_FAILED,
      `${what} failed: ${(cause as Error).message}`,
      {},
      { cause },
    );
  }
}
