/** Pseudo-inverse and rank of a small symmetric matrix through a Jacobi eigendecomposition. */

const MAX_SWEEPS = 100;
const EPSILON = 2.220446049250313e-16;
/** numpy.linalg.pinv's default relative cutoff on singular values. */
const PINV_RCOND = 1e-15;

/** Eigenvalues and eigenvectors (columns of `vectors`, row-major n×n) of a symmetric matrix. */
function jacobiEigen(
  matrix: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const at = (r: number, c: number): number => a[r * n + c] as number;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += at(p, q) ** 2;
    if (off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(p, q);
        if (apq === 0) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = at(k, p);
          const akq = at(k, q);
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = at(i, i);
  return { values, vectors: v };
}

/**
 * Moore–Penrose pseudo-inverse of a symmetric n×n matrix (row-major) with numpy.linalg.pinv's
 * cutoff, and the rank numpy.linalg.matrix_rank reports for that pseudo-inverse. When the caller
 * knows the exact matrix has rank at most `maxRank`, only the `maxRank` eigenvalues largest in
 * magnitude are inverted: the others are rounding noise, which can land on either side of the
 * cutoff (numpy's own noise stays below it in the cases it answers reproducibly).
 */
export function symmetricPseudoInverse(
  matrix: Float64Array,
  n: number,
  maxRank = n,
): { inverse: Float64Array; rank: number } {
  const { values, vectors } = jacobiEigen(matrix, n);
  let largest = 0;
  for (const x of values) largest = Math.max(largest, Math.abs(x));
  const byMagnitude = Array.from(values.keys()).sort(
    (i, j) => Math.abs(values[j] as number) - Math.abs(values[i] as number),
  );
  const kept = new Set(byMagnitude.slice(0, Math.max(0, maxRank)));
  const inverted = new Float64Array(n);
  let largestInverted = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    if (kept.has(i) && Math.abs(x) > PINV_RCOND * largest) {
      inverted[i] = 1 / x;
      largestInverted = Math.max(largestInverted, Math.abs(1 / x));
    }
  }
  const inverse = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let k = 0; k < n; k++)
        s +=
          (vectors[r * n + k] as number) * (inverted[k] as number) * (vectors[c * n + k] as number);
      inverse[r * n + c] = s;
    }
  }
  const tolerance = largestInverted * n * EPSILON;
  let rank = 0;
  for (const x of inverted) if (Math.abs(x) > tolerance) rank++;
  return { inverse, rank };
}
