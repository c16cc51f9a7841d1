/**
 * `logPrediction` / `logLabel`: sampling per model, validation against @driftwatch/schema, links
 * to the current request and trace, model metrics (predictions, score histogram), and queueing.
 * Never throws into the caller: invalid input is counted and reported on the diagnostic logger.
 */
import { randomUUID } from 'node:crypto';
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import {
  validateItem,
  type FeatureValue,
  type LabelEvent,
  type PredictionEvent,
  type PredictionValue,
} from '@driftwatch/schema';
import type { ContextStorage } from '../context/request-context.js';
import type { ResolvedOptions } from '../options.js';
import type { ExportPipeline } from '../pipeline/export-pipeline.js';

/** What the host passes to `monitor.logPrediction`. */
export interface PredictionInput {
  readonly model: string;
  readonly modelVersion: string;
  /** Feature values: numbers, strings (categories), booleans, or null for missing. */
  readonly features: Readonly<Record<string, FeatureValue>>;
  readonly prediction: PredictionValue;
  /** Score of the positive class (classification) or the raw output. */
  readonly score?: number;
  /** Your own id (e.g. to join labels later); a random UUID otherwise. */
  readonly predictionId?: string;
  readonly segment?: string;
  /** Defaults to the current request's id. */
  readonly requestId?: string;
  /** Defaults to now. */
  readonly timeUnixMs?: number;
}

export type LabelValue = number | string | boolean;

export interface LabelInput {
  /** Narrows the collector's join; optional. */
  readonly model?: string;
  /** When the outcome was observed; defaults to now. */
  readonly timeUnixMs?: number;
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unprintable error';
  }
}

/** Own enumerable keys, without allocating Object.keys' array (the queue's byte estimate). */
function countKeys(object: Readonly<Record<string, unknown>>): number {
  let count = 0;
  for (const key in object) if (Object.hasOwn(object, key)) count += 1;
  return count;
}

export class PredictionRecorder {
  private readonly predictionsCounter: Counter;
  private readonly scoreHistogram: Histogram;
  private readonly attributeCache = new Map<string, Attributes>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly pipeline: ExportPipeline,
    private readonly storage: ContextStorage,
    meter: Meter,
  ) {
    this.predictionsCounter = meter.createCounter('driftwatch.model.predictions', {
      description: 'Predictions made, by model and version (sampled or not)',
    });
    this.scoreHistogram = meter.createHistogram('driftwatch.model.score', {
      description: 'Model scores, by model and version',
      advice: { explicitBucketBoundaries: [...options.predictions.scoreBuckets] },
    });
  }

  /** Records one prediction; returns its id (also when it was sampled out or invalid). Never throws. */
  logPrediction(input: PredictionInput): string {
    try {
      return this.recordPrediction(input);
    } catch (error) {
      // Hostile input (a throwing getter, a Proxy): counted, never thrown into the host.
      this.pipeline.invalid('predictions', `logPrediction failed: ${describe(error)}`);
      return randomUUID();
    }
  }

  /** Records the ground truth of an earlier prediction. Never throws. */
  logLabel(predictionId: string, label: LabelValue, options: LabelInput = {}): void {
    try {
      this.recordLabel(predictionId, label, options);
    } catch (error) {
      this.pipeline.invalid('labels', `logLabel failed: ${describe(error)}`);
    }
  }

  private recordPrediction(input: PredictionInput): string {
    const predictionId =
      typeof input?.predictionId === 'string' ? input.predictionId : randomUUID();
    if (typeof input !== 'object' || input === null) {
      this.pipeline.invalid('predictions', 'logPrediction expects an object');
      return predictionId;
    }
    const attributes = this.attributesOf(input.model, input.modelVersion);
    this.predictionsCounter.add(1, attributes);
    if (typeof input.score === 'number' && Number.isFinite(input.score))
      this.scoreHistogram.record(input.score, attributes);
    if (!this.sampled(input.model)) return predictionId;

    const store = this.storage.getStore();
    const event: PredictionEvent = {
      predictionId,
      model: input.model,
      modelVersion: input.modelVersion,
      timeUnixMs: input.timeUnixMs ?? Date.now(),
      features: input.features as Record<string, FeatureValue>,
      prediction: input.prediction,
      serviceName: this.options.serviceName,
    };
    if (input.score !== undefined) event.score = input.score;
    if (input.segment !== undefined) event.segment = input.segment;
    const requestId = input.requestId ?? store?.requestId;
    if (requestId !== undefined) event.requestId = requestId;
    if (store) {
      event.traceId = store.traceId;
      event.spanId = store.spanId;
    }
    const result = validateItem('predictions', event);
    if (!result.ok) {
      const issue = result.issues[0];
      this.pipeline.invalid(
        'predictions',
        issue ? `${issue.path}: ${issue.message}` : 'does not match the schema',
      );
      return predictionId;
    }
    this.pipeline.enqueue('predictions', event, 200 + 48 * countKeys(event.features));
    return predictionId;
  }

  private recordLabel(predictionId: string, label: LabelValue, options: LabelInput): void {
    const event: LabelEvent = {
      predictionId,
      label,
      timeUnixMs: options?.timeUnixMs ?? Date.now(),
    };
    if (options?.model !== undefined) event.model = options.model;
    const result = validateItem('labels', event);
    if (!result.ok) {
      const issue = result.issues[0];
      this.pipeline.invalid(
        'labels',
        issue ? `${issue.path}: ${issue.message}` : 'does not match the schema',
      );
      return;
    }
    this.pipeline.enqueue('labels', event, 120 + predictionId.length);
  }

  private sampled(model: string): boolean {
    const ratio =
      this.options.predictions.modelSampleRatios[model] ?? this.options.predictions.sampleRatio;
    return ratio >= 1 || (ratio > 0 && Math.random() < ratio);
  }

  /** One frozen attribute set per model+version (no allocation per prediction). */
  private attributesOf(model: unknown, version: unknown): Attributes {
    const key = `${String(model)}\u0000${String(version)}`;
    let attributes = this.attributeCache.get(key);
    if (!attributes) {
      attributes = Object.freeze({
        model: String(model).slice(0, 128),
        model_version: String(version).slice(0, 64),
      });
      // Bounded: a host that invents model names per call must not grow this without limit.
      if (this.attributeCache.size < 1000) this.attributeCache.set(key, attributes);
    }
    return attributes;
  }
}
