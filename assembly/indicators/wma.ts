import { ld, st, fillNaN } from "../lib/arena";

// Exact window sums are recomputed every RESUM bars so the running sums'
// rounding error cannot accumulate over long series (as in sma).
const RESUM: i32 = 1024;

/**
 * Weighted moving average (TA-Lib WMA, TTR WMA): weights 1..period, the
 * newest value weighted most; dst[i] is NaN for i < period - 1.
 * Not in-place safe.
 */
export function wma(src: usize, dst: usize, n: i32, period: i32): void {
  if (period > n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, period - 1);
  const p = <f64>period;
  const inv = 2.0 / (p * (p + 1.0));
  // Running window sum `s` and weighted numerator `num`. Sliding one bar:
  // every weight drops by one (num -= s), the new value enters with weight p.
  let s = 0.0, num = 0.0;
  let next = period - 1;
  for (let i = period - 1; i < n; i++) {
    if (i == next) {
      s = 0.0; num = 0.0;
      for (let j = 0; j < period; j++) {
        const x = ld(src, i - period + 1 + j);
        s += x;
        num += <f64>(j + 1) * x;
      }
      next += RESUM;
    } else {
      const x = ld(src, i);
      num += p * x - s;
      s += x - ld(src, i - period);
    }
    st(dst, i, num * inv);
  }
}
