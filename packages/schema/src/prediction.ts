/** A model prediction sample, the unit of drift and quality analysis. */
import { Type, type Static } from '@sinclair/typebox';
import { Identifier, Name, SpanId, TimeUnixMs, TraceId } from './common.js';

/** A feature value: number, category, flag, or null for a missing value. */
export const FeatureValue = Type.Union([
  Type.Number(),
  Type.String({ maxLength: 1024 }),
  Type.Boolean(),
  Type.Null(),
]);
export type FeatureValue = Static<typeof FeatureValue>;

/** What the model answered: a class, a label, a number. */
export const PredictionValue = Type.Union([
  Type.Number(),
  Type.String({ maxLength: 1024 }),
  Type.Boolean(),
]);
export type PredictionValue = Static<typeof PredictionValue>;

export const PredictionEvent = Type.Object(
  {
    predictionId: Identifier,
    model: Name,
    modelVersion: Type.String({ minLength: 1, maxLength: 64 }),
    timeUnixMs: TimeUnixMs,
    /**
     * Feature name → value. A Record alone checks only the values of names that match its key
     * pattern and lets any other name through with any value: `additionalProperties: false`
     * refuses those names (an empty, over-long or control-character name, whatever its value).
     */
    features: Type.Record(Name, FeatureValue, {
      maxProperties: 1000,
      additionalProperties: false,
    }),
    prediction: PredictionValue,
    /** Model score for the positive class (classification) or the raw output. */
    score: Type.Optional(Type.Number()),
    segment: Type.Optional(Type.String({ maxLength: 256 })),
    requestId: Type.Optional(Identifier),
    traceId: Type.Optional(TraceId),
    spanId: Type.Optional(SpanId),
    serviceName: Type.Optional(Name),
  },
  { additionalProperties: false, $id: 'PredictionEvent' },
);
export type PredictionEvent = Static<typeof PredictionEvent>;
