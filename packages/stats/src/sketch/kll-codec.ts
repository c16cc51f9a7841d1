/** Binary format of KllSketch (version 1), with validation of everything read back. */
import { ByteReader, ByteWriter } from './byte-codec.js';
import { KLL_MAX_K, KLL_MIN_K } from './options.js';

/** Everything a KLL sketch holds; levels are exact-length copies (level h has weight 2^h). */
export interface KllData {
  k: number;
  rngState: number;
  n: number;
  min: number;
  max: number;
  mean: number;
  m2: number;
  levels: Float64Array[];
  compactions: number[];
}

const MAGIC = 'DWKL';
const VERSION = 1;
const MAX_LEVELS = 60;

export function encodeKll(data: KllData): Uint8Array {
  let retained = 0;
  for (const level of data.levels) retained += level.length;
  const writer = new ByteWriter(64 + data.levels.length * 12 + retained * 8);
  for (let i = 0; i < MAGIC.length; i++) writer.u8(MAGIC.charCodeAt(i));
  writer.u8(VERSION);
  writer.u32(data.k);
  writer.u32(data.rngState);
  writer.f64(data.n);
  writer.f64(data.min);
  writer.f64(data.max);
  writer.f64(data.mean);
  writer.f64(data.m2);
  writer.u8(data.levels.length);
  for (let h = 0; h < data.levels.length; h++) {
    writer.u32((data.levels[h] as Float64Array).length);
    writer.f64(data.compactions[h] ?? 0);
  }
  for (const level of data.levels) writer.f64Array(level);
  return writer.finish();
}

export function decodeKll(bytes: Uint8Array): KllData {
  const reader = new ByteReader(bytes, MAGIC, 'KllSketch');
  const version = reader.u8();
  if (version !== VERSION) reader.fail(`unsupported version ${version}`, { version });
  const k = reader.u32();
  if (k < KLL_MIN_K || k > KLL_MAX_K) reader.fail(`k=${k} out of range`, { k });
  const rngState = reader.u32();
  const n = reader.f64();
  if (!Number.isSafeInteger(n) || n < 0) reader.fail(`count ${n} is not a count`, { n });
  const min = reader.f64();
  const max = reader.f64();
  const mean = reader.f64();
  const m2 = reader.f64();
  const numLevels = reader.u8();
  if (numLevels < 1 || numLevels > MAX_LEVELS) reader.fail(`${numLevels} levels`);
  const sizes: number[] = [];
  const compactions: number[] = [];
  for (let h = 0; h < numLevels; h++) {
    sizes.push(reader.u32());
    const c = reader.f64();
    if (!Number.isSafeInteger(c) || c < 0) reader.fail(`level ${h} compaction count ${c}`);
    compactions.push(c);
  }
  let weight = 0;
  const levels: Float64Array[] = [];
  for (let h = 0; h < numLevels; h++) {
    const level = reader.f64Array(sizes[h] as number);
    for (const x of level) {
      if (!(x >= min && x <= max)) reader.fail(`level ${h} holds ${x} outside [min, max]`);
    }
    weight += level.length * 2 ** h;
    levels.push(level);
  }
  reader.end();
  if (weight !== n) reader.fail(`retained weight ${weight} differs from count ${n}`);
  if (n === 0) {
    if (min !== Infinity || max !== -Infinity) reader.fail('empty sketch with a min/max');
  } else if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) {
    reader.fail(`bad min/max ${min}/${max}`);
  }
  if (!Number.isFinite(mean) || !Number.isFinite(m2) || m2 < 0) reader.fail('bad moments');
  return { k, rngState, n, min, max, mean, m2, levels, compactions };
}
