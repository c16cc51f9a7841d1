/**
 * `healthRoutes(monitor, options)`'s options, checked when the app is assembled, as the monitor
 * is: a misspelt key (`helth`) or a path without its leading `/` (which Express never matches)
 * would leave a probe answering 404 with no word said.
 */
import { SdkError, SdkErrorCodes } from '@driftwatch/sdk';

const ROUTES = ['health', 'readiness'] as const;
const KNOWN: readonly string[] = [...ROUTES, 'logProbes'];

function invalid(argument: string, value: unknown, expected: string): SdkError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value;
  return new SdkError(
    SdkErrorCodes.INVALID_ARGUMENT,
    `healthRoutes: ${argument} must be ${expected}, got ${shown}`,
    { call: 'healthRoutes', argument, expected },
  );
}

/** Throws DW_SDK_INVALID_ARGUMENT naming the first bad option. */
export function checkHealthRoutesOptions(options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null)
    throw invalid('options', options, 'an object or undefined');
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (KNOWN.includes(key)) continue;
    const expected = `one of ${KNOWN.join(', ')}`;
    throw new SdkError(
      SdkErrorCodes.INVALID_ARGUMENT,
      `healthRoutes: no such option ${JSON.stringify(key)}; expected ${expected}`,
      { call: 'healthRoutes', argument: key, expected },
    );
  }
  for (const route of ROUTES) {
    const path = given[route];
    if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/')))
      throw invalid(route, path, 'a path starting with /');
  }
  const { logProbes } = given;
  if (logProbes !== undefined && typeof logProbes !== 'boolean')
    throw invalid('logProbes', logProbes, 'true or false');
}
