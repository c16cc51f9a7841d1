/**
 * The SERVER span of one HTTP request: a small implementation of the OTel `Span` API that, when
 * ended, hands itself to the export pipeline and becomes a SpanRecord there without the SDK's
 * ReadableSpan machinery (span processors, HrTime arithmetic, schema validation of fields we
 * built ourselves). Child spans made by the OTel tracer accept it as their parent.
 */
import {
  SpanStatusCode,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Exception,
  type Span,
  type SpanContext,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { isAttributeValue, sanitizeAttributes, TraceState } from '@opentelemetry/core';
import { performance } from 'node:perf_hooks';
import { isTimeInput, timeInputToPerfMs } from './span-time.js';
import { spanMethod } from '../http/http-semconv.js';
import { jsonStringBytes, stringJsonBytes } from '../pipeline/wire-bytes.js';

/** The schema's longest span name and attribute string. */
export const MAX_SPAN_NAME = 1024;
export const MAX_ATTRIBUTE_CHARS = 8192;
/** The name exported for a span named `''` (the schema takes 1–1024 characters). */
export const UNNAMED_SPAN = 'unnamed';
/** The OTel SDK's default span limits. */
const MAX_ATTRIBUTES = 128;
const MAX_EVENTS = 128;
/** Queue estimates (JSON bytes) beside the strings, which are counted by `jsonStringBytes`. */
const SPAN_OVERHEAD_BYTES = 300;
export const ATTRIBUTE_OVERHEAD_BYTES = 24;
export const EVENT_OVERHEAD_BYTES = 80;
/** The SDK's own attributes of a request span (method, path, scheme, route, status code). */
const REQUEST_ATTRIBUTES = 5;
/** The longest number JSON.stringify writes (`-0.0000012345678901234567`), in an array. */
const ARRAY_NUMBER_BYTES = 25;

type StoredValue = string | number | boolean | Array<string | number | boolean>;
export type SpanEvent = {
  name: string;
  perfMs: number;
  attributes: Record<string, StoredValue> | undefined;
  /** Estimated JSON bytes (for the span's queue estimate). */
  bytes: number;
};

/**
 * What an attribute value adds to a queue estimate: a string by its JSON bytes (up to 8K
 * characters each, so a flat per-attribute guess would let a queue hold many times its
 * maxBytes), arrays summed with their quotes and commas.
 */
export function attributeValueBytes(value: unknown): number {
  if (typeof value === 'string') return jsonStringBytes(value);
  if (!Array.isArray(value)) return 8;
  let bytes = 2;
  for (const item of value as unknown[])
    bytes += typeof item === 'string' ? jsonStringBytes(item) + 3 : ARRAY_NUMBER_BYTES + 1;
  return bytes;
}

export interface RequestSpanInit {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly sampled: boolean;
  /** The caller's `tracestate`, passed on to children and outgoing calls. */
  readonly traceState: string | undefined;
  readonly name: string;
  readonly attributes: Record<string, string>;
  /** Receives the span when it ends, if it is sampled; undefined: never recorded. */
  readonly onEnd: ((span: RequestSpan) => void) | undefined;
}

/** The schema's longest attribute key and array. */
export const MAX_ATTRIBUTE_KEY = 256;
const MAX_ARRAY_ITEMS = 128;

/** One scalar within the schema's limits: a string clipped, NaN or ±Infinity as its text. */
function storableScalar(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string')
    return value.length > MAX_ATTRIBUTE_CHARS ? value.slice(0, MAX_ATTRIBUTE_CHARS) : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * The value the schema accepts for an OTel attribute value, clipped as OTel's span limits clip
 * (strings to 8192 characters, arrays to 128 items, nulls dropped: the wire has no null), NaN and
 * ±Infinity as text (JSON has no such number); undefined for what is no attribute value. A
 * refused value would otherwise cost the whole span.
 */
export function storableAttribute(value: unknown): StoredValue | undefined {
  if (!Array.isArray(value)) return storableScalar(value);
  const items: Array<string | number | boolean> = [];
  for (const item of value as unknown[]) {
    if (items.length >= MAX_ARRAY_ITEMS) break;
    const kept = storableScalar(item);
    if (kept !== undefined) items.push(kept);
  }
  return items;
}

/** An attribute key the schema accepts (1–256 characters). */
export function isAttributeKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_ATTRIBUTE_KEY;
}

export class RequestSpan implements Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly startPerfMs = performance.now();
  endPerfMs = 0;
  name: string;
  readonly attributes: Record<string, StoredValue>;
  /** Read by the converter (span-record.ts); changed only through the Span API. */
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  events: SpanEvent[] | undefined;
  /** Sum of the events' `bytes`, kept as events are added and shifted out. */
  private eventBytes = 0;
  /** Something outside the SDK changed the span: the converter validates its record. */
  untrusted = false;
  private recording: boolean;
  private readonly sampled: boolean;
  private readonly traceState: string | undefined;
  private context: SpanContext | undefined;
  private readonly onEnd: ((span: RequestSpan) => void) | undefined;

  constructor(init: RequestSpanInit) {
    this.traceId = init.traceId;
    this.spanId = init.spanId;
    this.parentSpanId = init.parentSpanId;
    this.sampled = init.sampled;
    this.traceState = init.traceState;
    this.name = init.name;
    this.attributes = init.attributes;
    this.onEnd = init.onEnd;
    this.recording = init.sampled && init.onEnd !== undefined;
  }

  spanContext(): SpanContext {
    this.context ??= {
      traceId: this.traceId,
      spanId: this.spanId,
      traceFlags: this.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      isRemote: false,
      ...(this.traceState === undefined ? {} : { traceState: new TraceState(this.traceState) }),
    };
    return this.context;
  }

  isRecording(): boolean {
    return this.recording;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (!this.recording || value === null || value === undefined || !isAttributeKey(key))
      return this;
    if (!isAttributeValue(value)) return this;
    const isNew = !Object.hasOwn(this.attributes, key);
    if (isNew && Object.keys(this.attributes).length >= MAX_ATTRIBUTES) return this;
    this.attributes[key] = storableAttribute(value)!;
    this.untrusted = true;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      const value = attributes[key];
      if (value !== undefined && Object.hasOwn(attributes, key)) this.setAttribute(key, value);
    }
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (!this.recording) return this;
    let attributes: Attributes | undefined;
    if (isTimeInput(attributesOrTime)) time = isTimeInput(time) ? time : attributesOrTime;
    else attributes = attributesOrTime;
    this.pushEvent(
      name,
      attributes === undefined ? undefined : sanitizeAttributes(attributes),
      time,
    );
    this.untrusted = true;
    return this;
  }

  addLink(): this {
    // SpanRecord carries no links (neither did the converted OTel spans): nothing to keep.
    return this;
  }

  addLinks(): this {
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (!this.recording || status.code === SpanStatusCode.UNSET) return this;
    if (this.status.code === SpanStatusCode.OK) return this;
    const message = status.code === SpanStatusCode.ERROR ? (status.message as unknown) : undefined;
    this.status =
      typeof message === 'string' ? { code: status.code, message } : { code: status.code };
    this.untrusted = true;
    return this;
  }

  updateName(name: string): this {
    if (!this.recording) return this;
    // Clipped to the schema's limit: a long name must not cost the whole span, nor an empty one.
    this.name = String(name).slice(0, MAX_SPAN_NAME) || UNNAMED_SPAN;
    this.untrusted = true;
    return this;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    if (!this.recording) return;
    const attributes: Record<string, string> = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      // As OTel's Span reads it, but strings only: a JavaScript caller's or a library's error
      // may carry anything in these fields, and this runs in the request's end.
      const { code, name, message, stack } = exception as unknown as Record<string, unknown>;
      if (code && (typeof code === 'string' || typeof code === 'number'))
        attributes['exception.type'] = String(code);
      else if (name && typeof name === 'string') attributes['exception.type'] = name;
      if (message && typeof message === 'string') attributes['exception.message'] = message;
      if (stack && typeof stack === 'string') attributes['exception.stacktrace'] = stack;
    }
    // Clipped to the schema's limit: a long stack must not cost the whole span.
    for (const key in attributes) attributes[key] = attributes[key]!.slice(0, MAX_ATTRIBUTE_CHARS);
    if (attributes['exception.type'] || attributes['exception.message']) {
      this.pushEvent('exception', attributes, time);
    }
  }

  end(endTime?: TimeInput): void {
    if (!this.recording) return;
    this.recording = false;
    const now = performance.now();
    this.endPerfMs = Math.max(this.startPerfMs, timeInputToPerfMs(endTime, now));
    this.onEnd?.(this);
  }

  /**
   * The SDK's own end of a request: route, status code and error, without marking the span as
   * changed by user code (these values are built to fit the schema).
   */
  endRequest(
    method: string,
    route: string | undefined,
    statusCode: number,
    error: unknown,
    /** Set for a failed (5xx) request only: a 4xx is the client's error and leaves status unset. */
    errorType: string | undefined,
  ): void {
    if (!this.recording) return;
    if (route !== undefined) {
      this.name = `${spanMethod(method)} ${route}`.slice(0, MAX_SPAN_NAME);
      this.attributes['http.route'] = route.slice(0, MAX_ATTRIBUTE_CHARS);
    }
    this.attributes['http.response.status_code'] = statusCode;
    if (errorType !== undefined) {
      this.attributes['error.type'] = errorType;
      // An OK status is final; an ERROR the handler set keeps its description.
      if (this.status.code === SpanStatusCode.UNSET) this.status = { code: SpanStatusCode.ERROR };
      if (error instanceof Error) this.recordException(error);
    }
    this.end();
  }

  /** Estimated JSON size, for the queue's byte bound: strings counted by `jsonStringBytes`. */
  estimatedBytes(): number {
    const bytes =
      SPAN_OVERHEAD_BYTES +
      jsonStringBytes(this.name) +
      this.eventBytes +
      stringJsonBytes(this.status.message);
    if (!this.untrusted) {
      // The SDK's own attributes: only the path and the route are long (up to 8 KB each).
      return (
        bytes +
        REQUEST_ATTRIBUTES * ATTRIBUTE_OVERHEAD_BYTES +
        stringJsonBytes(this.attributes['url.path']) +
        stringJsonBytes(this.attributes['http.route'])
      );
    }
    let attributeBytes = 0;
    for (const key in this.attributes) {
      attributeBytes +=
        jsonStringBytes(key) + ATTRIBUTE_OVERHEAD_BYTES + attributeValueBytes(this.attributes[key]);
    }
    return bytes + attributeBytes;
  }

  private pushEvent(name: string, attributes: Attributes | undefined, time?: TimeInput): void {
    const events = (this.events ??= []);
    if (events.length >= MAX_EVENTS) this.eventBytes -= events.shift()?.bytes ?? 0;
    let stored: Record<string, StoredValue> | undefined;
    let bytes = EVENT_OVERHEAD_BYTES + jsonStringBytes(name);
    for (const key in attributes) {
      const kept = storableAttribute(attributes[key]);
      if (kept === undefined || !isAttributeKey(key)) continue;
      (stored ??= {})[key] = kept;
      bytes += jsonStringBytes(key) + ATTRIBUTE_OVERHEAD_BYTES + attributeValueBytes(kept);
    }
    events.push({
      name,
      perfMs: timeInputToPerfMs(time, performance.now()),
      attributes: stored,
      bytes,
    });
    this.eventBytes += bytes;
  }
}
