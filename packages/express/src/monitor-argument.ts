/**
 * The monitor each factory takes, checked when the app is assembled: without it (a JavaScript
 * caller, a cast) every request failed with a 500 TypeError instead of one error at start-up.
 */
import { isMonitor, SdkError, SdkErrorCodes, type Monitor } from '@driftwatch/sdk';

/** Throws DW_SDK_INVALID_ARGUMENT naming `call` unless `monitor` is what `init()` returned. */
export function checkMonitor(call: string, monitor: unknown): asserts monitor is Monitor {
  if (isMonitor(monitor)) return;
  const expected = 'the monitor init() returned';
  throw new SdkError(
    SdkErrorCodes.INVALID_ARGUMENT,
    `${call}: monitor must be ${expected}, got ${monitor === null ? 'null' : typeof monitor}`,
    { call, argument: 'monitor', expected },
  );
}
