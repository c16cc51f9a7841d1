/**
 * The host's tracer: spans start under the current request context (the request's span, or the
 * `monitor.span` child), and `startActiveSpan` makes its span current for the callback, whether
 * or not the SDK registered itself as OTel's global context manager.
 */
import {
  trace,
  type Context,
  type ContextManager,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';

type ActiveSpanCallback = (span: Span) => unknown;

export function contextTracer(tracer: Tracer, manager: ContextManager): Tracer {
  const startSpan = (name: string, options?: SpanOptions, context?: Context): Span =>
    tracer.startSpan(name, options, context ?? manager.active());
  // The overloads of Tracer.startActiveSpan: (name, fn), (name, options, fn),
  // (name, options, context, fn).
  function startActiveSpan(
    name: string,
    first: SpanOptions | ActiveSpanCallback,
    second?: Context | ActiveSpanCallback,
    third?: ActiveSpanCallback,
  ): unknown {
    let options: SpanOptions | undefined;
    let parent: Context | undefined;
    let fn: ActiveSpanCallback;
    if (typeof first === 'function') fn = first;
    else if (typeof second === 'function') {
      options = first;
      fn = second;
    } else {
      options = first;
      parent = second;
      fn = third as ActiveSpanCallback;
    }
    const parentContext = parent ?? manager.active();
    const span = tracer.startSpan(name, options, parentContext);
    return manager.with(trace.setSpan(parentContext, span), fn, undefined, span);
  }
  return { startSpan, startActiveSpan } as Tracer;
}
