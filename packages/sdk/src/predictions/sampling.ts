/**
 * Prediction sampling decided by the prediction id, not by chance: the same id gets the same
 * answer in every process, so the label of a prediction that was sampled out (logged later,
 * perhaps by another service) is left out too, and sampled-in predictions keep their labels.
 */

/**
 * FNV-1a over the id's UTF-16 units, then MurmurHash3's 32-bit finalizer, mapped to [0, 1).
 * FNV-1a alone barely moves its top bits (the ones compared with the ratio) for the last
 * character: sequential ids (database ids, counters) were kept or dropped in long runs, so
 * whole stretches of time had no samples at a ratio of 0.1, others six times too many.
 */
function unitHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

/** Whether the prediction `predictionId` is kept at sampling `ratio` (0 to 1). */
export function sampledIn(predictionId: string, ratio: number): boolean {
  if (ratio >= 1) return true;
  if (!(ratio > 0)) return false;
  return unitHash(predictionId) < ratio;
}
