import { ld, st, fillNaN } from "../lib/arena";

/**
 * Bollinger Bands (TA-Lib BBANDS with SMA, TTR BBands): middle = SMA(period),
 * upper/lower = middle ± k * population standard deviation over the same
 * window; NaN for i < period - 1. Not in-place safe.
 */
export function bbands(
  src: usize, dLower: usize, dMiddle: usize, dUpper: usize, n: i32, period: i32, k: f64,
): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1) { fillNaN(dLower, 0, n); fillNaN(dMiddle, 0, n); fillNaN(dUpper, 0, n); return; }
  if (period > n) {
    fillNaN(dLower, 0, n); fillNaN(dMiddle, 0, n); fillNaN(dUpper, 0, n);
    return;
  }
  fillNaN(dLower, 0, period - 1); fillNaN(dMiddle, 0, period - 1); fillNaN(dUpper, 0, period - 1);
  const inv = 1.0 / <f64>period;
  // Running sums of d = x - c and d^2 around a centre c near the data: the
  // deviations then keep their own precision instead of the price level's,
  // which matters when the spread is tiny against the price (E[x^2] - mean^2
  // in raw prices would lose it all). Every `period` bars the sums are
  // recomputed exactly around the window's mean, so rounding cannot
  // accumulate and c never drifts further from the data than one window
  // moves; that costs about three extra flops a bar.
  for (let start = period - 1; start < n; start += period) {
    let c = 0.0;
    for (let j = start - period + 1; j <= start; j++) c += ld(src, j);
    c *= inv;
    let s1 = 0.0, s2 = 0.0;
    for (let j = start - period + 1; j <= start; j++) {
      const d = ld(src, j) - c;
      s1 += d;
      s2 += d * d;
    }
    store(dLower, dMiddle, dUpper, start, c, s1 * inv, s2 * inv, k);
    const end = min(start + period, n);
    for (let i = start + 1; i < end; i++) {
      const dNew = ld(src, i) - c, dOld = ld(src, i - period) - c;
      s1 += dNew - dOld;
      s2 += dNew * dNew - dOld * dOld;
      store(dLower, dMiddle, dUpper, i, c, s1 * inv, s2 * inv, k);
    }
  }
}

/** Writes the bands at bar i from the centre c and the means of d and d^2. */
// @ts-ignore: decorator
@inline function store(
  dLower: usize, dMiddle: usize, dUpper: usize, i: i32, c: f64, meanD: f64, meanD2: f64, k: f64,
): void {
  const mean = c + meanD;
  const width = k * sqrt(max(meanD2 - meanD * meanD, 0.0));
  st(dMiddle, i, mean);
  st(dLower, i, mean - width);
  st(dUpper, i, mean + width);
}
