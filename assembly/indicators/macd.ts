import { ld, st, fillNaN } from "../lib/arena";
import { smooth } from "./ema";

/**
 * MACD as TA-Lib computes it (not percent): both EMAs start at index
 * slow - 1, the slow one seeded with the SMA of values [0, slow) and the fast
 * one with the SMA of values [slow - fast, slow), so macd[i] is defined from
 * slow - 1. The signal is an EMA of the MACD line seeded with its SMA, defined
 * (with hist = macd - signal) from slow + signal - 2. Needs fast < slow.
 * Outputs are NaN where undefined. Not in-place safe.
 */
export function macd(
  src: usize, dMacd: usize, dSignal: usize, dHist: usize,
  n: i32, fast: i32, slow: i32, signal: i32,
): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (fast < 1 || slow <= fast || signal < 1) { fillNaN(dMacd, 0, n); fillNaN(dSignal, 0, n); fillNaN(dHist, 0, n); return; }
  const first = slow - 1;
  if (first >= n) {
    fillNaN(dMacd, 0, n); fillNaN(dSignal, 0, n); fillNaN(dHist, 0, n);
    return;
  }
  // The fast EMA goes to dHist as scratch: run over the values from
  // slow - fast on, it seeds exactly at index slow - 1.
  const skip = slow - fast;
  smooth(src + (<usize>skip << 3), dHist + (<usize>skip << 3), n - skip, fast, 2.0 / (<f64>fast + 1.0));
  smooth(src, dMacd, n, slow, 2.0 / (<f64>slow + 1.0));
  for (let i = first; i < n; i++) st(dMacd, i, ld(dHist, i) - ld(dMacd, i));
  fillNaN(dSignal, 0, first);
  smooth(dMacd + (<usize>first << 3), dSignal + (<usize>first << 3), n - first, signal, 2.0 / (<f64>signal + 1.0));
  for (let i = 0; i < n; i++) st(dHist, i, ld(dMacd, i) - ld(dSignal, i));
}
