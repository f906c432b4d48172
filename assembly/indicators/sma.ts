import { ld, st, fillNaN } from "../lib/arena";

// Exact window sums are recomputed every RESUM bars so the running sum's
// rounding error cannot accumulate over long series.
const RESUM: i32 = 4096;

/** Simple moving average; dst[i] is NaN for i < period - 1. Not in-place safe. */
export function sma(src: usize, dst: usize, n: i32, period: i32): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1) { fillNaN(dst, 0, n); return; }
  if (period > n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, period - 1);
  const inv = 1.0 / <f64>period;
  // Runs of RESUM bars, each from an exact sum; a separate inner loop rather
  // than a resum test inside one loop, which V8 compiled ~3x slower in wma.
  for (let start = period - 1; start < n; start += RESUM) {
    let sum = 0.0;
    for (let j = start - period + 1; j <= start; j++) sum += ld(src, j);
    st(dst, start, sum * inv);
    const end = min(start + RESUM, n);
    for (let i = start + 1; i < end; i++) {
      sum += ld(src, i) - ld(src, i - period);
      st(dst, i, sum * inv);
    }
  }
}
