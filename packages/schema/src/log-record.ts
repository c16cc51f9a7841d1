/** A log record in the OpenTelemetry log data model (OTLP/JSON field names, flattened). */
import { Type, type Static } from '@sinclair/typebox';
import { Attributes, Resource, SpanId, TimeUnixNano, TraceId } from './common.js';

export const LogRecord = Type.Object(
  {
    timeUnixNano: TimeUnixNano,
    observedTimeUnixNano: Type.Optional(TimeUnixNano),
    /** 1–24 as in the OTel data model (9 INFO, 13 WARN, 17 ERROR). */
    severityNumber: Type.Integer({ minimum: 0, maximum: 24 }),
    severityText: Type.Optional(Type.String({ maxLength: 32 })),
    body: Type.String({ maxLength: 65536 }),
    attributes: Type.Optional(Attributes),
    traceId: Type.Optional(TraceId),
    spanId: Type.Optional(SpanId),
    resource: Type.Optional(Resource),
  },
  { additionalProperties: false, $id: 'LogRecord' },
);
export type LogRecord = Static<typeof LogRecord>;
