/**
 * `res.locals.driftwatch` is typed for every Express handler once the package is imported (it
 * merges into Express's `Locals`): the documented `res.locals.driftwatch.monitor.logPrediction(…)`
 * typechecks, a misspelt property does not. Checked by `tsc -p tsconfig.tests.json`.
 */
import type { Monitor } from '@driftwatch/sdk';
import type { Request, Response } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import type { DriftwatchRequestContext } from '../src/index.js';

/** A handler as an application writes it; never called. */
function handler(_request: Request, response: Response): void {
  response.locals.driftwatch.monitor.logPrediction({
    model: 'risk',
    modelVersion: '1',
    features: { age: 41 },
    prediction: 1,
  });
  // @ts-expect-error: no such property on the request context
  void response.locals.driftwatch.requestID;
}

describe('res.locals.driftwatch (types)', () => {
  it('is the request context, its monitor the SDK monitor', () => {
    expectTypeOf<Response['locals']['driftwatch']>().toEqualTypeOf<DriftwatchRequestContext>();
    expectTypeOf<Response['locals']['driftwatch']['monitor']>().toEqualTypeOf<Monitor>();
    expectTypeOf(handler).toBeFunction();
  });
});
