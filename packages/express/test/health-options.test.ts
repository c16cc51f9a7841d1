/**
 * healthRoutes' options are checked when the app is assembled: a misspelt key or a path Express
 * never matches (no leading /) throws DW_SDK_INVALID_ARGUMENT naming it, instead of a probe that
 * answers 404 without a word.
 */
import { init, SdkError, type Monitor } from '@driftwatch/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { healthRoutes, type HealthRoutesOptions } from '../src/index.js';

let monitor: Monitor;

beforeAll(() => {
  ({ monitor } = capturedMonitor(init, 'express-health-options'));
});

afterAll(async () => {
  await monitor.shutdown();
});

function thrownBy(options: unknown): unknown {
  try {
    healthRoutes(monitor, options as HealthRoutesOptions);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('healthRoutes options', () => {
  it.each([
    ['helth', { helth: '/h' }],
    ['health', { health: 'health' }],
    ['readiness', { readiness: 42 }],
    ['logProbes', { logProbes: 'false' }],
    ['options', null],
    ['options', '/health'],
  ])('a bad %s throws naming it', (argument, options) => {
    const error = thrownBy(options);
    expect(error).toBeInstanceOf(SdkError);
    expect(error).toMatchObject({
      code: 'DW_SDK_INVALID_ARGUMENT',
      details: { call: 'healthRoutes', argument },
    });
    expect((error as Error).message).toContain(argument);
  });

  it('valid options, undefined ones included, pass', () => {
    expect(thrownBy(undefined)).toBeUndefined();
    expect(thrownBy({})).toBeUndefined();
    expect(thrownBy({ health: '/live', readiness: undefined, logProbes: false })).toBeUndefined();
  });
});
