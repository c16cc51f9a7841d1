/**
 * The monitor's life from the host's side: shutdown twice, concurrently or before anything was
 * sent; every method after shutdown neither throws nor sends (each item counted as dropped
 * "shutdown"); flush with nothing queued; readiness checks that throw, hang or answer a
 * non-boolean; the shape of `monitor.stats`; two monitors in one process kept apart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DROP_REASONS, init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const started: Monitor[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((monitor) => monitor.shutdown()));
});

function start(serviceName = 'lifecycle'): {
  monitor: Monitor;
  logs: ReturnType<typeof captureLogs>;
} {
  const logs = captureLogs();
  const monitor = init(
    {
      serviceName,
      transport: { type: 'memory' },
      metrics: { serve: false, runtime: false, gpu: { enabled: false } },
      logs: { destination: logs.destination },
      diagnostics: { destination: captureLogs().destination },
    },
    {},
  );
  started.push(monitor);
  return { monitor, logs };
}

const prediction = { model: 'churn', modelVersion: '1', features: { a: 1 }, prediction: 1 };

describe('shutdown', () => {
  it('called twice or concurrently: one shutdown, the same promise', async () => {
    const { monitor } = start();
    const first = monitor.shutdown();
    const second = monitor.shutdown({ timeoutMs: 1 });
    expect(second).toBe(first);
    await Promise.all([first, second]);
    await expect(monitor.shutdown()).resolves.toBeUndefined();
  });

  it.each([
    [
      'a throwing getter',
      {
        get timeoutMs(): never {
          throw new Error('getter');
        },
      },
    ],
    [
      'a Proxy that throws on every read',
      new Proxy(
        {},
        {
          get: (): never => {
            throw new Error('trap');
          },
        },
      ),
    ],
  ])('options with %s: no throw, shuts down within shutdownTimeoutMs', async (_, options) => {
    const { monitor } = start();
    monitor.logPrediction(prediction);
    let stopping: Promise<void> | undefined;
    expect(() => {
      stopping = monitor.shutdown(options as never);
    }).not.toThrow();
    await expect(stopping).resolves.toBeUndefined();
    expect((monitor.transport as MemoryTransport).items('predictions')).toHaveLength(1);
  });

  it('a log destination whose flush throws: shutdown still resolves, the failure is reported', async () => {
    const diagnostics = captureLogs();
    const monitor = init(
      {
        serviceName: 'lifecycle',
        transport: { type: 'memory' },
        metrics: { enabled: false },
        logs: {
          destination: {
            write: () => undefined,
            flush: (): never => {
              throw new Error('destination closed');
            },
          } as never,
        },
        diagnostics: { destination: diagnostics.destination },
      },
      {},
    );
    started.push(monitor);
    await expect(monitor.shutdown()).resolves.toBeUndefined();
    expect(diagnostics.lines.map((line) => line.msg)).toContain(
      "driftwatch: logs.destination's flush failed: destination closed",
    );
  });

  it('before anything was sent: resolves, nothing dropped', async () => {
    const { monitor } = start();
    await monitor.shutdown();
    expect(Object.values(monitor.stats.dropped).every((count) => count === 0)).toBe(true);
  });

  it('every method afterwards: no throw, nothing sent, items counted as dropped "shutdown"', async () => {
    const { monitor } = start();
    await monitor.shutdown();
    const transport = monitor.transport as MemoryTransport;
    const batchesBefore = transport.batches.length;
    const id = monitor.logPrediction(prediction);
    expect(typeof id).toBe('string');
    monitor.logLabel(id, 1);
    monitor.logger.info('after shutdown');
    expect(monitor.span('late', () => 42)).toBe(42);
    monitor.tracer.startSpan('late-tracer').end();
    await expect(monitor.flush()).resolves.toBeUndefined();
    expect(monitor.stats.dropped.shutdown).toBe(5);
    expect(transport.batches.length).toBe(batchesBefore);
    expect(monitor.activeContext()).toBeUndefined();
    expect(monitor.traceHeaders()).toEqual({});
    await expect(monitor.readiness()).resolves.toEqual({
      ready: false,
      checks: { transport: false },
    });
  });
});

describe('flush', () => {
  it('with nothing queued resolves, and sends nothing but metric points', async () => {
    const { monitor } = start();
    await monitor.flush();
    const transport = monitor.transport as MemoryTransport;
    for (const signal of ['predictions', 'labels', 'logs', 'spans'] as const)
      expect(transport.items(signal)).toEqual([]);
  });
});

describe('readiness checks', () => {
  it('not ready once shut down, even when a custom transport still says it is', async () => {
    // The transport check asked the transport alone: one that does not track its own shutdown
    // kept the stopped monitor ready.
    const monitor = init(
      {
        serviceName: 'lifecycle',
        transport: {
          send: () => Promise.resolve({ ok: true as const }),
          isReady: () => true,
          shutdown: () => Promise.resolve(),
        },
        metrics: { enabled: false },
        logs: { destination: captureLogs().destination },
        diagnostics: { destination: captureLogs().destination },
      },
      {},
    );
    started.push(monitor);
    expect((await monitor.readiness()).ready).toBe(true);
    await monitor.shutdown();
    await expect(monitor.readiness()).resolves.toEqual({
      ready: false,
      checks: { transport: false },
    });
  });

  it('one that throws, rejects, hangs or answers a non-boolean counts as not ready', async () => {
    const { monitor } = start();
    monitor.addReadinessCheck('ok', () => true);
    monitor.addReadinessCheck('throws', () => {
      throw new Error('boom');
    });
    monitor.addReadinessCheck('rejects', () => Promise.reject(new Error('boom')));
    monitor.addReadinessCheck('hangs', () => new Promise<boolean>(() => undefined));
    monitor.addReadinessCheck('truthy', () => 'yes' as unknown as boolean);
    const report = await monitor.readiness();
    expect(report).toEqual({
      ready: false,
      checks: {
        transport: true,
        ok: true,
        throws: false,
        rejects: false,
        hangs: false,
        truthy: false,
      },
    });
  });
});

describe('monitor.stats', () => {
  it('has every counter and every drop reason, and counts what was sent', async () => {
    const { monitor } = start();
    expect(Object.keys(monitor.stats.dropped).sort()).toEqual([...DROP_REASONS].sort());
    monitor.logPrediction(prediction);
    await monitor.flush();
    const transport = monitor.transport as MemoryTransport;
    const delivered = transport.batches.reduce(
      (sum, batch) =>
        sum +
        batch.predictions.length +
        batch.labels.length +
        batch.logs.length +
        batch.spans.length +
        batch.metrics.length,
      0,
    );
    expect(monitor.stats.sentItems).toBe(delivered);
    expect(monitor.stats.sentBatches).toBe(transport.batches.length);
    expect(monitor.stats.exportErrors).toBe(0);
  });
});

describe('two monitors in one process', () => {
  it('keep their own context, logs, transport and counters; one shutdown leaves the other running', async () => {
    const a = start('service-a');
    const b = start('service-b');
    a.monitor.span('in-a', () => {
      expect(b.monitor.activeContext()).toBeUndefined();
      a.monitor.logger.info('line of a');
    });
    expect(a.logs.lines.at(-1)).toMatchObject({ 'service.name': 'service-a', msg: 'line of a' });
    expect(a.logs.lines.at(-1)?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(b.logs.lines).toHaveLength(0);

    await a.monitor.shutdown();
    b.monitor.logPrediction(prediction);
    await b.monitor.flush();
    expect((b.monitor.transport as MemoryTransport).items('predictions')).toHaveLength(1);
    expect(b.monitor.stats.dropped.shutdown).toBe(0);
  });
});
