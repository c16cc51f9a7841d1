/**
 * The "request completed" line, one per request: serialized by hand into exactly the JSON pino
 * would write (same fields, same order), written straight to the destination, and exported as a
 * CompletionRecord (the values of its OTel LogRecord), so neither pino's serializer nor the
 * export's JSON.parse runs for it.
 * Falls back to pino when a redact path could reach one of its fields.
 */
import type { Logger } from 'pino';
import { baseAttributesJson, CompletionRecord } from './completion-record.js';
import { httpMethodJson, jsonString, routeJson } from './json-string.js';
import { MAX_ATTRIBUTE as MAX_ATTRIBUTE_CHARS } from './log-record.js';
import { directWriterFor, type LineShape } from './logger.js';
import { jsonTextBytes } from '../pipeline/wire-bytes.js';

export interface CompletedRequest {
  readonly requestId: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly route: string | undefined;
  readonly statusCode: number;
  readonly responseTimeMs: number;
}

/** The line's fields besides base and mixin fields, for the redaction check. */
const SHAPE: LineShape = {
  request_id: true,
  trace_id: true,
  span_id: true,
  req: { method: true, url: true, route: true },
  res: { statusCode: true },
  responseTime: true,
};

const MESSAGE = 'request completed';

export type CompletionLineWriter = (request: CompletedRequest) => void;

/** Writes completion lines through `logger`'s destination and export; no-op below level info. */
export function createCompletionLineWriter(logger: Logger): CompletionLineWriter {
  const viaPino = (request: CompletedRequest): void => {
    logger.info(
      {
        request_id: request.requestId,
        trace_id: request.traceId,
        span_id: request.spanId,
        req: { method: request.method, url: request.path, route: request.route },
        res: { statusCode: request.statusCode },
        responseTime: request.responseTimeMs,
      },
      MESSAGE,
    );
  };
  const direct = directWriterFor(logger, SHAPE);
  if (direct === undefined) {
    return (request) => {
      if (logger.isLevelEnabled('info')) viaPino(request);
    };
  }
  const { write, bindings, baseAttributes, onLine, bindingsChanged } = direct;
  const baseJson = baseAttributesJson(baseAttributes);
  return (request) => {
    if (!logger.isLevelEnabled('info')) return;
    const { requestId, traceId, spanId, method, path, route, statusCode, responseTimeMs } = request;
    // `logger.setBindings()` after start-up: pino writes (and redacts) the bindings it now holds.
    // An id or path that looks like a query parameter (`req-42?token=7`) goes through the line
    // redactor too, so this line carries the request id the request's other lines carry.
    if (bindingsChanged() || requestId.includes('=') || path.includes('=')) return viaPino(request);
    const time = Date.now();
    // Ids are hex and need no escaping; the request id, method, path and route may.
    const line =
      `{"level":30,"time":${time}${bindings},"request_id":${jsonString(requestId)}` +
      `,"trace_id":"${traceId}","span_id":"${spanId}","req":{"method":${httpMethodJson(method)}` +
      `,"url":${jsonString(path)}${route === undefined ? '' : `,"route":${routeJson(route)}`}}` +
      `,"res":{"statusCode":${statusCode}},"responseTime":${responseTimeMs},"msg":"${MESSAGE}"}\n`;
    write(line);
    if (onLine === undefined) return;
    onLine(
      new CompletionRecord(
        time,
        baseAttributes,
        baseJson,
        requestId.length > MAX_ATTRIBUTE_CHARS
          ? requestId.slice(0, MAX_ATTRIBUTE_CHARS)
          : requestId,
        traceId,
        spanId,
        method,
        path.length > MAX_ATTRIBUTE_CHARS ? path.slice(0, MAX_ATTRIBUTE_CHARS) : path,
        route === undefined ? undefined : route.slice(0, MAX_ATTRIBUTE_CHARS),
        statusCode,
        responseTimeMs,
      ),
      jsonTextBytes(line) + 64,
    );
  };
}
