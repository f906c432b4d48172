import { ld, st, fillNaN } from "../lib/arena";

// Exact window sums are recomputed every RESUM bars so the running sums'
// rounding error cannot accumulate over long series (as in sma). The weighted
// sum drifts faster than a plain one: 256 bars keep it within about 3e-13 of
// the direct sum (4096 allowed 1e-11) for about 2*period/256 extra flops a bar.
const RESUM: i32 = 256;

/**
 * Weighted moving average (TA-Lib WMA, TTR WMA): weights 1..period, the
 * newest value weighted most; dst[i] is NaN for i < period - 1.
 * Not in-place safe.
 */
export function wma(src: usize, dst: usize, n: i32, period: i32): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1) { fillNaN(dst, 0, n); return; }
  if (period > n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, period - 1);
  const p = <f64>period;
  const inv = 2.0 / (p * (p + 1.0));
  // Running window sum `s` and weighted numerator `num`. Sliding one bar:
  // every weight drops by one (num -= s), the new value enters with weight p.
  // Each run of RESUM bars starts from exact sums.
  for (let start = period - 1; start < n; start += RESUM) {
    let s = 0.0, num = 0.0;
    for (let j = 0; j < period; j++) {
      const x = ld(src, start - period + 1 + j);
      s += x;
      num += <f64>(j + 1) * x;
    }
    st(dst, start, num * inv);
    const end = min(start + RESUM, n);
    for (let i = start + 1; i < end; i++) {
      const x = ld(src, i);
      num += p * x - s;
      s += x - ld(src, i - period);
      st(dst, i, num * inv);
    }
  }
}
