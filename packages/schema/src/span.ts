/** A finished span in the OpenTelemetry trace data model (OTLP/JSON field names, flattened). */
import { Type, type Static } from '@sinclair/typebox';
import { Attributes, Resource, SpanId, TimeUnixNano, TraceId } from './common.js';

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
    resource: Type.Optional(Resource),
  },
  { additionalProperties: false, $id: 'SpanRecord' },
);
export type SpanRecord = Static<typeof SpanRecord>;
