/**
 * Options a JavaScript caller (or a cast) gets wrong: `app.register()` rejects with
 * DW_SDK_INVALID_ARGUMENT naming the option, and the process keeps running (a callback plugin's
 * own throw escapes Fastify's loader and ended the process); so does a second registration, or a
 * route of the app's own where the plugin adds one. `fastifyOptions()` without a monitor throws,
 * naming it.
 */
import { init, SdkError, type Monitor } from '@driftwatch/sdk';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { driftwatch, fastifyOptions, type DriftwatchFastifyOptions } from '../src/index.js';

let monitor: Monitor;

beforeAll(() => {
  ({ monitor } = capturedMonitor(init, 'fastify-plugin-options'));
});

afterAll(async () => {
  await monitor.shutdown();
});

async function registerError(options: unknown): Promise<unknown> {
  const app = Fastify();
  try {
    await app.register(driftwatch, options as DriftwatchFastifyOptions);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close().catch(() => undefined);
  }
}

describe('plugin options', () => {
  it.each([
    ['monitor', { monitor: undefined }],
    ['monitor', { monitor: { logger: {} } }],
    ['healthRoute', { healthRoute: true }],
    ['readinessRoute', { readinessRoute: 'ready' }],
    ['metricsRoute', { metricsRoute: 9464 }],
    ['logProbes', { logProbes: 'no' }],
    // Misspelt: the default /health would stay, unseen.
    ['helthRoute', { helthRoute: false }],
  ])('a bad %s rejects register() naming it', async (option, options) => {
    const error = await registerError({ monitor, ...options });
    expect(error).toBeInstanceOf(SdkError);
    expect(error).toMatchObject({
      code: 'DW_SDK_INVALID_ARGUMENT',
      details: { argument: option },
    });
    expect((error as Error).message).toContain(option);
  });

  it.each([undefined, null, { logger: {} }])(
    'fastifyOptions(%s) throws DW_SDK_INVALID_ARGUMENT naming the monitor',
    (given) => {
      let thrown: unknown;
      try {
        fastifyOptions(given as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SdkError);
      expect(thrown).toMatchObject({
        code: 'DW_SDK_INVALID_ARGUMENT',
        details: { call: 'fastifyOptions(monitor)', argument: 'monitor' },
      });
      expect((thrown as Error).message).toContain('monitor must be the monitor init() returned');
    },
  );

  it('a second registration, in the same context or a child one, rejects register()', async () => {
    const app = Fastify();
    await app.register(driftwatch, { monitor });
    const again = await app.register(driftwatch, { monitor }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(again).toBeInstanceOf(SdkError);
    expect(again).toMatchObject({ code: 'DW_SDK_INVALID_ARGUMENT' });
    expect((again as Error).message).toContain('already registered');
    await app.close().catch(() => undefined);

    const root = Fastify();
    await root.register(driftwatch, { monitor });
    const inChild = await root
      .register(async (child) => {
        await child.register(driftwatch, { monitor, healthRoute: '/h', readinessRoute: false });
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(inChild).toMatchObject({ code: 'DW_SDK_INVALID_ARGUMENT' });
    await root.close().catch(() => undefined);
  });

  it("a route of the app's own at /health rejects register() (it threw out of Fastify's loader)", async () => {
    const app = Fastify();
    app.get('/health', async () => 'mine');
    const error = await app.register(driftwatch, { monitor }).then(
      () => undefined,
      (rejected: unknown) => rejected,
    );
    expect(error).toMatchObject({ code: 'FST_ERR_DUPLICATED_ROUTE' });
    await app.close().catch(() => undefined);
  });

  it("Fastify's own register options pass", async () => {
    const app = Fastify();
    await app.register(driftwatch, { monitor, prefix: '/api', logLevel: 'warn' });
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    await app.close();
  });

  it('valid options, false routes and undefined ones included, register', async () => {
    const app = Fastify();
    await app.register(driftwatch, {
      monitor,
      healthRoute: false,
      readinessRoute: '/ready',
      metricsRoute: undefined,
      logProbes: false,
    });
    const response = await app.inject({ url: '/ready' });
    expect(response.statusCode).toBe(200);
    await app.close();
  });
});
