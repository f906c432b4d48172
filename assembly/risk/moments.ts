import { ld } from "../lib/arena";

// Count, mean and population central moments of the non-NaN values of a
// series (twin: src/risk/moments.ts). Results are left in these globals so
// that no call allocates.
export let count: i32 = 0;
export let mean: f64 = 0;
export let m2: f64 = 0;
export let m3: f64 = 0;
export let m4: f64 = 0;

export function computeMoments(src: usize, n: i32): void {
  let c: i32 = 0;
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    const v = ld(src, i);
    if (!isNaN(v)) { c++; sum += v; }
  }
  let mu = sum / <f64>c;
  let residual = 0.0;
  for (let i = 0; i < n; i++) {
    const v = ld(src, i);
    if (!isNaN(v)) residual += v - mu;
  }
  mu += residual / <f64>c;
  let s2 = 0.0;
  let s3 = 0.0;
  let s4 = 0.0;
  for (let i = 0; i < n; i++) {
    const v = ld(src, i);
    if (isNaN(v)) continue;
    const d = v - mu;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  count = c;
  mean = mu;
  m2 = s2 / <f64>c;
  m3 = s3 / <f64>c;
  m4 = s4 / <f64>c;
}

/** Moment skewness of the last computeMoments; 0 for a constant series. */
export function skewness(): f64 {
  return m2 == 0 ? 0 : m3 / Math.pow(m2, 1.5);
}

/** Excess kurtosis of the last computeMoments; 0 for a constant series. */
export function kurtosis(): f64 {
  return m2 == 0 ? 0 : m4 / (m2 * m2) - 3.0;
}
