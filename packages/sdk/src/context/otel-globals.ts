/**
 * Which OpenTelemetry globals (`traces.registerGlobal`) a monitor really took, and giving them
 * back at shutdown. The OTel API lets only the first registration of each global win and says
 * nothing (its `diag` is silent by default): a second monitor, or one started after another
 * was shut down, would believe itself global while `trace.getActiveSpan()` read the other's
 * request context and other tracers' spans went to a stopped pipeline.
 */
import { ROOT_CONTEXT, context, createContextKey, propagation, trace } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/api';
import { storeFor } from './context-manager.js';
import type { ContextStorage } from './request-context.js';

const PROBE = createContextKey('driftwatch global context probe');

/** Whether OTel's global context manager reads `storage` (the one this monitor's requests use). */
export function isGlobalContextOf(storage: ContextStorage): boolean {
  const store = storeFor(ROOT_CONTEXT.setValue(PROBE, true), undefined);
  return storage.run(store, () => context.active() === store.otel);
}

/** The provider behind `trace.getTracerProvider()`'s proxy (undefined: no proxy there). */
function globalDelegate(): TracerProvider | undefined {
  const proxy = trace.getTracerProvider() as { getDelegate?: () => TracerProvider };
  return typeof proxy.getDelegate === 'function' ? proxy.getDelegate() : undefined;
}

export interface OtelGlobals<T> {
  readonly value: T;
  /** The globals another SDK held already, so this monitor did not get them. */
  readonly missed: readonly string[];
  /** Unregisters the globals this monitor took and still holds. */
  release(): void;
}

/** Runs `register` (which registers the globals) and notes which of them it really took. */
export function trackOtelGlobals<T>(storage: ContextStorage, register: () => T): OtelGlobals<T> {
  const delegateBefore = globalDelegate();
  const fieldsBefore = propagation.fields().length;
  const value = register();
  const delegate = globalDelegate();
  const ownsProvider = delegate !== delegateBefore;
  // The no-op propagator has no fields: any after registration are the ones registered here.
  const ownsPropagator = fieldsBefore === 0 && propagation.fields().length > 0;
  const ownsContext = isGlobalContextOf(storage);
  const missed = [
    ...(ownsProvider ? [] : ['tracer provider']),
    ...(ownsContext ? [] : ['context manager']),
    ...(ownsPropagator ? [] : ['propagator']),
  ];
  return {
    value,
    missed,
    release() {
      if (ownsProvider && globalDelegate() === delegate) trace.disable();
      if (ownsContext && isGlobalContextOf(storage)) context.disable();
      if (ownsPropagator) propagation.disable();
    },
  };
}
