/**
 * The `http.server.request.duration` series the request instrumentation records, as pushed
 * through the transport: the conventions' method names, and attribute values the collector takes.
 */
import type { MetricPoint } from '@driftwatch/schema';
import { describe, expect, it } from 'vitest';
import type { MemoryTransport, Monitor } from '../../src/index.js';
import { memoryMonitors } from '../support/memory-monitors.js';

const monitors = memoryMonitors('duration-metric');

/** The duration points one collection pushes. */
async function durationPoints(monitor: Monitor): Promise<MetricPoint[]> {
  const transport = monitor.transport as MemoryTransport;
  transport.clear();
  await monitor.flush();
  return transport
    .items('metrics')
    .filter((point) => point.name === 'http.server.request.duration');
}

describe('http.server.request.duration', () => {
  it('names QUERY as a known method, as the HTTP conventions do', async () => {
    const { monitor } = monitors.start();
    for (const method of ['QUERY', 'PROPFIND']) {
      const request = monitor.http.start({ method, path: '/search', headers: {} });
      request.end({ statusCode: 200, route: '/search' });
    }
    const methods = (await durationPoints(monitor)).map(
      (point) => point.attributes?.['http.request.method'],
    );
    expect(methods.sort()).toEqual(['QUERY', '_OTHER']);
  });

  it('leaves out the status of a request that sent none (0), and records it as an error', async () => {
    const { monitor } = monitors.start();
    // A JavaScript caller's missing status, and one that no response can carry.
    for (const statusCode of [undefined as unknown as number, 42]) {
      const request = monitor.http.start({ method: 'GET', path: '/a', headers: {} });
      request.end({ statusCode, route: '/a' });
    }
    const points = await durationPoints(monitor);
    expect(points).toHaveLength(1);
    expect(points[0]?.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/a',
      'url.scheme': 'http',
      'error.type': '_OTHER',
    });
  });

  it('pushes the series of a route longer than an attribute value may be, clipped as on the span', async () => {
    const { monitor } = monitors.start();
    const route = `/${'a'.repeat(9000)}`;
    const request = monitor.http.start({ method: 'GET', path: '/a', headers: {} });
    request.end({ statusCode: 200, route });
    const [point] = await durationPoints(monitor);
    expect(point?.attributes?.['http.route']).toBe(route.slice(0, 8192));
    expect(monitor.stats.dropped.invalid).toBe(0);
  });
});
