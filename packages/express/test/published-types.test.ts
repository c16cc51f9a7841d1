/**
 * The published declarations (`dist`, reached through the `exports` map) as an application's
 * compiler sees them, with `moduleResolution` NodeNext and bundler: the README's usage compiles
 * and `res.locals.driftwatch` is the typed request context in every handler.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkConsumer } from '../../fastify/test/support/consumer-types.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const APP = `
import express from 'express';
import { init } from '@driftwatch/sdk';
import {
  driftwatch,
  driftwatchErrors,
  healthRoutes,
  metricsRoute,
  type DriftwatchRequestContext,
} from '@driftwatch/express';

const monitor = init({ serviceName: 'consumer' });
const app = express();
app.use(driftwatch(monitor));
app.use(express.json());
app.use(healthRoutes(monitor));
app.use('/internal', healthRoutes(monitor, { health: '/live', readiness: '/ready', logProbes: false }));
app.get('/metrics', metricsRoute(monitor));
const router = express.Router();
router.post('/predict', (request, response) => {
  const context: DriftwatchRequestContext = response.locals.driftwatch;
  context.monitor.logPrediction({
    model: 'risk',
    modelVersion: '1',
    features: request.body as never,
    prediction: 1,
  });
  response.json({ requestId: context.requestId, traceId: response.locals.driftwatch.traceId });
});
app.use('/v1', router);
app.use(driftwatchErrors(monitor));
app.use(driftwatchErrors());

// @ts-expect-error: the middleware needs the monitor
driftwatch();
app.get('/typo', (_request, response) => {
  // @ts-expect-error: no such property on the request context
  response.json(response.locals.driftwatch.requestID);
});
`;

// Under exactOptionalPropertyTypes, as the SDK's own options compile: optional route options
// given as undefined (a value computed from configuration).
const STRICT_APP = `
import express from 'express';
import { init } from '@driftwatch/sdk';
import { driftwatch, healthRoutes } from '@driftwatch/express';

const monitor = init({ serviceName: 'consumer' });
const app = express();
app.use(driftwatch(monitor));
const health: string | undefined = process.env.HEALTH_ROUTE;
app.use(healthRoutes(monitor, { health, readiness: undefined, logProbes: undefined }));
`;

describe('published declarations (dist)', () => {
  for (const resolution of ['NodeNext', 'Bundler'] as const) {
    it(`resolve types first and type-check an application (moduleResolution ${resolution})`, () => {
      const { diagnostics, resolvedFile } = checkConsumer(
        packageDir,
        '@driftwatch/express',
        APP,
        resolution,
      );
      expect(resolvedFile).toBe(join(packageDir, 'dist', 'index.d.ts'));
      expect(diagnostics).toEqual([]);
    });
  }

  it('type-check optional route options given as undefined (exactOptionalPropertyTypes)', () => {
    const { diagnostics } = checkConsumer(
      packageDir,
      '@driftwatch/express',
      STRICT_APP,
      'NodeNext',
      {
        exactOptionalPropertyTypes: true,
      },
    );
    expect(diagnostics).toEqual([]);
  });
});
