import { ld, st, fillNaN } from "../lib/arena";

/**
 * Commodity channel index (TA-Lib CCI, TTR CCI): with typical price
 * tp = (high + low + close) / 3, cci = (tp - SMA(tp)) / (0.015 * mean
 * absolute deviation of tp from that SMA), both over `period` bars; NaN for
 * i < period - 1, and 0 where the deviation is 0 (a flat window), as in
 * TA-Lib. dst may not alias an input.
 */
export function cci(high: usize, low: usize, close: usize, dst: usize, n: i32, period: i32): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1) { fillNaN(dst, 0, n); return; }
  if (period > n) { fillNaN(dst, 0, n); return; }
  // dst first holds the typical prices; walking backwards, each window
  // [i - period + 1, i] is still intact when cci[i] overwrites dst[i].
  for (let i = 0; i < n; i++) st(dst, i, (ld(high, i) + ld(low, i) + ld(close, i)) / 3.0);
  const p = <f64>period;
  for (let i = n - 1; i >= period - 1; i--) {
    const from = i - period + 1;
    let sum = 0.0;
    for (let j = from; j <= i; j++) sum += ld(dst, j);
    const mean = sum / p;
    let dev = 0.0;
    for (let j = from; j <= i; j++) dev += abs(ld(dst, j) - mean);
    const mad = dev / p;
    st(dst, i, mad == 0.0 ? 0.0 : (ld(dst, i) - mean) / (0.015 * mad));
  }
  fillNaN(dst, 0, period - 1);
}
