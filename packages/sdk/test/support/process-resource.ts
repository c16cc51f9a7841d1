/**
 * The resource attributes by which the SDK names this process (see src/resource-attributes.ts),
 * as a test expects them of a monitor started here: the instance id is random per monitor.
 */
import { hostname } from 'node:os';
import { expect } from 'vitest';

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
  };
}
