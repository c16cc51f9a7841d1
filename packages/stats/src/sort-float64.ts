/** Ascending sort of finite float64 values: LSD radix sort for large inputs, native sort for small ones. */

/** Below this length the native typed-array sort is faster than six counting passes. */
const RADIX_MIN_LENGTH = 4096;
const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;
const PASSES = 6;

/**
 * The second buffer of the last large sort, kept while nothing else needs the memory: sorting
 * several large columns in a row then allocates no new 8-bytes-per-value scratch each time,
 * which spares V8 a full garbage collection per column (ArrayBuffers count as external memory).
 */
let scratchRef: WeakRef<Float64Array> | undefined;

function scratchFor(n: number): Float64Array {
  const cached = scratchRef?.deref();
  if (cached && cached.length >= n) return cached.length === n ? cached : cached.subarray(0, n);
  const fresh = new Float64Array(n);
  scratchRef = new WeakRef(fresh);
  return fresh;
}

function increment(counts: Int32Array, index: number): void {
  counts[index] = (counts[index] as number) + 1;
}

/**
 * Sorts `values` (finite numbers, no NaN) in place, ascending, −0 before +0 like
 * `Float64Array.prototype.sort`, and returns it. For a million values this is about three
 * times faster than the native sort: six 11-bit counting passes over the raw IEEE-754 bits,
 * with all histograms built in one read, passes skipped when a digit is constant, and a final
 * fix-up that puts the negative numbers (ordered by magnitude) first in reverse.
 */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_MIN_LENGTH) return values.sort();
  let src: Float64Array = values;
  let dst: Float64Array = scratchFor(n);
  let srcBits: Uint32Array = new Uint32Array(src.buffer, src.byteOffset, 2 * n);
  let dstBits: Uint32Array = new Uint32Array(dst.buffer, dst.byteOffset, 2 * n);
  const counts = new Int32Array(PASSES * BUCKETS);
  for (let i = 0; i < n; i++) {
    const lo = srcBits[2 * i] as number;
    const hi = srcBits[2 * i + 1] as number;
    increment(counts, lo & DIGIT_MASK);
    increment(counts, BUCKETS + ((lo >>> 11) & DIGIT_MASK));
    increment(counts, 2 * BUCKETS + (lo >>> 22));
    increment(counts, 3 * BUCKETS + (hi & DIGIT_MASK));
    increment(counts, 4 * BUCKETS + ((hi >>> 11) & DIGIT_MASK));
    increment(counts, 5 * BUCKETS + (hi >>> 22));
  }
  for (let pass = 0; pass < PASSES; pass++) {
    const offset = pass * BUCKETS;
    let start = 0;
    let constant = false;
    for (let k = 0; k < BUCKETS; k++) {
      const c = counts[offset + k] as number;
      if (c === n) constant = true;
      counts[offset + k] = start;
      start += c;
    }
    if (constant) continue;
    const word = pass < 3 ? 0 : 1;
    const shift = (pass % 3) * DIGIT_BITS;
    for (let i = 0; i < n; i++) {
      const digit = ((srcBits[2 * i + word] as number) >>> shift) & DIGIT_MASK;
      const at = counts[offset + digit] as number;
      counts[offset + digit] = at + 1;
      dst[at] = src[i] as number;
    }
    [src, dst] = [dst, src];
    [srcBits, dstBits] = [dstBits, srcBits];
  }
  // Unsigned bit order puts non-negative numbers first (ascending), then negative ones by
  // increasing magnitude: reverse that tail to the front.
  let firstNegative = 0;
  while (firstNegative < n && ((srcBits[2 * firstNegative + 1] as number) & 0x80000000) === 0) {
    firstNegative++;
  }
  const negatives = n - firstNegative;
  if (negatives > 0) {
    for (let i = 0; i < negatives; i++) dst[i] = src[n - 1 - i] as number;
    dst.set(src.subarray(0, firstNegative), negatives);
    [src, dst] = [dst, src];
  }
  if (src !== values) values.set(src);
  return values;
}
