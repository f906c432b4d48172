import { ld, st, fillNaN } from "../lib/arena";

/**
 * Rate of change in percent (TA-Lib ROC): (x[i] / x[i - period] - 1) * 100;
 * NaN for i < period, and NaN where x[i - period] is 0 (TA-Lib writes 0
 * there, which would read as "no change"). Not in-place safe.
 */
export function roc(src: usize, dst: usize, n: i32, period: i32): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1) { fillNaN(dst, 0, n); return; }
  if (period >= n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, period);
  for (let i = period; i < n; i++) {
    const base = ld(src, i - period);
    st(dst, i, base == 0.0 ? NaN : (ld(src, i) / base - 1.0) * 100.0);
  }
}
