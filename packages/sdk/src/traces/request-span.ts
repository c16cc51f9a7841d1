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
  type Link,
  type Span,
  type SpanContext,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { isAttributeValue, sanitizeAttributes, TraceState } from '@opentelemetry/core';
import { performance } from 'node:perf_hooks';
import type { SpanLink } from '@driftwatch/schema';
import { isTimeInput, timeInputToPerfMs } from './span-time.js';
import { linkBytes, linkRecord, MAX_LINKS } from './span-links.js';
import { spanMethod } from '../http/http-semconv.js';
import { jsonStringBytes, stringJsonBytes } from '../pipeline/wire-bytes.js';
import {
  ATTRIBUTE_OVERHEAD_BYTES,
  attributeBytes,
  EVENT_OVERHEAD_BYTES,
  eventNameText,
  isAttributeKey,
  MAX_ATTRIBUTE_CHARS,
  MAX_ATTRIBUTES,
  MAX_EVENTS,
  MAX_SPAN_NAME,
  SPAN_OVERHEAD_BYTES,
  spanNameText,
  statusMessageText,
  storableAttribute,
  type StoredValue,
} from './span-limits.js';

/** The SDK's own attributes of a request span (method, path, scheme, route, status code). */
const REQUEST_ATTRIBUTES = 5;

/** The bytes of a `url.query` attribute, which only requests with a query string have. */
function queryBytes(query: unknown): number {
  return query === undefined ? 0 : ATTRIBUTE_OVERHEAD_BYTES + stringJsonBytes(query);
}

/** Kept here for the HTTP instrumentation, which clips its route and path to it. */
export { MAX_ATTRIBUTE_CHARS } from './span-limits.js';

export type SpanEvent = {
  name: string;
  perfMs: number;
  attributes: Record<string, StoredValue> | undefined;
  /** Estimated JSON bytes (for the span's queue estimate). */
  bytes: number;
};

export interface RequestSpanInit {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly sampled: boolean;
  /**
   * The caller's `tracestate` as OTel serializes it (see span-links.ts): passed on to children
   * and outgoing calls, and exported.
   */
  readonly traceState: string | undefined;
  readonly name: string;
  readonly attributes: Record<string, string>;
  /** Receives the span when it ends, if it is sampled; undefined: never recorded. */
  readonly onEnd: ((span: RequestSpan) => void) | undefined;
}

/** Shared by every span until one sets its status (frozen: replaced, never changed). */
const UNSET_STATUS: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

export class RequestSpan implements Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly startPerfMs = performance.now();
  endPerfMs = 0;
  name: string;
  readonly attributes: Record<string, StoredValue>;
  /** Read by the converter (span-record.ts); changed only through the Span API. */
  status: SpanStatus = UNSET_STATUS;
  events: SpanEvent[] | undefined;
  /** Sum of the events' `bytes`, kept as events are added and shifted out. */
  private eventBytes = 0;
  /** Links added by user code, as the schema takes them (first 128 kept, as OTel's limit). */
  links: SpanLink[] | undefined;
  private linkBytes = 0;
  /** Something outside the SDK changed the span: the converter validates its record. */
  untrusted = false;
  private recording: boolean;
  private readonly sampled: boolean;
  readonly traceState: string | undefined;
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

  addLink(link: Link): this {
    if (!this.recording) return this;
    const record = linkRecord(link);
    if (record === undefined) return this;
    const links = (this.links ??= []);
    // The latest 128, as an OTel span keeps its links (and this span its events).
    if (links.length >= MAX_LINKS) this.linkBytes -= linkBytes(links.shift()!);
    links.push(record);
    this.linkBytes += linkBytes(record);
    this.untrusted = true;
    return this;
  }

  addLinks(links: Link[]): this {
    // A JavaScript caller may pass anything.
    if (Array.isArray(links)) for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (!this.recording || status.code === SpanStatusCode.UNSET) return this;
    if (this.status.code === SpanStatusCode.OK) return this;
    // Clipped to the schema's limit here, so that the queue estimate counts what is sent.
    const message =
      status.code === SpanStatusCode.ERROR ? statusMessageText(status.message) : undefined;
    this.status = message === undefined ? { code: status.code } : { code: status.code, message };
    this.untrusted = true;
    return this;
  }

  updateName(name: string): this {
    if (!this.recording) return this;
    // Clipped to the schema's limit: a long name must not cost the whole span, nor an empty one,
    // nor one that is no string (a JavaScript caller's number, an object with no string form).
    this.name = spanNameText(name);
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
    // 0: no status (a caller's undefined or one outside 100-999); the conventions leave it out.
    if (statusCode !== 0) this.attributes['http.response.status_code'] = statusCode;
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
      this.linkBytes +
      stringJsonBytes(this.traceState) +
      stringJsonBytes(this.status.message);
    if (!this.untrusted) {
      // The SDK's own attributes: only the path and the route are long (up to 8 KB each).
      return (
        bytes +
        REQUEST_ATTRIBUTES * ATTRIBUTE_OVERHEAD_BYTES +
        stringJsonBytes(this.attributes['url.path']) +
        stringJsonBytes(this.attributes['http.route']) +
        queryBytes(this.attributes['url.query'])
      );
    }
    let attributesBytes = 0;
    for (const key in this.attributes) attributesBytes += attributeBytes(key, this.attributes[key]);
    return bytes + attributesBytes;
  }

  /** Keeps an event as the schema takes it: `name` may be anything a JavaScript caller passed. */
  private pushEvent(name: unknown, attributes: Attributes | undefined, time?: TimeInput): void {
    const events = (this.events ??= []);
    if (events.length >= MAX_EVENTS) this.eventBytes -= events.shift()?.bytes ?? 0;
    const text = eventNameText(name);
    let stored: Record<string, StoredValue> | undefined;
    let bytes = EVENT_OVERHEAD_BYTES + jsonStringBytes(text);
    // The first 128, as OTel's attributePerEventCountLimit keeps an OTel span's.
    let count = 0;
    for (const key in attributes) {
      const kept = storableAttribute(attributes[key]);
      if (kept === undefined || !isAttributeKey(key)) continue;
      (stored ??= {})[key] = kept;
      bytes += attributeBytes(key, kept);
      if (++count === MAX_ATTRIBUTES) break;
    }
    events.push({
      name: text,
      perfMs: timeInputToPerfMs(time, performance.now()),
      attributes: stored,
      bytes,
    });
    this.eventBytes += bytes;
  }
}
