/**
 * The resource attributes by which the SDK names this process (see src/resource-attributes.ts),
 * as a test expects them of a monitor started here: the instance id is random per monitor.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { expect } from 'vitest';

/** The SDK package's version, as its resource carries it in `telemetry.sdk.version`. */
export const SDK_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

export function processResource(): Record<string, unknown> {
  return {
    'service.instance.id': expect.stringMatching(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    ),
    'host.name': hostname(),
    'process.pid': String(process.pid),
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': SDK_VERSION,
  };
}
