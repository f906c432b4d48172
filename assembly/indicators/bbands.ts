import { ld, st, fillNaN } from "../lib/arena";

// The window's sum and squared deviations are recomputed exactly every RESUM
// bars so the running updates' rounding error cannot accumulate.
const RESUM: i32 = 4096;

/**
 * Bollinger Bands (TA-Lib BBANDS with SMA, TTR BBands): middle = SMA(period),
 * upper/lower = middle ± k * population standard deviation over the same
 * window; NaN for i < period - 1. Not in-place safe.
 */
export function bbands(
  src: usize, dLower: usize, dMiddle: usize, dUpper: usize, n: i32, period: i32, k: f64,
): void {
  if (period > n) {
    fillNaN(dLower, 0, n); fillNaN(dMiddle, 0, n); fillNaN(dUpper, 0, n);
    return;
  }
  fillNaN(dLower, 0, period - 1); fillNaN(dMiddle, 0, period - 1); fillNaN(dUpper, 0, period - 1);
  const inv = 1.0 / <f64>period;
  // sum: the window's sum; m2: its sum of squared deviations from the mean.
  let sum = 0.0, m2 = 0.0, mean = 0.0;
  let next = period - 1;
  for (let i = period - 1; i < n; i++) {
    if (i == next) {
      sum = 0.0;
      for (let j = i - period + 1; j <= i; j++) sum += ld(src, j);
      mean = sum * inv;
      m2 = 0.0;
      for (let j = i - period + 1; j <= i; j++) { const d = ld(src, j) - mean; m2 += d * d; }
      next += RESUM;
    } else {
      // Replacing x_old by x_new moves the mean by (x_new - x_old)/period and
      // the squared deviations by (x_new - x_old)(x_new - mean' + x_old - mean),
      // which stays accurate when the spread is small against the price level.
      const xNew = ld(src, i), xOld = ld(src, i - period);
      sum += xNew - xOld;
      const prevMean = mean;
      mean = sum * inv;
      m2 += (xNew - xOld) * (xNew - mean + xOld - prevMean);
    }
    const width = k * sqrt(max(m2, 0.0) * inv);
    st(dMiddle, i, mean);
    st(dLower, i, mean - width);
    st(dUpper, i, mean + width);
  }
}
