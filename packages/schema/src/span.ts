/** A finished span in the OpenTelemetry trace data model (OTLP/JSON field names, flattened). */
import { Type, type Static } from '@sinclair/typebox';
import { Attributes, Resource, SpanId, TimeUnixNano, TraceId } from './common.js';

/**
 * A W3C `tracestate` as OpenTelemetry serializes it: `key=value` members of printable ASCII, 512
 * characters at most (OTel drops a longer header whole).
 */
export const TraceState = Type.String({ maxLength: 512, pattern: '^[\\u0020-\\u007e]*$' });

/** A link to another span (a batch job's inputs, a message's producer), as OTel records it. */
export const SpanLink = Type.Object(
  {
    traceId: TraceId,
    spanId: SpanId,
    traceState: Type.Optional(TraceState),
    attributes: Type.Optional(Attributes),
  },
  { additionalProperties: false },
);

export const SpanKind = Type.Union([
  Type.Literal('INTERNAL'),
  Type.Literal('SERVER'),
  Type.Literal('CLIENT'),
  Type.Literal('PRODUCER'),
  Type.Literal('CONSUMER'),
]);

export const SpanRecord = Type.Object(
  {
    traceId: TraceId,
    spanId: SpanId,
    parentSpanId: Type.Optional(SpanId),
    traceState: Type.Optional(TraceState),
    name: Type.String({ minLength: 1, maxLength: 1024 }),
    kind: SpanKind,
    startTimeUnixNano: TimeUnixNano,
    endTimeUnixNano: TimeUnixNano,
    attributes: Type.Optional(Attributes),
    status: Type.Optional(
      Type.Object(
        {
          code: Type.Union([Type.Literal('UNSET'), Type.Literal('OK'), Type.Literal('ERROR')]),
          message: Type.Optional(Type.String({ maxLength: 8192 })),
        },
        { additionalProperties: false },
      ),
    ),
    events: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ maxLength: 1024 }),
            timeUnixNano: TimeUnixNano,
            attributes: Type.Optional(Attributes),
          },
          { additionalProperties: false },
        ),
        { maxItems: 128 },
      ),
    ),
    links: Type.Optional(Type.Array(SpanLink, { maxItems: 128 })),
    resource: Type.Optional(Resource),
  },
  { additionalProperties: false, $id: 'SpanRecord' },
);
export type SpanRecord = Static<typeof SpanRecord>;
export type SpanLink = Static<typeof SpanLink>;
