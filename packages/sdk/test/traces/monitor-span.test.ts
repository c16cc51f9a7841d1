/**
 * monitor.span from JavaScript callers: a name that is not a string becomes the span's string
 * name (the span ends, its byte estimate stays a number, fn's result comes back).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { init, type MemoryTransport } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const monitor = init(
  {
    serviceName: 'monitor-span-test',
    transport: { type: 'memory' },
    logs: { destination: captureLogs().destination },
    diagnostics: { destination: captureLogs().destination },
    metrics: { enabled: false },
  },
  {},
);
afterAll(() => monitor.shutdown());

describe('monitor.span', () => {
  it.each([
    [42, '42'],
    [undefined, 'undefined'],
    [null, 'null'],
  ])('named %j: runs fn, returns its result, exports a span named %j', async (name, exported) => {
    expect(monitor.span(name as never, () => 'result')).toBe('result');
    await monitor.flush();
    const spans = (monitor.transport as MemoryTransport).items('spans');
    expect(spans.at(-1)?.name).toBe(exported);
    expect(monitor.stats.dropped.invalid).toBe(0);
  });
});
