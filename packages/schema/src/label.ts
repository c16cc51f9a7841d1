/** Ground truth for an earlier prediction, usually arriving late. */
import { Type, type Static } from '@sinclair/typebox';
import { Identifier, Name, TimeUnixMs } from './common.js';

export const LabelEvent = Type.Object(
  {
    predictionId: Identifier,
    /** Optional: the collector joins on predictionId; the model narrows storage lookups. */
    model: Type.Optional(Name),
    label: Type.Union([Type.Number(), Type.String({ maxLength: 1024 }), Type.Boolean()]),
    timeUnixMs: TimeUnixMs,
  },
  { additionalProperties: false, $id: 'LabelEvent' },
);
export type LabelEvent = Static<typeof LabelEvent>;
