import { describe, it } from 'vitest';
import { andersonDarlingKsamp } from '../../src/two-sample/anderson-ksamp.js';
import { energyDistance, wassersteinDistance } from '../../src/two-sample/cdf-distance.js';
import { cramerVonMises2samp } from '../../src/two-sample/cramer-von-mises.js';
import { eppsSingleton } from '../../src/two-sample/epps-singleton.js';
import { ks2samp } from '../../src/two-sample/ks-2samp.js';
import { mannWhitneyU } from '../../src/two-sample/mann-whitney.js';
import { welchTTest } from '../../src/two-sample/welch-t-test.js';
import { casesFor, expectClose, P_VALUE_RTOL, samplePair, STATISTIC_RTOL } from './fixture-data.js';

type Run = (
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options?: never,
) => { statistic: number; pValue: number; df?: number };

const tests: Record<string, Run> = {
  ks2samp,
  cramerVonMises2samp,
  andersonDarlingKsamp: (a, b) => andersonDarlingKsamp([a, b]),
  mannWhitneyU: (a, b, options) => mannWhitneyU(a, b, options),
  welchTTest,
  eppsSingleton,
};

for (const [fn, run] of Object.entries(tests)) {
  describe(`${fn} equals scipy`, () => {
    it.each(casesFor(fn))('%s', (_, c) => {
      const [a, b] = samplePair(c.sample);
      const result = run(a, b, c.options as never);
      expectClose(result.statistic, c.statistic as number, STATISTIC_RTOL);
      expectClose(result.pValue, c.pValue as number, P_VALUE_RTOL);
      if (c.df !== undefined) expectClose(result.df as number, c.df, STATISTIC_RTOL);
    });
  });
}

const distances: Record<string, (a: ArrayLike<number>, b: ArrayLike<number>) => number> = {
  wassersteinDistance,
  energyDistance,
};

for (const [fn, run] of Object.entries(distances)) {
  describe(`${fn} equals scipy`, () => {
    it.each(casesFor(fn))('%s', (_, c) => {
      const [a, b] = samplePair(c.sample);
      expectClose(run(a, b), c.value as number, STATISTIC_RTOL);
    });
  });
}
