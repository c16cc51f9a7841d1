/**
 * The published declarations (`dist`, reached through the `exports` map) as an application's
 * compiler sees them, with `moduleResolution` NodeNext and bundler: the README's usage compiles,
 * the plugin's options are checked, `fastify.driftwatch` is the monitor in every context.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkConsumer } from './support/consumer-types.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const APP = `
import Fastify from 'fastify';
import { init, type Monitor } from '@driftwatch/sdk';
import plugin, { driftwatch, fastifyOptions, type DriftwatchFastifyOptions } from '@driftwatch/fastify';

const monitor = init({ serviceName: 'consumer' });
const app = Fastify(fastifyOptions(monitor));
await app.register(driftwatch, { monitor, metricsRoute: '/metrics' });
await app.register(plugin, { monitor, healthRoute: false, logProbes: false } satisfies DriftwatchFastifyOptions);
app.post('/predict', async (request) => {
  request.log.info('scoring');
  return {
    id: app.driftwatch.logPrediction({
      model: 'risk',
      modelVersion: '3',
      features: request.body as never,
      prediction: 1,
    }),
  };
});
await app.register(async (child) => {
  const seen: Monitor = child.driftwatch;
  child.get('/context', async () => seen.activeContext());
});
const h2 = Fastify({ http2: true, ...fastifyOptions(monitor) });
await h2.register(driftwatch, { monitor });
const plain = Fastify({ logger: true });
await plain.register(driftwatch, { monitor, readinessRoute: '/ready' });

// @ts-expect-error: the monitor is required
await app.register(driftwatch, {});
// @ts-expect-error: a route is a string or false
await app.register(driftwatch, { monitor, healthRoute: true });
// @ts-expect-error: the decorator is the monitor, not any
const notANumber: number = app.driftwatch;
// @ts-expect-error: the plugin is a plugin, not any
const notAString: string = driftwatch;
`;

// Under exactOptionalPropertyTypes, as the SDK's own options compile: the README's app, and
// optional plugin options given as undefined (a value computed from configuration).
const STRICT_APP = `
import Fastify from 'fastify';
import { init } from '@driftwatch/sdk';
import { driftwatch, fastifyOptions } from '@driftwatch/fastify';

const monitor = init({ serviceName: 'consumer', metrics: { port: undefined } });
const app = Fastify(fastifyOptions(monitor));
const metricsRoute: string | undefined = process.env.METRICS_ROUTE;
await app.register(driftwatch, {
  monitor,
  metricsRoute,
  healthRoute: undefined,
  readinessRoute: undefined,
  logProbes: undefined,
});
`;

describe('published declarations (dist)', () => {
  for (const resolution of ['NodeNext', 'Bundler'] as const) {
    it(`resolve types first and type-check an application (moduleResolution ${resolution})`, () => {
      const { diagnostics, resolvedFile } = checkConsumer(
        packageDir,
        '@driftwatch/fastify',
        APP,
        resolution,
      );
      expect(resolvedFile).toBe(join(packageDir, 'dist', 'index.d.ts'));
      expect(diagnostics).toEqual([]);
    });
  }

  it('type-check the README app under exactOptionalPropertyTypes', () => {
    const { diagnostics } = checkConsumer(
      packageDir,
      '@driftwatch/fastify',
      STRICT_APP,
      'NodeNext',
      {
        exactOptionalPropertyTypes: true,
      },
    );
    expect(diagnostics).toEqual([]);
  });
});
