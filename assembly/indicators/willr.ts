import { ld, st, fillNaN } from "../lib/arena";
import { highestLowest } from "./stoch";

/**
 * Williams %R on TA-Lib's -100..0 scale (TA-Lib WILLR):
 * -100 * (highest high - close) / (highest high - lowest low) over `period`
 * bars, 0 when that range is 0 (TA-Lib; TTR uses 0.5 on its scale). TTR's WPR
 * is the same ratio without the factor: WILLR = -100 * WPR. dst[i] is NaN
 * for i < period - 1. `highest` is scratch of n values; `scratch` needs 8n bytes.
 */
export function willr(
  high: usize, low: usize, close: usize, dst: usize, highest: usize, scratch: usize, n: i32, period: i32,
): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1) { fillNaN(dst, 0, n); return; }
  highestLowest(high, low, highest, dst, scratch, n, period);
  const from = min(period - 1, n);
  fillNaN(dst, 0, from);
  for (let i = from; i < n; i++) {
    const hh = ld(highest, i), ll = ld(dst, i);
    st(dst, i, hh != ll ? -100.0 * (hh - ld(close, i)) / (hh - ll) : 0.0);
  }
}
