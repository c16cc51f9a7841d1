/**
 * monitor.span from JavaScript callers: a name that is not a string becomes the span's string
 * name (the span ends, its byte estimate stays a number, fn's result comes back); a thrown value
 * with no string form reaches the caller as it was thrown, and the span still ends as an error.
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

  it.each([
    ['synchronously', false],
    ['as a rejection', true],
  ])(
    'a thrown value with no string form, %s: the caller gets it, the span ends',
    async (_, async) => {
      const hostile: unknown = Object.create(null);
      const failing = (): unknown => {
        if (async) return Promise.reject(hostile);
        throw hostile;
      };
      let caught: unknown;
      try {
        await monitor.span(`hostile-${String(async)}`, failing);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(hostile);
      await monitor.flush();
      const span = (monitor.transport as MemoryTransport)
        .items('spans')
        .find((item) => item.name === `hostile-${String(async)}`);
      expect(span?.status).toEqual({ code: 'ERROR' });
    },
  );
});
