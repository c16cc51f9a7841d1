/**
 * Starts request spans: continues a valid W3C `traceparent` (its sampled flag decides, as OTel's
 * ParentBasedSampler does for a remote parent), otherwise starts a trace whose id is sampled by
 * ratio with the same arithmetic as OTel's TraceIdRatioBasedSampler.
 */
import { parseTraceParent, TraceState } from '@opentelemetry/core';
import type { IncomingHttpHeaders } from 'node:http';
import { RequestSpan } from './request-span.js';
import { traceStateText } from './span-links.js';
import { newSpanId, newTraceAndSpanIds } from '../context/random-ids.js';

export type RequestSpanStarter = (
  name: string,
  attributes: Record<string, string>,
  headers: IncomingHttpHeaders,
) => RequestSpan;

/** XOR of the trace id's four 32-bit words, as OTel's TraceIdRatioBasedSampler computes it. */
function accumulate(traceId: string): number {
  let accumulation = 0;
  for (let i = 0; i < 32; i += 8) {
    accumulation = (accumulation ^ Number.parseInt(traceId.slice(i, i + 8), 16)) >>> 0;
  }
  return accumulation;
}

export function createRequestSpanStarter(config: {
  /** Share of new traces sampled (0–1). */
  readonly sampleRatio: number;
  /** Receives each sampled span when it ends; undefined: spans are never recorded. */
  readonly onEnd: ((span: RequestSpan) => void) | undefined;
}): RequestSpanStarter {
  const { sampleRatio, onEnd } = config;
  const upperBound = Math.floor(Math.min(Math.max(sampleRatio, 0), 1) * 0xffffffff);
  const sampleNew = (traceId: string): boolean =>
    sampleRatio >= 1 || (sampleRatio > 0 && accumulate(traceId) < upperBound);

  return (name, attributes, headers) => {
    const header = headers.traceparent;
    const parent =
      header === undefined
        ? null
        : parseTraceParent(Array.isArray(header) ? (header[0] ?? '') : header);
    if (parent === null) {
      const ids = newTraceAndSpanIds();
      const traceId = ids.slice(0, 32);
      return new RequestSpan({
        traceId,
        spanId: ids.slice(32),
        parentSpanId: undefined,
        sampled: sampleNew(traceId),
        traceState: undefined,
        name,
        attributes,
        onEnd,
      });
    }
    // Parsed as OTel's W3C propagator parses it (members checked, 32 at most, dropped whole
    // over 512 characters): what is exported is what children and outgoing calls carry on.
    const state = headers.tracestate;
    const stateHeader = Array.isArray(state) ? state.join(',') : state;
    return new RequestSpan({
      traceId: parent.traceId,
      spanId: newSpanId(),
      parentSpanId: parent.spanId,
      sampled: (parent.traceFlags & 1) === 1,
      traceState: stateHeader ? traceStateText(new TraceState(stateHeader)) : undefined,
      name,
      attributes,
      onEnd,
    });
  };
}
