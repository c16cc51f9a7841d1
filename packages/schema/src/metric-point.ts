/** One metric data point in the OpenTelemetry metrics data model (flattened per point). */
import { Type, type Static } from '@sinclair/typebox';
import { Attributes, Resource, TimeUnixNano } from './common.js';

const PointBase = {
  name: Type.String({ minLength: 1, maxLength: 256 }),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  unit: Type.Optional(Type.String({ maxLength: 64 })),
  timeUnixNano: TimeUnixNano,
  startTimeUnixNano: Type.Optional(TimeUnixNano),
  attributes: Type.Optional(Attributes),
  resource: Type.Optional(Resource),
};

export const MetricPoint = Type.Union(
  [
    Type.Object(
      { ...PointBase, type: Type.Literal('gauge'), value: Type.Number() },
      { additionalProperties: false },
    ),
    Type.Object(
      { ...PointBase, type: Type.Literal('sum'), value: Type.Number(), monotonic: Type.Boolean() },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        ...PointBase,
        type: Type.Literal('histogram'),
        count: Type.Integer({ minimum: 0 }),
        sum: Type.Number(),
        explicitBounds: Type.Array(Type.Number(), { maxItems: 256 }),
        bucketCounts: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 257 }),
      },
      { additionalProperties: false },
    ),
  ],
  { $id: 'MetricPoint' },
);
export type MetricPoint = Static<typeof MetricPoint>;
