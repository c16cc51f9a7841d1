/**
 * The SDK as OTel's global context manager (`traces.registerGlobal`) takes any context the OTel
 * API lets a caller build: a span context that is empty, null or holds no string ids (a foreign
 * propagator's or instrumentation's) means "no trace", as OTel's own manager treats it, never a
 * throw into the caller's `context.with`.
 */
import { ROOT_CONTEXT, context, trace, type SpanContext } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import { captureLogs } from '../support/log-capture.js';

const logs = captureLogs();
const monitor = init(
  {
    serviceName: 'context-manager-test',
    transport: { type: 'memory' },
    traces: { registerGlobal: true },
    metrics: { enabled: false },
    logs: { destination: logs.destination, export: false },
    diagnostics: { destination: captureLogs().destination },
  },
  {},
);
afterAll(() => monitor.shutdown());

describe('context.with a foreign span context', () => {
  it.each([
    ['empty', {}],
    ['null', null],
    ['with ids that are not strings', { traceId: 1, spanId: 2, traceFlags: 1 }],
    [
      'with ids whose string form is valid hex',
      { traceId: { toString: () => 'a'.repeat(32) }, spanId: { toString: () => 'b'.repeat(16) } },
    ],
  ])('%s: runs fn, its lines carry no trace ids', (_, spanContext) => {
    const foreign = trace.setSpanContext(ROOT_CONTEXT, spanContext as unknown as SpanContext);
    const result = monitor.span('outer', () =>
      context.with(foreign, () => {
        monitor.logger.info('inside');
        return monitor.activeContext();
      }),
    );
    expect(result).toBeUndefined();
    expect(logs.lines.at(-1)).toMatchObject({ msg: 'inside' });
    expect(logs.lines.at(-1)).not.toHaveProperty('trace_id');
  });
});
