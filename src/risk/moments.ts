/** Count, mean and central moments (population: divided by n) of the values present. */
export interface Moments {
  n: number;
  mean: number;
  m2: number;
  m3: number;
  m4: number;
}

/** NaN values are skipped. The mean gets R's second, correcting pass. */
export function moments(x: Float64Array): Moments {
  let n = 0;
  let sum = 0;
  for (const v of x) if (v === v) { n++; sum += v; }
  let mean = sum / n;
  let residual = 0;
  for (const v of x) if (v === v) residual += v - mean;
  mean += residual / n;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (const v of x) {
    if (v !== v) continue;
    const d = v - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  return { n, mean, m2: s2 / n, m3: s3 / n, m4: s4 / n };
}

/** Moment skewness m3 / m2^1.5; 0 for a constant series (as PA's modified VaR). */
export function skewnessOf(m: Moments): number {
  return m.m2 === 0 ? 0 : m.m3 / m.m2 ** 1.5;
}

/** Excess kurtosis m4 / m2^2 - 3; 0 for a constant series. */
export function kurtosisOf(m: Moments): number {
  return m.m2 === 0 ? 0 : m.m4 / (m.m2 * m.m2) - 3;
}
