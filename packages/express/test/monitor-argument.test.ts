/**
 * The factories check their monitor when the app is assembled (a JavaScript caller, a cast):
 * DW_SDK_INVALID_ARGUMENT naming the call, instead of a 500 TypeError on every request.
 */
import { init, SdkError, type Monitor } from '@driftwatch/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedMonitor } from '../../sdk/test/support/captured-monitor.js';
import { driftwatch, driftwatchErrors, healthRoutes, metricsRoute } from '../src/index.js';

let monitor: Monitor;

beforeAll(() => {
  ({ monitor } = capturedMonitor(init, 'express-monitor-argument'));
});

afterAll(async () => {
  await monitor.shutdown();
});

const factories: Array<[string, (value: unknown) => unknown]> = [
  ['driftwatch', (value) => driftwatch(value as Monitor)],
  ['driftwatchErrors', (value) => driftwatchErrors(value as Monitor)],
  ['healthRoutes', (value) => healthRoutes(value as Monitor)],
  ['metricsRoute', (value) => metricsRoute(value as Monitor)],
];

describe('monitor argument', () => {
  it.each(factories)('%s without a monitor throws naming the call', (call, make) => {
    for (const value of [{}, null, 'monitor', { http: {} }]) {
      let thrown: unknown;
      try {
        make(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SdkError);
      expect(thrown).toMatchObject({
        code: 'DW_SDK_INVALID_ARGUMENT',
        details: { call, argument: 'monitor' },
      });
    }
  });

  it('each takes the monitor init() returned; driftwatchErrors also none', () => {
    for (const [, make] of factories) expect(typeof make(monitor)).toBe('function');
    expect(typeof driftwatchErrors()).toBe('function');
    expect(() => driftwatch(undefined as unknown as Monitor)).toThrow(SdkError);
  });
});
