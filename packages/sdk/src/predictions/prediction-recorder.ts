/**
 * `logPrediction` / `logLabel`: sampling per model, validation against @driftwatch/schema, links
 * to the current request and trace, model metrics (predictions, score histogram), and queueing.
 * Never throws into the caller: invalid input is counted and reported on the diagnostic logger.
 */
import { newUuid } from '../context/random-ids.js';
import { describeValue, errorMessage } from '../errors.js';
import type { Attributes } from '@opentelemetry/api';
import {
  validateItem,
  type FeatureValue,
  type LabelEvent,
  type PredictionEvent,
  type PredictionValue,
} from '@driftwatch/schema';
import type { ContextStorage } from '../context/request-context.js';
import { CounterSeries, HistogramSeries } from '../metrics/fast-series.js';
import type { FastCounter, FastHistogram, FastMetrics } from '../metrics/fast-instruments.js';
import type { ResolvedOptions } from '../options.js';
import type { ExportPipeline } from '../pipeline/export-pipeline.js';
import { objectKind, whyNotARecord } from '../record-like.js';
import { sampledIn } from './sampling.js';
import { labelIssueText, predictionIssueText } from './value-issue.js';
import { jsonStringBytes, stringJsonBytes } from '../pipeline/wire-bytes.js';
import {
  checkFeatures,
  copyFeatures,
  isModelName,
  isName,
  isValidPrediction,
  MAX_FEATURES,
  tooManyFeatures,
} from './prediction-check.js';

/**
 * Queue estimate of a prediction beside its features and strings: member names, punctuation and
 * the numbers and hex ids at their longest (a time of 16 digits, a score of 25 characters).
 */
const PREDICTION_BASE_BYTES = 300;
/** Queue estimate of a label beside its strings: member names, punctuation and the time. */
const LABEL_BASE_BYTES = 120;
/** Model/version pairs whose series and checks are cached: as many as the metric series cap. */
const MAX_MODEL_ENTRIES = 2000;
/**
 * Largest score magnitude the score histogram takes: 2^53 scores (its count's exact range) this
 * large sum to about 9e305, short of the largest double (1.8e308) with room for rounding. A
 * larger one (1e308, a model's overflow that is still finite) would make the cumulative sum
 * Infinity, which the schema refuses: every later push of that model's histogram was dropped.
 */
const MAX_HISTOGRAM_SCORE = 1e290;

/** What the host passes to `monitor.logPrediction`. */
export interface PredictionInput {
  readonly model: string;
  readonly modelVersion: string;
  /**
   * Feature values: numbers, strings (categories), booleans, or null for missing. undefined (a
   * lookup that missed, `{ income: row.income }`) is stored as missing too, so the type takes it.
   */
  readonly features: Readonly<Record<string, FeatureValue | undefined>>;
  readonly prediction: PredictionValue;
  /** Score of the positive class (classification) or the raw output. */
  readonly score?: number | undefined;
  /** Your own id (e.g. to join labels later); a random UUID otherwise. */
  readonly predictionId?: IdValue | undefined;
  readonly segment?: string | undefined;
  /** Defaults to the current request's id. */
  readonly requestId?: IdValue | undefined;
  /** Milliseconds since the epoch, or a Date; defaults to now. */
  readonly timeUnixMs?: number | Date | undefined;
}

/** A prediction or request id: a string, or a number or bigint (a database id) kept as its digits. */
export type IdValue = string | number | bigint;

export type LabelValue = number | string | boolean;

export interface LabelInput {
  /** Narrows the collector's join; optional. */
  readonly model?: string | undefined;
  /** When the outcome was observed (milliseconds since the epoch, or a Date); defaults to now. */
  readonly timeUnixMs?: number | Date | undefined;
}

/**
 * A prediction id as text: strings as they are, finite numbers and bigints (a database id; an
 * int8 column arrives as a BigInt) as digits.
 */
function idText(id: unknown): string | undefined {
  if (typeof id === 'string') return id;
  if ((typeof id === 'number' && Number.isFinite(id)) || typeof id === 'bigint') return String(id);
  return undefined;
}

const hasOwn = Object.hasOwn;

/**
 * A timestamp in whole milliseconds (performance.timeOrigin + now() has a fraction); a Date as
 * its milliseconds (NaN for an invalid one, which the schema refuses by that name). Any other
 * value is left for the check to refuse.
 */
function wholeMs(time: unknown): number | undefined {
  if (time === undefined || time === null) return undefined;
  if (typeof time === 'number') return Number.isFinite(time) ? Math.round(time) : time;
  return time instanceof Date ? time.getTime() : (time as number);
}

/** What one model+version needs per prediction, found with two Map lookups and no allocation. */
interface ModelEntry {
  readonly predictions: CounterSeries;
  readonly scores: HistogramSeries;
  /** model is a schema `Name` and modelVersion 1–64 characters. */
  readonly valid: boolean;
  /** The model's sample ratio. */
  readonly sampleRatio: number;
  /** The JSON bytes of the model and version names, counted once. */
  readonly nameBytes: number;
}

/**
 * Series of no instrument: a prediction whose model or version the schema refuses is counted as
 * dropped (invalid), not in a series labelled with what it got (`model="undefined"`, a version
 * cut to 64 characters that passes for a valid one).
 */
const UNCOUNTED_PREDICTIONS = new CounterSeries({}, [0, 0]);
const UNCOUNTED_SCORES = new HistogramSeries({}, [0, 0], []);

export class PredictionRecorder {
  private readonly predictionsCounter: FastCounter;
  private readonly scoreHistogram: FastHistogram;
  /** model → modelVersion → entry; bounded (a host inventing names per call must not grow it). */
  private readonly models = new Map<string, Map<string, ModelEntry>>();
  private modelEntries = 0;
  private readonly serviceNameValid: boolean;
  private readonly serviceNameBytes: number;
  /**
   * The ratio for a label that names no model: the largest configured. Sampling is a threshold
   * on the id's hash, so every label whose prediction was kept is kept (and some others).
   */
  private readonly anyModelLabelRatio: number;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly pipeline: ExportPipeline,
    private readonly storage: ContextStorage,
    metrics: FastMetrics,
  ) {
    this.predictionsCounter = metrics.counter({
      name: 'driftwatch.model.predictions',
      description: 'Predictions made, by model and version (sampled or not)',
    });
    this.scoreHistogram = metrics.histogram({
      name: 'driftwatch.model.score',
      description: 'Model scores, by model and version',
      boundaries: options.predictions.scoreBuckets,
    });
    this.serviceNameValid = isName(options.serviceName);
    this.serviceNameBytes = jsonStringBytes(options.serviceName);
    // A loop, not Math.max(...ratios): spread arguments overflow the stack past ~100000 models.
    let largest = options.predictions.sampleRatio;
    for (const ratio of Object.values(options.predictions.modelSampleRatios))
      if (ratio > largest) largest = ratio;
    this.anyModelLabelRatio = largest;
  }

  /** Records one prediction; returns its id (also when it was sampled out or invalid). Never throws. */
  logPrediction(input: PredictionInput): string {
    let predictionId: string | undefined;
    try {
      const given = idText(input?.predictionId);
      predictionId = given ?? newUuid();
      return this.recordPrediction(input, predictionId, given);
    } catch (error) {
      // Hostile input (a throwing getter, a Proxy): counted, never thrown into the host. The
      // caller's own id still comes back once read: the host joins its label on it.
      this.pipeline.invalid('predictions', `logPrediction failed: ${errorMessage(error)}`);
      return predictionId ?? newUuid();
    }
  }

  /** Records the ground truth of an earlier prediction. Never throws. */
  logLabel(predictionId: IdValue, label: LabelValue, options: LabelInput = {}): void {
    try {
      this.recordLabel(predictionId, label, options);
    } catch (error) {
      this.pipeline.invalid('labels', `logLabel failed: ${errorMessage(error)}`);
    }
  }

  private recordPrediction(
    input: PredictionInput,
    predictionId: string,
    given: string | undefined,
  ): string {
    if (typeof input !== 'object' || input === null) {
      this.pipeline.invalid(
        'predictions',
        `logPrediction expects an object { model, modelVersion, features, prediction, … }; got ${describeValue(input)}`,
      );
      return predictionId;
    }
    // Counted before the sample's own checks: the model made this prediction whatever its sample
    // holds (features given as a Map cost the sample, not the model's traffic and scores).
    const model = this.modelEntry(input.model, input.modelVersion);
    model.predictions.add(1);
    // NaN or ±Infinity (a model's overflow) is left out, the sample kept without it, as is null
    // (not given); a score of another type stays and fails the check below.
    const score =
      input.score === null || (typeof input.score === 'number' && !Number.isFinite(input.score))
        ? undefined
        : input.score;
    // The sample keeps any finite score; the histogram only those that keep its sum finite.
    if (typeof score === 'number' && Math.abs(score) <= MAX_HISTOGRAM_SCORE) {
      model.scores.record(score);
    }
    // null or undefined: not given (a generated id). Anything else must be an id, not replaced.
    if (given === undefined && input.predictionId != null) {
      this.pipeline.invalid(
        'predictions',
        `/predictionId: expected a string or a finite number; got ${describeValue(input.predictionId)}`,
      );
      return predictionId;
    }
    // A member JSON.parse made from "__proto__": the collector refuses a body holding one (its
    // parser, as Fastify's, guards against prototype poisoning), so the sample could never land.
    const featuresObject = isObject(input.features) ? input.features : undefined;
    if (featuresObject !== undefined && hasOwn(featuresObject, '__proto__')) {
      this.pipeline.invalid(
        'predictions',
        '/features: invalid name "__proto__": the collector refuses a body holding a member of that name',
      );
      return predictionId;
    }
    const notRecord = featuresObject === undefined ? undefined : whyNotARecord(featuresObject);
    if (featuresObject !== undefined && notRecord !== undefined) {
      this.pipeline.invalid(
        'predictions',
        `/features: expected a plain object of feature values; got ${objectKind(featuresObject)} (${notRecord})`,
      );
      return predictionId;
    }
    // A refused model or version is reported whatever the sampling (it has no series either).
    if (model.valid && !sampledIn(predictionId, model.sampleRatio)) return predictionId;

    const store = this.storage.getStore();
    // Too many to be valid, whatever they hold: refused before they are copied, and without the
    // full validator, which would walk (and its report describe) every one of them: seconds for
    // a host's huge request body passed as features. Counting ten costs ~40 ns.
    if (
      featuresObject !== undefined &&
      !Array.isArray(featuresObject) &&
      tooManyFeatures(featuresObject)
    ) {
      this.pipeline.invalid(
        'predictions',
        `/features: expected at most ${MAX_FEATURES} features; got more`,
      );
      return predictionId;
    }
    // Copied now: the event may be serialized at batch time, after the host changed its object.
    let features: Record<string, unknown> | undefined;
    try {
      features = copyFeatures(input.features);
    } catch (error) {
      // A getter of the host's that throws (a lazy field of an ORM row): the report names the
      // field, where "logPrediction failed: …" left the host to guess which value it was.
      this.pipeline.invalid('predictions', `/features: reading them threw: ${errorMessage(error)}`);
      return predictionId;
    }
    const event: PredictionEvent = {
      predictionId,
      model: input.model,
      modelVersion: input.modelVersion,
      timeUnixMs: wholeMs(input.timeUnixMs) ?? Date.now(),
      features: (features ?? input.features) as Record<string, FeatureValue>,
      prediction: input.prediction,
      serviceName: this.options.serviceName,
    };
    if (score !== undefined) event.score = score;
    if (input.segment != null) event.segment = input.segment;
    const requestIdFromContext = input.requestId == null;
    // A numeric request id (a counter) is kept as its digits, as a prediction id is; a value
    // that is no id (typed around) is left for the schema to refuse, naming /requestId.
    const requestId = requestIdFromContext
      ? store?.requestId
      : (idText(input.requestId) ?? (input.requestId as string));
    if (requestId !== undefined) event.requestId = requestId;
    // A store made for an OTel context without a span has no trace ids ('').
    const traced = store !== undefined && store.traceId !== '';
    if (traced) {
      event.traceId = store.traceId;
      event.spanId = store.spanId;
    }
    // Fast check first; fields the recorder made itself (a generated id, Date.now()) are valid.
    const featureBytes = features === undefined ? -1 : checkFeatures(features);
    const valid =
      featureBytes >= 0 &&
      model.valid &&
      this.serviceNameValid &&
      isValidPrediction(
        event,
        given === undefined,
        input.timeUnixMs == null,
        requestIdFromContext,
        traced,
      );
    if (!valid) {
      // The full validator names the field at fault (and has the last word on the outcome).
      const result = validateItem('predictions', event);
      if (!result.ok) {
        this.pipeline.invalid(
          'predictions',
          predictionIssueText(result.issues, event.prediction, event.features),
        );
        return predictionId;
      }
    }
    // Strings counted as their JSON bytes (see wire-bytes.ts): one feature or prediction may be a
    // 1024-character string of characters that take several bytes each.
    const bytes =
      PREDICTION_BASE_BYTES +
      Math.max(0, featureBytes) +
      jsonStringBytes(predictionId) +
      model.nameBytes +
      this.serviceNameBytes +
      stringJsonBytes(event.prediction) +
      stringJsonBytes(event.segment) +
      stringJsonBytes(event.requestId);
    this.pipeline.enqueue('predictions', event, bytes);
    return predictionId;
  }

  private recordLabel(id: IdValue, label: LabelValue, options: LabelInput): void {
    // A model name or a time in its place would be ignored: the label sent for every model's
    // prediction with this id, at the time of the call.
    if (
      options != null &&
      (typeof options !== 'object' ||
        Array.isArray(options) ||
        whyNotARecord(options) !== undefined)
    ) {
      const got =
        typeof options === 'object' && !Array.isArray(options)
          ? objectKind(options)
          : describeValue(options);
      this.pipeline.invalid(
        'labels',
        `logLabel options: expected an object { model?, timeUnixMs? }; got ${got}`,
      );
      return;
    }
    const predictionId = idText(id);
    if (predictionId === undefined) {
      this.pipeline.invalid(
        'labels',
        `/predictionId: expected a string or a finite number; got ${describeValue(id)}`,
      );
      return;
    }
    // Sampled as its prediction was (same id, same answer): a model named here uses its ratio;
    // without one, the largest ratio keeps the label of any prediction that was kept.
    // null is not given, as for the other optional fields.
    const model = options?.model ?? undefined;
    const ratios = this.options.predictions.modelSampleRatios;
    const ratio =
      typeof model !== 'string'
        ? this.anyModelLabelRatio
        : Object.hasOwn(ratios, model)
          ? (ratios[model] as number)
          : this.options.predictions.sampleRatio;
    if (!sampledIn(predictionId, ratio)) return;
    const event: LabelEvent = {
      predictionId,
      label,
      timeUnixMs: wholeMs(options?.timeUnixMs) ?? Date.now(),
    };
    if (model !== undefined) event.model = model;
    const result = validateItem('labels', event);
    if (!result.ok) {
      this.pipeline.invalid('labels', labelIssueText(result.issues, label));
      return;
    }
    // The label and the model may be strings too: counted as their escaped UTF-8.
    const bytes =
      LABEL_BASE_BYTES +
      jsonStringBytes(predictionId) +
      stringJsonBytes(event.label) +
      stringJsonBytes(event.model);
    this.pipeline.enqueue('labels', event, bytes);
  }

  /** The metric series and validity of one model+version, cached for valid names. */
  private modelEntry(model: unknown, version: unknown): ModelEntry {
    if (typeof model === 'string' && typeof version === 'string') {
      const found = this.models.get(model)?.get(version);
      if (found !== undefined) return found;
    }
    const valid = isModelName(model, version);
    const attributes: Attributes = Object.freeze({
      model: String(model),
      model_version: String(version),
    });
    const entry: ModelEntry = {
      predictions: valid ? this.predictionsCounter.bind(attributes) : UNCOUNTED_PREDICTIONS,
      scores: valid ? this.scoreHistogram.bind(attributes) : UNCOUNTED_SCORES,
      valid,
      sampleRatio: Object.hasOwn(this.options.predictions.modelSampleRatios, String(model))
        ? (this.options.predictions.modelSampleRatios[String(model)] as number)
        : this.options.predictions.sampleRatio,
      nameBytes: stringJsonBytes(model) + stringJsonBytes(version),
    };
    // Bounded: a host that invents model names per call must not grow this without limit, nor
    // one that passes megabyte strings (names the schema refuses are not kept).
    if (
      valid &&
      typeof model === 'string' &&
      typeof version === 'string' &&
      this.modelEntries < MAX_MODEL_ENTRIES
    ) {
      let versions = this.models.get(model);
      if (versions === undefined) this.models.set(model, (versions = new Map()));
      versions.set(version, entry);
      this.modelEntries += 1;
    }
    return entry;
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
