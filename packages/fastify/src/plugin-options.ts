/**
 * Checks `app.register(driftwatch, options)` before the plugin touches them. Fastify loads a
 * callback plugin outside any try, so an error thrown in its body (a missing monitor read, a
 * route Fastify refuses) ended the process instead of rejecting `register()`: it is handed to
 * `done` instead, naming the option.
 */
import { isMonitor, SdkError, SdkErrorCodes } from '@driftwatch/sdk';

const ROUTE_OPTIONS = ['healthRoute', 'readinessRoute', 'metricsRoute'] as const;
const PLUGIN_OPTIONS: readonly string[] = ['monitor', ...ROUTE_OPTIONS, 'logProbes'];
/** What Fastify itself reads from any plugin's register options. */
const FASTIFY_REGISTER_OPTIONS: readonly string[] = ['prefix', 'logLevel', 'logSerializers'];

function invalid(
  option: string,
  value: unknown,
  expected: string,
  call = 'register(driftwatch)',
): SdkError {
  const shown =
    typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : typeof value;
  return new SdkError(
    SdkErrorCodes.INVALID_ARGUMENT,
    `@driftwatch/fastify: ${option} must be ${expected}, got ${shown}`,
    { call, argument: option, expected },
  );
}

/**
 * `fastifyOptions(monitor)`'s argument: without a monitor (a JavaScript caller, a cast) it failed
 * with a TypeError that named no argument, or, given another object, later, in the router's
 * error answers.
 */
export function fastifyOptionsError(monitor: unknown): SdkError | undefined {
  if (isMonitor(monitor)) return undefined;
  return invalid('monitor', monitor, 'the monitor init() returned', 'fastifyOptions(monitor)');
}

/** The first problem with the plugin's options, or undefined when they can be used. */
export function pluginOptionsError(options: unknown): SdkError | undefined {
  const given = (options ?? {}) as Record<string, unknown>;
  if (!isMonitor(given.monitor))
    return invalid('monitor', given.monitor, 'the monitor init() returned');
  // A misspelt option (`helthRoute: false`) would leave the plugin's default in place unseen.
  for (const key of Object.keys(given)) {
    if (PLUGIN_OPTIONS.includes(key) || FASTIFY_REGISTER_OPTIONS.includes(key)) continue;
    const expected = `one of ${PLUGIN_OPTIONS.join(', ')} (or Fastify's ${FASTIFY_REGISTER_OPTIONS.join(', ')})`;
    return new SdkError(
      SdkErrorCodes.INVALID_ARGUMENT,
      `@driftwatch/fastify: no such option ${JSON.stringify(key)}; expected ${expected}`,
      { call: 'register(driftwatch)', argument: key, expected },
    );
  }
  for (const option of ROUTE_OPTIONS) {
    const route = given[option];
    if (route === undefined || route === false) continue;
    if (typeof route !== 'string' || !route.startsWith('/'))
      return invalid(option, route, 'a path starting with / or false');
  }
  const { logProbes } = given;
  if (logProbes !== undefined && typeof logProbes !== 'boolean')
    return invalid('logProbes', logProbes, 'true or false');
  return undefined;
}
