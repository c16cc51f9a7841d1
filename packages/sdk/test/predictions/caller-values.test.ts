/**
 * logPrediction / logLabel with values a JavaScript caller plausibly passes: the caller's own
 * prediction id comes back even when recording fails on hostile input; a Date is a timestamp; an
 * undefined feature value (a lookup that missed) is missing, not a reason to lose the sample; and
 * a value of a refused type or size is reported with what was expected, not "union value".
 */
import { describe, expect, it } from 'vitest';
import type { Monitor } from '../../src/index.js';
import { predictionJson } from '../../src/predictions/prediction-json.js';
import {
  basePrediction,
  memoryMonitors,
  sentItems,
  warningsOf,
} from '../support/memory-monitors.js';

const { start } = memoryMonitors('caller-values-test');
const base = basePrediction;
const sent = sentItems;
const warnings = warningsOf;

describe('the returned prediction id', () => {
  it("is the caller's id when recording fails on hostile features", () => {
    const { monitor } = start();
    const features = new Proxy(
      { a: 1 },
      {
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    // The host joins its label on this id: a random one would orphan the label.
    expect(monitor.logPrediction({ ...base, features, predictionId: 'p-hostile' })).toBe(
      'p-hostile',
    );
    expect(monitor.stats.dropped.invalid).toBe(1);
  });
});

describe('features whose reading throws', () => {
  it('are reported naming /features, with what was thrown', () => {
    const { monitor, diagnostics } = start();
    const features = {
      age: 41,
      get income(): number {
        throw new Error('lazy field not loaded');
      },
    };
    expect(monitor.logPrediction({ ...base, features, predictionId: 'p-getter' })).toBe('p-getter');
    expect(warnings(diagnostics)).toEqual([
      'driftwatch: dropped an invalid predictions item: /features: reading them threw: lazy field not loaded',
    ]);
  });
});

describe('caller timestamps', () => {
  it('a Date is taken as its milliseconds, for a prediction and its label', async () => {
    const { monitor } = start();
    const at = new Date(1_700_000_000_123);
    monitor.logPrediction({ ...base, predictionId: 'p-date', timeUnixMs: at as never });
    monitor.logLabel('p-date', 1, { timeUnixMs: at as never });
    await monitor.flush();
    expect(monitor.stats.dropped.invalid).toBe(0);
    expect(sent(monitor, 'predictions')[0]).toMatchObject({
      predictionId: 'p-date',
      timeUnixMs: 1_700_000_000_123,
    });
    expect(sent(monitor, 'labels')[0]).toMatchObject({
      predictionId: 'p-date',
      timeUnixMs: 1_700_000_000_123,
    });
  });

  it('an invalid Date is refused, naming the field', async () => {
    const { monitor, diagnostics } = start();
    monitor.logPrediction({ ...base, timeUnixMs: new Date(Number.NaN) as never });
    await monitor.flush();
    expect(sent(monitor, 'predictions')).toEqual([]);
    expect(warnings(diagnostics)[0]).toContain('/timeUnixMs: ');
    expect(warnings(diagnostics)[0]).toContain('got NaN');
  });
});

describe('caller timestamps past what the collector stores', () => {
  it('a time in microseconds is refused, naming the field, for a prediction and its label', async () => {
    const { monitor, diagnostics } = start();
    // 9999-12-31T23:59:59.999Z is the last millisecond the collector stores as sent; a time past
    // it was queued and sent, then refused by the collector (over Kafka, without a word).
    const micros = 1_700_000_000_123_000;
    monitor.logPrediction({ ...base, predictionId: 'p-micros', timeUnixMs: micros });
    monitor.logLabel('p-micros', 1, { timeUnixMs: micros });
    monitor.logPrediction({ ...base, predictionId: 'p-last', timeUnixMs: 253_402_300_799_999 });
    await monitor.flush();
    expect(sent(monitor, 'predictions').map((event) => event.predictionId)).toEqual(['p-last']);
    expect(sent(monitor, 'labels')).toEqual([]);
    expect(monitor.stats.dropped.invalid).toBe(2);
    expect(warnings(diagnostics)).toEqual([
      `driftwatch: dropped an invalid predictions item: /timeUnixMs: Expected integer to be less or equal to 253402300799999; got ${micros}`,
      `driftwatch: dropped an invalid labels item: /timeUnixMs: Expected integer to be less or equal to 253402300799999; got ${micros}`,
    ]);
  });
});

describe('request ids', () => {
  it('a numeric request id is kept as its digits, as a numeric prediction id is', async () => {
    const { monitor } = start();
    monitor.logPrediction({ ...base, predictionId: 'p-request', requestId: 42 as never });
    await monitor.flush();
    expect(monitor.stats.dropped.invalid).toBe(0);
    expect(sent(monitor, 'predictions')[0]).toMatchObject({
      predictionId: 'p-request',
      requestId: '42',
    });
  });
});

describe('feature values', () => {
  it('undefined (a lookup that missed) is stored as missing, the sample kept', async () => {
    const { monitor } = start();
    const row: Record<string, number> = { age: 41 };
    // No cast: the input's type takes what `row.income` is (number | undefined).
    monitor.logPrediction({
      ...base,
      predictionId: 'p-undefined',
      features: { age: row.age, income: row.income },
    });
    await monitor.flush();
    expect(monitor.stats.dropped.invalid).toBe(0);
    const [prediction] = sent(monitor, 'predictions');
    expect(prediction?.features).toEqual({ age: 41, income: null });
    expect(Object.hasOwn(prediction?.features ?? {}, 'income')).toBe(true);
  });
});

describe('refused values name what was expected', () => {
  it.each([
    [
      'an over-long feature string',
      (monitor: Monitor) =>
        monitor.logPrediction({ ...base, features: { 'a/b~c': 'x'.repeat(1025) } }),
      '/features/a~1b~0c: expected a finite number, a string of at most 1024 characters, a boolean or null; got a string of 1025 characters',
    ],
    [
      'an object feature',
      (monitor: Monitor) => monitor.logPrediction({ ...base, features: { a: {} as never } }),
      '/features/a: expected a finite number, a string of at most 1024 characters, a boolean or null; got an object',
    ],
    [
      'a Date feature (was "got an object")',
      (monitor: Monitor) =>
        monitor.logPrediction({ ...base, features: { signup: new Date(0) as never } }),
      '/features/signup: expected a finite number, a string of at most 1024 characters, a boolean or null; got a Date (getTime() gives its milliseconds)',
    ],
    [
      'a multi-class array prediction',
      (monitor: Monitor) => monitor.logPrediction({ ...base, prediction: [0.1, 0.9] as never }),
      '/prediction: expected a finite number, a string of at most 1024 characters or a boolean; got an array',
    ],
    [
      'a NaN prediction',
      (monitor: Monitor) => monitor.logPrediction({ ...base, prediction: Number.NaN }),
      '/prediction: expected a finite number, a string of at most 1024 characters or a boolean; got NaN',
    ],
    [
      'a bigint feature (its digits, often an account id, are not repeated)',
      (monitor: Monitor) =>
        monitor.logPrediction({ ...base, features: { account: 1234567890123n as never } }),
      '/features/account: expected a finite number, a string of at most 1024 characters, a boolean or null; got a bigint',
    ],
    [
      'a null label',
      (monitor: Monitor) => monitor.logLabel('p-1', null as never),
      '/label: expected a finite number, a string of at most 1024 characters or a boolean; got null',
    ],
  ])('%s', async (_case, log, issue) => {
    const { monitor, diagnostics } = start();
    log(monitor);
    await monitor.flush();
    expect(monitor.stats.dropped.invalid).toBe(1);
    expect(warnings(diagnostics)[0]).toMatch(
      /^driftwatch: dropped an invalid (predictions|labels) item: /,
    );
    expect(warnings(diagnostics)[0]).toContain(`item: ${issue}`);
    expect(warnings(diagnostics)[0]).not.toContain('1234567890123');
  });
});

describe('wire JSON of these samples', () => {
  it('is JSON.stringify of the event (Date time, numeric request id, undefined feature)', async () => {
    const { monitor } = start();
    monitor.logPrediction({
      ...base,
      features: { a: undefined as never, b: -0, c: 1e21, d: '\ud800' },
      score: -0,
      requestId: 7 as never,
      timeUnixMs: new Date(1_700_000_000_000) as never,
    });
    await monitor.flush();
    const [event] = sent(monitor, 'predictions');
    expect(event).toBeDefined();
    expect(predictionJson(event!)).toBe(JSON.stringify(event));
  });
});
