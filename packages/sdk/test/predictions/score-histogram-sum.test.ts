/**
 * The model score histogram keeps a finite sum: a huge score (1e308, a model's overflow that is
 * still a finite double) made the running sum Infinity, and from then on every push of that
 * model's histogram was refused as invalid, for the life of the process.
 */
import { describe, expect, it } from 'vitest';
import { validateItem } from '@driftwatch/schema';
import type { MemoryTransport, Monitor } from '../../src/index.js';
import { basePrediction, memoryMonitors, sentItems } from '../support/memory-monitors.js';

const { start } = memoryMonitors('score-histogram-sum-test');

const scorePoints = (monitor: Monitor) =>
  (monitor.transport as MemoryTransport)
    .items('metrics')
    .filter((item) => item.name === 'driftwatch.model.score');

describe('model score histogram sum', () => {
  it('leaves scores that could overflow the sum out of the histogram, not the sample', async () => {
    const { monitor } = start({ predictions: { scoreBuckets: [0, 1] } });
    for (const score of [1e308, 1e308, -1e308, 0.5])
      monitor.logPrediction({ ...basePrediction, score });
    await monitor.flush();

    // Every push of the histogram is valid and counts the representable score.
    const points = scorePoints(monitor);
    expect(points.length).toBeGreaterThan(0);
    for (const point of points) expect(validateItem('metrics', point).ok).toBe(true);
    expect(points.at(-1)).toMatchObject({ count: 1, sum: 0.5, bucketCounts: [0, 1, 0] });
    expect(monitor.stats.dropped.invalid).toBe(0);
    // The samples keep their scores: the schema takes any finite number.
    expect(sentItems(monitor, 'predictions').map((item) => item.score)).toEqual([
      1e308, 1e308, -1e308, 0.5,
    ]);
  });

  it('keeps large scores that cannot overflow it', async () => {
    const { monitor } = start({ predictions: { scoreBuckets: [0, 1] } });
    for (const score of [1e280, -3e9, 2]) monitor.logPrediction({ ...basePrediction, score });
    await monitor.flush();
    expect(scorePoints(monitor).at(-1)).toMatchObject({ count: 3, bucketCounts: [1, 0, 2] });
  });
});
