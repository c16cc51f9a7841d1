/**
 * OpenTelemetry's context manager over the SDK's own request storage, so that the OTel API sees
 * the request: `trace.getActiveSpan()` is the request's span (or the `monitor.span` child),
 * `propagation.inject(context.active(), …)` writes its traceparent for outgoing calls, and spans
 * of other instrumentations become its children. One AsyncLocalStorage carries both: a second
 * one would add its own promise-hook work to every request.
 * `context.with(ctx, fn)` runs `fn` in a store made from `ctx` (its span's ids, so log lines
 * follow it) and the request id `ctx` carries: a context made from a request's store holds its
 * id, so a callback bound to request A's context (`context.bind`) logs A's id with A's trace even
 * when request B runs it. A context that carries none (extracted from a message's headers, made
 * outside any request) keeps the current request's id. Binding of functions and event emitters
 * is inherited from the OTel manager, which routes it through `with`.
 */
import {
  createContextKey,
  INVALID_SPANID,
  INVALID_TRACEID,
  isValidSpanId,
  isValidTraceId,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createStore, type ContextStorage, type RequestStore } from './request-context.js';

const NO_SPAN = trace.wrapSpanContext({ traceId: '', spanId: '', traceFlags: 0 });

/** Where the OTel context of a request's store keeps the request's id. */
const REQUEST_ID = createContextKey('driftwatch.request_id');

/** The OTel context of `store` (made once per store, when first asked for). */
export function otelContextOf(store: RequestStore | undefined): Context {
  if (store === undefined) return ROOT_CONTEXT;
  if (store.otel === undefined) {
    const { requestId } = store;
    const base =
      requestId === undefined ? ROOT_CONTEXT : ROOT_CONTEXT.setValue(REQUEST_ID, requestId);
    store.otel = trace.setSpan(base, store.span);
  }
  return store.otel;
}

/** The request id `context` carries, else that of the request (if any) of `parent`. */
function requestIdOf(context: Context, parent: RequestStore | undefined): string | undefined {
  const carried = context.getValue(REQUEST_ID);
  return typeof carried === 'string' ? carried : parent?.requestId;
}

/** The store standing for `context`, under the request (if any) of `parent`. */
export function storeFor(context: Context, parent: RequestStore | undefined): RequestStore {
  const span = trace.getSpan(context);
  const store = span === undefined ? undefined : storeOfSpan(span, context, parent);
  if (store !== undefined) return store;
  // A context without a valid span (baggage only, ROOT_CONTEXT, all-zero ids): the request keeps
  // its id, lines carry no trace ids.
  return {
    requestId: requestIdOf(context, parent),
    span: NO_SPAN,
    traceId: '',
    spanId: '',
    otel: context,
  };
}

/** The store of a span with valid ids; undefined for any other span context. */
function storeOfSpan(
  span: Span,
  context: Context,
  parent: RequestStore | undefined,
): RequestStore | undefined {
  let store: RequestStore;
  try {
    store = createStore(requestIdOf(context, parent), span, context);
  } catch {
    // A span context the OTel API let a caller build (`trace.setSpanContext(ctx, null)`, a
    // throwing getter): no trace, as OTel's own context manager treats it, never a throw.
    return undefined;
  }
  const { traceId, spanId } = store;
  // Ids that are not strings (`{}`, numbers) mean no trace; OTel's checks would convert them.
  if (typeof traceId !== 'string' || typeof spanId !== 'string') return undefined;
  // Ids as the SDK and W3C write them (the common case; regex tests cost ~100 ns each here).
  // The OTel API also takes upper-case hex: lines and samples carry it lower-cased (the
  // collector refuses other ids, and the prediction sample with them); invalid or all-zero
  // ids mean no trace.
  if (
    traceId.length === 32 &&
    spanId.length === 16 &&
    traceId !== INVALID_TRACEID &&
    spanId !== INVALID_SPANID &&
    traceId.toLowerCase() === traceId &&
    spanId.toLowerCase() === spanId
  ) {
    return store;
  }
  if (isValidTraceId(traceId) && isValidSpanId(spanId)) {
    return { ...store, traceId: traceId.toLowerCase(), spanId: spanId.toLowerCase() };
  }
  return undefined;
}

export class RequestContextManager extends AsyncLocalStorageContextManager {
  constructor(private readonly storage: ContextStorage) {
    super();
  }

  override active(): Context {
    return otelContextOf(this.storage.getStore());
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const store = storeFor(context, this.storage.getStore());
    const callback = thisArg == null ? fn : (fn.bind(thisArg) as F);
    return this.storage.run(store, callback, ...args);
  }

  override attach(context: Context): { dispose(): void } {
    const previous = this.storage.getStore();
    this.storage.enterWith(storeFor(context, previous));
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        // enterWith(undefined) is how AsyncLocalStorage leaves a store entered with enterWith.
        this.storage.enterWith(previous as RequestStore);
      },
    };
  }
}
