import { ld, st, fillNaN } from "../lib/arena";

/** True range of bar i >= 1: its high-low range stretched to reach the previous close. */
// @ts-ignore: decorator
@inline export function trueRange(high: usize, low: usize, close: usize, i: i32): f64 {
  const prev = ld(close, i - 1);
  return max(ld(high, i), prev) - min(ld(low, i), prev);
}

/**
 * Average true range (TA-Lib ATR, TTR ATR): Wilder smoothing of the true
 * range, seeded at bar `period` with the mean of the true ranges of bars
 * 1..period (bar 0 has no previous close). dst[i] is NaN for i < period.
 */
export function atr(high: usize, low: usize, close: usize, dst: usize, n: i32, period: i32): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1) { fillNaN(dst, 0, n); return; }
  if (period >= n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, period);
  const p = <f64>period;
  let sum = 0.0;
  for (let i = 1; i <= period; i++) sum += trueRange(high, low, close, i);
  let a = sum / p;
  st(dst, period, a);
  // a*keep + tr*inv equals TA-Lib's (a*(p-1) + tr)/p up to rounding (2e-15 relative on
  // random walks), but leaves only a multiply-add on the bar-to-bar dependency chain
  // instead of a division: about 4x faster.
  const keep = (p - 1.0) / p, inv = 1.0 / p;
  for (let i = period + 1; i < n; i++) {
    a = a * keep + trueRange(high, low, close, i) * inv;
    st(dst, i, a);
  }
}
