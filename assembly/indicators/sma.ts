import { ld, st, fillNaN } from "../lib/arena";

// Exact window sums are recomputed every RESUM bars so the running sum's
// rounding error cannot accumulate over long series.
const RESUM: i32 = 4096;

/** Simple moving average; dst[i] is NaN for i < period - 1. Not in-place safe. */
export function sma(src: usize, dst: usize, n: i32, period: i32): void {
  if (period > n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, period - 1);
  const inv = 1.0 / <f64>period;
  let sum = 0.0;
  for (let i = 0; i < period; i++) sum += ld(src, i);
  st(dst, period - 1, sum * inv);
  let next = period + RESUM;
  for (let i = period; i < n; i++) {
    if (i == next) {
      sum = 0.0;
      for (let j = i - period + 1; j <= i; j++) sum += ld(src, j);
      next += RESUM;
    } else {
      sum += ld(src, i) - ld(src, i - period);
    }
    st(dst, i, sum * inv);
  }
}
