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

/** Most bounds of a histogram; it has one bucket count more. */
const MAX_HISTOGRAM_BOUNDS = 256;

/**
 * `bucketCounts` holds one count more than `explicitBounds` has bounds (OTLP): JSON Schema cannot
 * compare two lengths, so the rule is spelled out per length for other validators of the exported
 * schema. TypeBox ignores this keyword on an object: validate.ts applies the same rule and names
 * the field.
 */
const bucketCountsPerBounds = Array.from({ length: MAX_HISTOGRAM_BOUNDS + 1 }, (_, bounds) => ({
  properties: {
    explicitBounds: { minItems: bounds, maxItems: bounds },
    bucketCounts: { minItems: bounds + 1, maxItems: bounds + 1 },
  },
}));

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
        explicitBounds: Type.Array(Type.Number(), { maxItems: MAX_HISTOGRAM_BOUNDS }),
        bucketCounts: Type.Array(Type.Integer({ minimum: 0 }), {
          maxItems: MAX_HISTOGRAM_BOUNDS + 1,
        }),
      },
      { additionalProperties: false, anyOf: bucketCountsPerBounds },
    ),
  ],
  { $id: 'MetricPoint' },
);
export type MetricPoint = Static<typeof MetricPoint>;
