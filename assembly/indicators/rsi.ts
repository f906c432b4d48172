import { ld, st, fillNaN } from "../lib/arena";

/**
 * Relative strength index (TA-Lib RSI, TTR RSI): Wilder smoothing (alpha =
 * 1/period) of gains and losses, seeded with their simple means over the
 * first `period` changes, so the first value is at index period; dst[i] is
 * NaN before that. Where gains and losses are both zero it is 0, as in
 * TA-Lib. Not in-place safe.
 */
export function rsi(src: usize, dst: usize, n: i32, period: i32): void {
  if (period >= n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, period);
  let g = 0.0, l = 0.0;
  for (let i = 1; i <= period; i++) {
    const d = ld(src, i) - ld(src, i - 1);
    g += max(d, 0.0);
    l += max(-d, 0.0);
  }
  g /= <f64>period;
  l /= <f64>period;
  st(dst, period, ratio(g, l));
  const a = 1.0 / <f64>period;
  const b = 1.0 - a;
  for (let i = period + 1; i < n; i++) {
    const d = ld(src, i) - ld(src, i - 1);
    g = a * max(d, 0.0) + b * g;
    l = a * max(-d, 0.0) + b * l;
    st(dst, i, ratio(g, l));
  }
}

// @ts-ignore: decorator
@inline function ratio(g: f64, l: f64): f64 {
  const s = g + l;
  return s == 0.0 ? 0.0 : 100.0 * g / s;
}
