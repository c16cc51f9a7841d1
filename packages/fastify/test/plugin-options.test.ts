/**
 * Options a JavaScript caller (or a cast) gets wrong: `app.register()` rejects with
 * DW_SDK_INVALID_ARGUMENT naming the option, and the process keeps running (a callback plugin's
 * own throw escapes Fastify's loader and ended the process).
 */
import { init, SdkError, type Monitor } from '@driftwatch/sdk';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { driftwatch, type DriftwatchFastifyOptions } from '../src/index.js';

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
