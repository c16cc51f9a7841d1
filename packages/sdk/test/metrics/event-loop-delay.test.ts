/** Event-loop delay windows fed by one timer: taking one window loses nothing from the next. */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { EventLoopDelaySampler } from '../../src/metrics/event-loop-delay.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stallFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('event-loop delay windows', () => {
  it('counts a stall that begins right after a window was taken', async () => {
    // Node's monitorEventLoopDelay drops the tick in progress on reset(): this stall read 0.01 s.
    const sampler = new EventLoopDelaySampler();
    const window = sampler.open();
    await sleep(50);
    window.take();
    stallFor(300);
    // Enough idle ticks after the stall that one lands on time on a busy host (CI runs suites
    // in parallel: three ticks in 30 ms all came 12 ms late once).
    await sleep(150);
    const delay = window.take();
    window.close();
    expect(delay.max).toBeGreaterThan(0.25);
    expect(delay.max).toBeLessThan(1);
    expect(delay.min).toBeLessThan(0.005); // the idle ticks after it: the period taken off
  });

  it("leaves the other windows' delays when one is taken", async () => {
    const sampler = new EventLoopDelaySampler();
    const scrape = sampler.open();
    const push = sampler.open();
    await sleep(30);
    stallFor(200);
    await sleep(30);
    expect(scrape.take().max).toBeGreaterThan(0.15);
    expect(scrape.take().max).toBe(0); // nothing new: no tick since
    expect(push.take().max).toBeGreaterThan(0.15);
    scrape.close();
    push.close();
  });
});

describe('event-loop delay resolution', () => {
  it('ticks at the period it is given, and takes that period off each sample', async () => {
    // 50 ms: an idle loop reads about 0 (not 40 ms, had the default 10 been taken off).
    const sampler = new EventLoopDelaySampler(50);
    const window = sampler.open();
    await sleep(500);
    const idle = window.take();
    stallFor(120);
    await sleep(120);
    const stalled = window.take();
    window.close();
    expect(idle.min).toBeLessThan(0.005);
    expect(stalled.max).toBeGreaterThan(0.06);
    expect(stalled.max).toBeLessThan(1);
  });

  it('with a longer period, a process at rest wakes less often', async () => {
    const ticks = async (resolutionMs: number): Promise<number> => {
      const sampler = new EventLoopDelaySampler(resolutionMs);
      const window = sampler.open();
      await sleep(300);
      const { samples } = window.take();
      window.close();
      return samples;
    };
    const [fine, coarse] = [await ticks(10), await ticks(100)];
    expect(fine).toBeGreaterThan(10);
    expect(coarse).toBeGreaterThanOrEqual(1);
    expect(coarse).toBeLessThanOrEqual(3);
  });
});
