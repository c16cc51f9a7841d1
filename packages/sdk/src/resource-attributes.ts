/**
 * The resource every signal carries: who sent it. Beside the service's name, version and
 * environment, each process says which instance it is (`service.instance.id`, `host.name`,
 * `process.pid`): replicas of one service export the same metric series, and without these the
 * collector could not tell their cumulative counters apart. Users add their own (`k8s.pod.name`,
 * `cloud.region`) in code or in the `key=value,…` form of OpenTelemetry's
 * `OTEL_RESOURCE_ATTRIBUTES`, which platforms already set.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { invalidOption } from './errors.js';
import { label, objectOrEmpty, pick, PRINTABLE, type Env } from './options-parse.js';

/** As the schema's resource takes them: keys of 1–256 characters, values up to 1024. */
const MAX_KEY_CHARS = 256;
const MAX_VALUE_CHARS = 1024;
/** A bound on what every Kafka message repeats (it carries the resource). */
const MAX_RESOURCE_ATTRIBUTES = 64;
/** This package's version (`../package.json` from src/ and from dist/ alike); '' if unreadable. */
const SDK_VERSION: string = (() => {
  try {
    const { version } = createRequire(import.meta.url)('../package.json') as { version?: unknown };
    return typeof version === 'string' ? version : '';
  } catch {
    return '';
  }
})();

/** Control characters are refused; an empty value is valid. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const PRINTABLE_OR_EMPTY = /^[^\u0000-\u001f\u007f]*$/;

export interface ResourceAttributesSource {
  readonly attributes: Readonly<Record<string, string>>;
  /** The variable they were read from; undefined when from code or unset. */
  readonly envName: string | undefined;
}

const EXPECTED_TEXT =
  'key=value pairs separated by commas (values percent-encoded), keys of 1-256 and values of at most 1024 printable characters';

/** `key=value,…` as OTEL_RESOURCE_ATTRIBUTES writes it (W3C baggage octets, percent-encoded). */
function parseText(text: string, envName: string): Record<string, string> {
  // No prototype: `__proto__=x` must reach the key check below, not set the prototype (and vanish).
  const out = Object.create(null) as Record<string, string>;
  for (const member of text.split(',')) {
    // A trailing or doubled comma leaves an empty member: nothing to read there.
    if (member.trim() === '') continue;
    const at = member.indexOf('=');
    const key = at === -1 ? '' : member.slice(0, at).trim();
    let value: string | undefined;
    try {
      value = at === -1 ? undefined : decodeURIComponent(member.slice(at + 1).trim());
    } catch {
      value = undefined; // a malformed percent escape
    }
    if (key === '' || value === undefined)
      throw invalidOption(label('resourceAttributes', envName), member.trim(), EXPECTED_TEXT);
    out[key] = value;
  }
  return out;
}

/**
 * `resourceAttributes` from code, else `DRIFTWATCH_RESOURCE_ATTRIBUTES`, else
 * `OTEL_RESOURCE_ATTRIBUTES`; checked and frozen.
 */
export function resolveResourceAttributes(
  code: Readonly<Record<string, string>> | undefined,
  env: Env,
): ResourceAttributesSource {
  const { value, envName } = pick(code, env, [
    'DRIFTWATCH_RESOURCE_ATTRIBUTES',
    'OTEL_RESOURCE_ATTRIBUTES',
  ]);
  const attributes: Record<string, unknown> =
    typeof value === 'string' && envName !== undefined
      ? parseText(value, envName)
      : // From code, where a JavaScript caller may pass anything: objectOrEmpty names it.
        { ...objectOrEmpty('resourceAttributes', value as Readonly<Record<string, string>>) };
  const entries = Object.entries(attributes);
  const option = label('resourceAttributes', envName);
  if (entries.length > MAX_RESOURCE_ATTRIBUTES) {
    throw invalidOption(
      option,
      `${entries.length} attributes`,
      `at most ${MAX_RESOURCE_ATTRIBUTES} attributes`,
    );
  }
  for (const [key, value] of entries) {
    if (key.length > MAX_KEY_CHARS || !PRINTABLE.test(key))
      throw invalidOption(option, key, 'attribute keys of 1-256 printable characters');
    // Every batch carries the resource, and the collector refuses a body holding this member.
    if (key === '__proto__')
      throw invalidOption(option, key, 'an attribute key other than __proto__');
    if (
      typeof value !== 'string' ||
      value.length > MAX_VALUE_CHARS ||
      !PRINTABLE_OR_EMPTY.test(value)
    )
      throw invalidOption(
        label(`resourceAttributes.${key}`, envName),
        value,
        'a string of at most 1024 printable characters',
      );
  }
  // fromEntries defines own properties: an assignment to out['__proto__'] would be lost.
  return {
    attributes: Object.freeze(Object.fromEntries(entries) as Record<string, string>),
    envName,
  };
}

/**
 * The resource of one monitor. The process's identity comes first, so that a user's attribute
 * replaces it (a pod name as `host.name`, a stable `service.instance.id`); the service's
 * identity last, from its own options (which fall back on these attributes, see options.ts).
 */
export function buildResource(options: {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly environment: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
}): Readonly<Record<string, string>> {
  return Object.freeze({
    'service.instance.id': randomUUID(),
    'host.name': hostname(),
    'process.pid': String(process.pid),
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'telemetry.sdk.language': 'nodejs',
    ...options.resourceAttributes,
    'service.name': options.serviceName,
    'service.version': options.serviceVersion,
    'deployment.environment.name': options.environment,
    'telemetry.sdk.name': '@driftwatch/sdk',
    'telemetry.sdk.version': SDK_VERSION,
  });
}
