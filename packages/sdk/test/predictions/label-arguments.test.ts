/**
 * logLabel with arguments as JavaScript callers pass them: options that are not an object (a
 * model name, a time) were ignored, sending the label for every model's prediction with that id,
 * at the time of the call; an id of another type is refused naming what logPrediction takes.
 */
import { describe, expect, it } from 'vitest';
import { memoryMonitors, sentItems, warningsOf } from '../support/memory-monitors.js';

const { start } = memoryMonitors('label-arguments-test');

describe('logLabel arguments', () => {
  it.each([
    ['a model name', 'risk', '"risk"'],
    ['a time in milliseconds', 1_700_000_000_000, '1700000000000'],
    ['a Date', new Date(1_700_000_000_000), 'a Date'],
    // A model name in an array: the model would be ignored.
    ['an array', ['risk'], 'an array'],
    ['a Map', new Map([['model', 'risk']]), 'a Map'],
  ])('options given as %s are refused, not ignored', async (_case, options, shown) => {
    const { monitor, diagnostics } = start();
    monitor.logLabel('p-1', 1, options as never);
    await monitor.flush();
    expect(sentItems(monitor, 'labels')).toEqual([]);
    expect(monitor.stats.dropped.invalid).toBe(1);
    expect(warningsOf(diagnostics)).toEqual([
      `driftwatch: dropped an invalid labels item: logLabel options: expected an object { model?, timeUnixMs? }; got ${shown}`,
    ]);
  });

  it('null or no options mean none', async () => {
    const { monitor } = start();
    monitor.logLabel('p-1', 1, null as never);
    monitor.logLabel('p-2', 0);
    await monitor.flush();
    expect(sentItems(monitor, 'labels').map((label) => label.predictionId)).toEqual(['p-1', 'p-2']);
  });

  it.each([
    [true, 'true'],
    [{ id: 'p-1' }, 'an object'],
    [Number.NaN, 'NaN'],
    [undefined, 'undefined'],
  ])('an id of %s is refused as logPrediction refuses it', async (id, shown) => {
    const { monitor, diagnostics } = start();
    monitor.logLabel(id as never, 1);
    await monitor.flush();
    expect(sentItems(monitor, 'labels')).toEqual([]);
    expect(warningsOf(diagnostics)).toEqual([
      `driftwatch: dropped an invalid labels item: /predictionId: expected a string or a finite number; got ${shown}`,
    ]);
  });
});
