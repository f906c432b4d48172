import { ld, st } from "../lib/arena";

/**
 * On-balance volume (TA-Lib OBV, TTR OBV): starts at the first bar's volume,
 * then adds the volume on an up close, subtracts it on a down close and
 * keeps the total on an unchanged close.
 */
export function obv(close: usize, volume: usize, dst: usize, n: i32): void {
  if (n <= 0) return;
  let total = ld(volume, 0);
  st(dst, 0, total);
  for (let i = 1; i < n; i++) {
    const c = ld(close, i), prev = ld(close, i - 1);
    // The sign of the move as -1, 0 or 1 without a branch: up and down closes
    // come in no predictable order, and mispredicted branches cost about 2x.
    total += (<f64>(c > prev) - <f64>(c < prev)) * ld(volume, i);
    st(dst, i, total);
  }
}
