import { ld, st, fillNaN } from "../lib/arena";

/**
 * Exponential moving average (TA-Lib EMA, TTR EMA): alpha = 2 / (period + 1),
 * seeded at index period - 1 with the SMA of the first `period` values;
 * dst[i] is NaN before that. Not in-place safe.
 */
export function ema(src: usize, dst: usize, n: i32, period: i32): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1) { fillNaN(dst, 0, n); return; }
  smooth(src, dst, n, period, 2.0 / (<f64>period + 1.0));
}

/**
 * e[i] = a*x[i] + (1-a)*e[i-1], seeded at period - 1 with the mean of the
 * first `period` values. Shared by EMA (a = 2/(p+1)) and MACD.
 */
export function smooth(src: usize, dst: usize, n: i32, period: i32, a: f64): void {
  if (period > n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, period - 1);
  let sum = 0.0;
  for (let i = 0; i < period; i++) sum += ld(src, i);
  let e = sum / <f64>period;
  st(dst, period - 1, e);
  const b = 1.0 - a;
  const b2 = b * b, b3 = b2 * b, b4 = b3 * b;
  let i = period;
  // Four bars per step. The partial sums u1..u4 do not depend on earlier
  // averages, so only `u4 + b^4*e` waits on the previous step: the serial
  // chain is one multiply-add per four bars instead of one per bar.
  for (; i + 4 <= n; i += 4) {
    const u1 = a * ld(src, i);
    const u2 = a * ld(src, i + 1) + b * u1;
    const u3 = a * ld(src, i + 2) + b * u2;
    const u4 = a * ld(src, i + 3) + b * u3;
    st(dst, i, u1 + b * e);
    st(dst, i + 1, u2 + b2 * e);
    st(dst, i + 2, u3 + b3 * e);
    e = u4 + b4 * e;
    st(dst, i + 3, e);
  }
  for (; i < n; i++) {
    e = a * ld(src, i) + b * e;
    st(dst, i, e);
  }
}
