/**
 * The request context handlers read as `res.locals.driftwatch`, typed for every Express handler
 * of an application that imports this package (merged into Express's `Locals`).
 */
import type { Monitor } from '@driftwatch/sdk';

/** Available to handlers as `res.locals.driftwatch` (the ids also from `monitor.activeContext()`). */
export interface DriftwatchRequestContext {
  readonly requestId: string;
  readonly traceId: string;
  readonly spanId: string;
  /** The monitor this middleware was given: `res.locals.driftwatch.monitor.logPrediction(…)`. */
  readonly monitor: Monitor;
}

declare global {
  // Express's own extension point for `res.locals` (@types/express-serve-static-core).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /**
       * Set by `driftwatch(monitor)` on every request it instruments; not optional, so that the
       * handlers after it (where it belongs: first) read it without a check.
       */
      driftwatch: DriftwatchRequestContext;
    }
  }
}

/**
 * The ids as own fields; the monitor behind a getter, so that serializing `res.locals` (a JSON
 * answer, a view's locals) gives the ids alone.
 */
export class RequestContext implements DriftwatchRequestContext {
  readonly #monitor: Monitor;
  constructor(
    readonly requestId: string,
    readonly traceId: string,
    readonly spanId: string,
    monitor: Monitor,
  ) {
    this.#monitor = monitor;
  }
  get monitor(): Monitor {
    return this.#monitor;
  }
}
