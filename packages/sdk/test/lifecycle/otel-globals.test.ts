/**
 * `traces.registerGlobal` across monitors in one process: a monitor gives the OTel globals back
 * at shutdown, so one started after it (a test suite, a reload) is global in its turn; a monitor
 * that cannot have them (another holds them) says so on the diagnostic log.
 */
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type MemoryTransport, type Monitor } from '../../src/index.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';

const started: Monitor[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((monitor) => monitor.shutdown()));
});

function start(diagnostics: LogCapture = captureLogs()): Monitor {
  const monitor = init(
    {
      serviceName: 'otel-globals',
      transport: { type: 'memory' },
      traces: { registerGlobal: true },
      metrics: { enabled: false },
      logs: { destination: { write: () => undefined }, export: false },
      diagnostics: { destination: diagnostics.destination },
    },
    {},
  );
  started.push(monitor);
  return monitor;
}

/** Inside a span of `monitor`: whether the OTel API sees it, and a span of another tracer. */
function probe(monitor: Monitor): { activeIsOurs: boolean; childTraceId: string } {
  return monitor.span('predict', (span) => {
    const active = trace.getActiveSpan()?.spanContext().spanId;
    const child = trace.getTracer('other-instrumentation').startSpan('db.query');
    child.end();
    return {
      activeIsOurs: active === span.spanContext().spanId,
      childTraceId: child.spanContext().traceId,
    };
  });
}

describe('traces.registerGlobal', () => {
  it('a monitor started after another was shut down is the global one', async () => {
    const first = start();
    expect(probe(first).activeIsOurs).toBe(true);
    await first.shutdown();
    const droppedByFirst = first.stats.dropped.shutdown;

    const second = start();
    const seen = probe(second);
    expect(seen.activeIsOurs).toBe(true);
    await second.flush();
    const spans = (second.transport as MemoryTransport).items('spans');
    expect(spans.map((span) => span.name)).toEqual(['db.query', 'predict']);
    expect(spans[0]?.traceId).toBe(seen.childTraceId);
    // The other tracer's span did not go to the stopped monitor.
    expect(first.stats.dropped.shutdown).toBe(droppedByFirst);
  });

  it('a second monitor while the first holds the globals: one warning, the first stays global', async () => {
    const first = start();
    const diagnostics = captureLogs();
    const second = start(diagnostics);
    const warnings = diagnostics.lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toContain('traces.registerGlobal');
    expect(probe(first).activeIsOurs).toBe(true);
    expect(probe(second).activeIsOurs).toBe(false);
    // The second one's shutdown leaves the first's globals alone.
    await second.shutdown();
    expect(probe(first).activeIsOurs).toBe(true);
  });
});
