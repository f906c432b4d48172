import { ld, st, fillNaN } from "../lib/arena";

// Exact window sums are recomputed every RESUM bars so the running sums'
// rounding error cannot accumulate over long series.
const RESUM: i32 = 4096;

/**
 * Rolling volume-weighted average price (TTR VWAP, which weights the close):
 * sum(price * volume) / sum(volume) over the last `period` bars. dst[i] is
 * NaN for i < period - 1 and where the window traded no volume.
 */
export function vwap(price: usize, volume: usize, dst: usize, n: i32, period: i32): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1) { fillNaN(dst, 0, n); return; }
  if (period > n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, period - 1);
  // `traded` counts the window's bars with nonzero volume. It is exact, so a
  // window that traded nothing gives NaN even if the running sums keep a
  // rounding residue instead of returning to 0.
  let pv = 0.0, vol = 0.0, traded = 0;
  for (let i = 0; i < period; i++) {
    const v = ld(volume, i);
    pv += ld(price, i) * v;
    vol += v;
    traded += <i32>(v != 0.0);
  }
  st(dst, period - 1, traded > 0 ? pv / vol : NaN);
  let next = period + RESUM;
  for (let i = period; i < n; i++) {
    const v = ld(volume, i), old = ld(volume, i - period);
    traded += <i32>(v != 0.0) - <i32>(old != 0.0);
    if (i == next) {
      pv = 0.0; vol = 0.0;
      for (let j = i - period + 1; j <= i; j++) {
        const w = ld(volume, j);
        pv += ld(price, j) * w;
        vol += w;
      }
      next += RESUM;
    } else {
      pv = (pv - ld(price, i - period) * old) + ld(price, i) * v;
      vol = (vol - old) + v;
    }
    st(dst, i, traded > 0 ? pv / vol : NaN);
  }
}
