/**
 * The wire JSON of a prediction sample, written with a template literal: the same bytes as
 * `JSON.stringify(event)` for the events PredictionRecorder builds (same members, same order;
 * test/predictions/prediction-json.test.ts holds it to that). The recorder has validated the event,
 * so only strings that may need escaping are escaped: names through a cache (they repeat), the
 * host's ids and segment each time; the features record is left to `JSON.stringify` (the
 * recorder's copy, checked to hold only numbers, strings, booleans and null: it cannot throw).
 */
import type { PredictionEvent } from '@driftwatch/schema';
import { cachedJsonString, jsonString } from '../logs/json-string.js';
import type { Converter } from '../pipeline/export-pipeline.js';
import { WireJson } from '../transport/wire-json.js';

/** Model names, versions and the service name. */
const nameLiteral = cachedJsonString(2000);

export function predictionJson(event: PredictionEvent): string {
  let json =
    `{"predictionId":${jsonString(event.predictionId)},"model":${nameLiteral(event.model)}` +
    `,"modelVersion":${nameLiteral(event.modelVersion)},"timeUnixMs":${event.timeUnixMs}` +
    `,"features":${JSON.stringify(event.features)},"prediction":${JSON.stringify(event.prediction)}`;
  if (event.serviceName !== undefined) json += `,"serviceName":${nameLiteral(event.serviceName)}`;
  if (event.score !== undefined) json += `,"score":${event.score}`;
  if (event.segment !== undefined) json += `,"segment":${jsonString(event.segment)}`;
  if (event.requestId !== undefined) json += `,"requestId":${jsonString(event.requestId)}`;
  // Hex from the request context.
  if (event.traceId !== undefined) json += `,"traceId":"${event.traceId}"`;
  if (event.spanId !== undefined) json += `,"spanId":"${event.spanId}"`;
  return `${json}}`;
}

/** The pipeline converter of the `predictions` signal (the Kafka key keeps a model's samples in order). */
export const convertPrediction: Converter = (entry, wire) => {
  if (!wire) return { ok: true, item: entry };
  const event = entry as PredictionEvent;
  return { ok: true, item: new WireJson(predictionJson(event), event.model) };
};
