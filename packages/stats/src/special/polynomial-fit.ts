/** Least-squares polynomial fit and evaluation (numpy.polyfit / numpy.polyval for small inputs). */

/**
 * Coefficients (highest power first) of the degree-`degree` polynomial that fits (x, y) in the
 * least-squares sense. Like numpy, the Vandermonde columns are scaled to unit norm first; the
 * system is then solved by Householder QR, which is as accurate as numpy's SVD solve here.
 */
export function polynomialFit(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  degree: number,
): number[] {
  const rows = x.length;
  const cols = degree + 1;
  const a: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < cols; c++) row.push((x[r] as number) ** (degree - c));
    a.push(row);
  }
  const scale: number[] = [];
  for (let c = 0; c < cols; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += (a[r]?.[c] as number) ** 2;
    scale.push(Math.sqrt(s));
    for (let r = 0; r < rows; r++) (a[r] as number[])[c] = (a[r]?.[c] as number) / Math.sqrt(s);
  }
  const b = Array.from({ length: rows }, (_, r) => y[r] as number);
  const at = (r: number, c: number): number => a[r]?.[c] as number;
  for (let c = 0; c < cols; c++) {
    let norm = 0;
    for (let r = c; r < rows; r++) norm += at(r, c) ** 2;
    norm = Math.sqrt(norm);
    const alpha = at(c, c) > 0 ? -norm : norm;
    const v: number[] = [];
    for (let r = c; r < rows; r++) v.push(at(r, c) - (r === c ? alpha : 0));
    let vv = 0;
    for (const vi of v) vv += vi * vi;
    if (vv === 0) continue;
    for (let k = c; k < cols; k++) {
      let dot = 0;
      for (let r = c; r < rows; r++) dot += (v[r - c] as number) * at(r, k);
      const f = (2 * dot) / vv;
      for (let r = c; r < rows; r++) (a[r] as number[])[k] = at(r, k) - f * (v[r - c] as number);
    }
    let dot = 0;
    for (let r = c; r < rows; r++) dot += (v[r - c] as number) * (b[r] as number);
    const f = (2 * dot) / vv;
    for (let r = c; r < rows; r++) b[r] = (b[r] as number) - f * (v[r - c] as number);
  }
  const coef = new Array<number>(cols).fill(0);
  for (let c = cols - 1; c >= 0; c--) {
    let s = b[c] as number;
    for (let k = c + 1; k < cols; k++) s -= at(c, k) * (coef[k] as number);
    coef[c] = s / at(c, c);
  }
  return coef.map((v, c) => v / (scale[c] as number));
}

/** p(x) by Horner's rule, coefficients highest power first (numpy.polyval). */
export function polynomialValue(coefficients: readonly number[], x: number): number {
  let y = 0;
  for (const c of coefficients) y = y * x + c;
  return y;
}
