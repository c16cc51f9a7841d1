/**
 * Span events, status, kind, trace state and links, and metric metadata in the OpenTelemetry ClickHouse exporter's
 * columns and names (migration 0004), where Grafana's ClickHouse plugin reads them in OTel mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestCollector, type IngestCollector } from '../helpers/ingest-collector.js';
import { metricPoint, spanRecord } from '../helpers/events.js';

describe('span events and metric metadata in the exporter columns', () => {
  let ingest: IngestCollector;
  beforeAll(async () => {
    ingest = await startIngestCollector('dw_exporter_columns');
  });
  afterAll(() => ingest.close());

  const post = (body: unknown) => ingest.post(body);
  const rows = <T = unknown>(sql: string) => ingest.rows<T>(sql);

  it("stores a span's exception event where Grafana's trace view reads it", async () => {
    const response = await post({
      spans: [
        {
          ...spanRecord,
          spanId: '0123456789abcdef',
          status: { code: 'ERROR', message: 'model not loaded' },
          events: [
            {
              name: 'exception',
              timeUnixNano: '1795687200001234567',
              attributes: {
                'exception.type': 'ModelError',
                'exception.message': 'model not loaded',
                'exception.escaped': true,
              },
            },
            { name: 'retry', timeUnixNano: '1795687200002000000' },
          ],
        },
      ],
    });
    expect(response.statusCode).toBe(202);
    // The exporter's names for status and kind (pdata's), which the plugin's trace view tests.
    expect(
      await rows(`SELECT StatusCode, StatusMessage, SpanKind, TraceState
        FROM {otel_traces} WHERE SpanId = '0123456789abcdef'`),
    ).toEqual([
      {
        StatusCode: 'Error',
        StatusMessage: 'model not loaded',
        SpanKind: 'Server',
        TraceState: '',
      },
    ]);
    // The shape of the Grafana ClickHouse plugin's `logs` column for a trace.
    expect(
      await rows(`SELECT
          arrayMap((name, timestamp, attributes) -> (name, toString(toUnixTimestamp64Nano(timestamp)), attributes),
            Events.Name, Events.Timestamp, Events.Attributes) AS logs
        FROM {otel_traces} WHERE SpanId = '0123456789abcdef'`),
    ).toEqual([
      {
        logs: [
          [
            'exception',
            '1795687200001234567',
            {
              'exception.type': 'ModelError',
              'exception.message': 'model not loaded',
              'exception.escaped': 'true',
            },
          ],
          ['retry', '1795687200002000000', {}],
        ],
      },
    ]);
  });

  it("stores a span's trace state and links where Grafana's trace view reads them", async () => {
    const linked = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const response = await post({
      spans: [
        {
          ...spanRecord,
          spanId: '1123456789abcdef',
          traceState: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
          links: [
            { ...linked, traceState: 'k=v', attributes: { 'batch.index': 3, input: 'features' } },
            { ...linked, spanId: '2223456789abcdef' },
          ],
        },
        // Neither: the columns keep their defaults.
        { ...spanRecord, spanId: '3323456789abcdef' },
      ],
    });
    expect(response.statusCode).toBe(202);
    expect(
      await rows(`SELECT SpanId, TraceState, Links.TraceId AS traceIds, Links.SpanId AS spanIds,
          Links.TraceState AS states, Links.Attributes AS attributes
        FROM {otel_traces} WHERE SpanId IN ('1123456789abcdef', '3323456789abcdef') ORDER BY SpanId`),
    ).toEqual([
      {
        SpanId: '1123456789abcdef',
        TraceState: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
        traceIds: [linked.traceId, linked.traceId],
        spanIds: [linked.spanId, '2223456789abcdef'],
        states: ['k=v', ''],
        attributes: [{ 'batch.index': '3', input: 'features' }, {}],
      },
      {
        SpanId: '3323456789abcdef',
        TraceState: '',
        traceIds: [],
        spanIds: [],
        states: [],
        attributes: [],
      },
    ]);
  });

  it('keeps whether a sum is monotonic, its start time and its description', async () => {
    const response = await post({
      metrics: [
        {
          name: 'dw.test.requests',
          description: 'requests served',
          type: 'sum',
          monotonic: true,
          value: 42,
          startTimeUnixNano: '1795687100000000001',
          timeUnixNano: '1795687200000000000',
        },
        {
          name: 'dw.test.in_flight',
          type: 'sum',
          monotonic: false,
          value: 3,
          timeUnixNano: '1795687200000000000',
        },
        { ...metricPoint, name: 'dw.test.duration' },
      ],
    });
    expect(response.statusCode).toBe(202);
    expect(
      await rows(`SELECT MetricName, MetricDescription, IsMonotonic,
          toString(toUnixTimestamp64Nano(StartTimeUnix)) AS start
        FROM {otel_metrics} WHERE MetricName LIKE 'dw.test.%' ORDER BY MetricName`),
    ).toEqual([
      {
        MetricName: 'dw.test.duration',
        MetricDescription: '',
        IsMonotonic: false,
        start: '1795687200000000000',
      },
      {
        MetricName: 'dw.test.in_flight',
        MetricDescription: '',
        IsMonotonic: false,
        start: '1795687200000000000',
      },
      {
        MetricName: 'dw.test.requests',
        MetricDescription: 'requests served',
        IsMonotonic: true,
        start: '1795687100000000001',
      },
    ]);
  });
});

describe('the resource of each metric point (migration 0009)', () => {
  let ingest: IngestCollector;
  beforeAll(async () => {
    ingest = await startIngestCollector('dw_metric_resource');
  });
  afterAll(() => ingest.close());

  it("keeps two replicas' series of one service apart", async () => {
    for (const [instance, value] of [
      ['replica-a', 100],
      ['replica-b', 5],
    ] as const) {
      const response = await ingest.post({
        resource: { 'service.name': 'svc', 'service.instance.id': instance, 'host.name': instance },
        metrics: [
          {
            name: 'dw.test.served',
            type: 'sum',
            monotonic: true,
            value,
            startTimeUnixNano: '1795687100000000000',
            timeUnixNano: '1795687200000000000',
          },
        ],
      });
      expect(response.statusCode).toBe(202);
    }
    expect(
      await ingest.rows(`SELECT ResourceAttributes['service.instance.id'] AS instance,
          ResourceAttributes['host.name'] AS host, ServiceName, Value
        FROM {otel_metrics} WHERE MetricName = 'dw.test.served' ORDER BY instance`),
    ).toEqual([
      { instance: 'replica-a', host: 'replica-a', ServiceName: 'svc', Value: 100 },
      { instance: 'replica-b', host: 'replica-b', ServiceName: 'svc', Value: 5 },
    ]);
  });
});
