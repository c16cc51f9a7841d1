/** One column of a drift comparison, with its sorted values and category counts computed once. */
import { StatsError, StatsErrorCodes } from '../errors.js';
import { NeumaierSum } from '../special/neumaier-sum.js';
import { sortFloat64 } from '../sort-float64.js';
import { assertFinite, assertMinLength } from '../validate-input.js';

export type ColumnType = 'numeric' | 'categorical';
/** A categorical value: category labels may be strings, numbers or booleans. */
export type CategoryValue = string | number | boolean;
export type ColumnValues = ArrayLike<number> | ArrayLike<CategoryValue>;

export class ColumnData {
  readonly length: number;
  private sortedCache: Float64Array | undefined;
  private countsCache: Map<CategoryValue, number> | undefined;
  private uniqueCache: number | undefined;

  constructor(
    readonly values: ColumnValues,
    readonly type: ColumnType,
    readonly name: string,
  ) {
    assertMinLength(values, name);
    this.length = values.length;
    if (type === 'numeric') assertFinite(values as ArrayLike<number>, name);
    else checkCategories(values, name);
  }

  /** Ascending numeric values (numeric columns only). */
  sorted(): Float64Array {
    if (!this.sortedCache) {
      const v = this.values;
      this.sortedCache = sortFloat64(
        v instanceof Float64Array ? v.slice() : Float64Array.from(v as ArrayLike<number>),
      );
    }
    return this.sortedCache;
  }

  /** Occurrences of each distinct value, in first-seen order. */
  counts(): Map<CategoryValue, number> {
    if (!this.countsCache) {
      const counts = new Map<CategoryValue, number>();
      if (this.type === 'numeric') {
        const s = this.sorted();
        for (let i = 0; i < s.length;) {
          const v = s[i] as number;
          let j = i + 1;
          while (j < s.length && s[j] === v) j++;
          counts.set(v, j - i);
          i = j;
        }
      } else {
        // One Map lookup per row (not get + set): the Map holds each category's slot in `tally`.
        const vals = this.values as ArrayLike<CategoryValue>;
        const slots = new Map<CategoryValue, number>();
        let tally = new Float64Array(16);
        for (let i = 0; i < vals.length; i++) {
          const v = vals[i] as CategoryValue;
          let slot = slots.get(v);
          if (slot === undefined) {
            slot = slots.size;
            slots.set(v, slot);
            if (slot === tally.length) {
              const grown = new Float64Array(2 * slot);
              grown.set(tally);
              tally = grown;
            }
          }
          tally[slot] = (tally[slot] as number) + 1;
        }
        for (const [v, slot] of slots) counts.set(v, tally[slot] as number);
      }
      this.countsCache = counts;
    }
    return this.countsCache;
  }

  /** Number of distinct values. */
  unique(): number {
    if (this.uniqueCache === undefined) {
      if (this.type === 'numeric' && !this.countsCache) {
        const s = this.sorted();
        let u = 0;
        for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) u++;
        this.uniqueCache = u;
      } else {
        this.uniqueCache = this.counts().size;
      }
    }
    return this.uniqueCache;
  }

  /** Population standard deviation (numpy's np.std, ddof = 0). */
  populationStd(): number {
    const v = this.values as ArrayLike<number>;
    const sum = new NeumaierSum();
    for (let i = 0; i < v.length; i++) sum.add(v[i] as number);
    const mean = sum.value() / v.length;
    const sq = new NeumaierSum();
    for (let i = 0; i < v.length; i++) {
      const d = (v[i] as number) - mean;
      sq.add(d * d);
    }
    return Math.sqrt(sq.value() / v.length);
  }
}

function checkCategories(values: ColumnValues, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = typeof v;
    const ok = t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(v));
    if (!ok) {
      throw new StatsError(
        StatsErrorCodes.NON_FINITE,
        `${name}[${i}] must be a string, boolean or finite number, got ${String(v)}`,
        { argument: name, index: i, value: String(v) },
      );
    }
  }
}

/**
 * Distinct values of the union of two columns (numeric: merge of the sorted arrays), counted up
 * to `limit`: past it the count stops and `limit + 1` is returned.
 */
export function unionUnique(a: ColumnData, b: ColumnData, limit = Infinity): number {
  if (a.type === 'numeric' && b.type === 'numeric') {
    const x = a.sorted();
    const y = b.sorted();
    let i = 0;
    let j = 0;
    let u = 0;
    while (i < x.length || j < y.length) {
      const v =
        i < x.length && (j >= y.length || (x[i] as number) <= (y[j] as number)) ? x[i] : y[j];
      while (i < x.length && x[i] === v) i++;
      while (j < y.length && y[j] === v) j++;
      if (++u > limit) return u;
    }
    return u;
  }
  const keys = new Set<CategoryValue>(a.counts().keys());
  for (const k of b.counts().keys()) keys.add(k);
  return Math.min(keys.size, limit + 1);
}

/** Keys of both columns (reference first-seen order, then new current keys). */
export function unionKeys(a: ColumnData, b: ColumnData): CategoryValue[] {
  const keys = new Set<CategoryValue>(a.counts().keys());
  for (const k of b.counts().keys()) keys.add(k);
  return [...keys];
}
