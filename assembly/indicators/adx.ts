import { ld, st, fillNaN } from "../lib/arena";
import { trueRange } from "./atr";

/**
 * Average directional index with +DI and -DI (TA-Lib ADX/PLUS_DI/MINUS_DI,
 * TTR ADX). The directional movements and the true range are Wilder sums:
 * the plain sum of bars 1..period-1, then s = s - s/period + x from bar
 * `period` on (computed as s*(p-1)/p + x). DI = 100 * sum(DM) / sum(TR),
 * defined from bar `period`; ADX is the Wilder average of DX seeded with the
 * mean of the first `period` DX values, defined from bar 2*period - 1.
 * Where the true-range sum is 0 the DIs are 0, and where +DI + -DI is 0 DX
 * is 0 (TA-Lib; TTR yields NaN).
 */
export function adx(
  high: usize, low: usize, close: usize, adxOut: usize, plusOut: usize, minusOut: usize, n: i32, period: i32,
): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (period < 1 || period > 0x20000000) { fillNaN(adxOut, 0, n); fillNaN(plusOut, 0, n); fillNaN(minusOut, 0, n); return; }
  fillNaN(plusOut, 0, min(period, n));
  fillNaN(minusOut, 0, min(period, n));
  fillNaN(adxOut, 0, min(2 * period - 1, n));
  const p = <f64>period;
  // Multiplying by keep = (p-1)/p and inv = 1/p instead of dividing by p keeps
  // divisions off the bar-to-bar dependency chains (equal up to rounding).
  const keep = (p - 1.0) / p, inv = 1.0 / p;
  let sTR = 0.0, sPlus = 0.0, sMinus = 0.0, dxSum = 0.0, a = 0.0;
  for (let i = 1; i < n; i++) {
    const up = ld(high, i) - ld(high, i - 1);
    const down = ld(low, i - 1) - ld(low, i);
    const tr = trueRange(high, low, close, i);
    // Masks instead of branches: which move wins is a coin toss on real data,
    // and mispredicted branches made the kernel about 1.4x slower.
    const plusDM = up * <f64>(<i32>(up > down) & <i32>(up > 0.0));
    const minusDM = down * <f64>(<i32>(down > up) & <i32>(down > 0.0));
    if (i < period) {
      sTR += tr; sPlus += plusDM; sMinus += minusDM;
      continue;
    }
    sTR = sTR * keep + tr;
    sPlus = sPlus * keep + plusDM;
    sMinus = sMinus * keep + minusDM;
    const scale = sTR != 0.0 ? 100.0 / sTR : 0.0;
    const plusDI = sPlus * scale;
    const minusDI = sMinus * scale;
    st(plusOut, i, plusDI);
    st(minusOut, i, minusDI);
    const diSum = plusDI + minusDI;
    const dx = diSum != 0.0 ? 100.0 * abs(plusDI - minusDI) / diSum : 0.0;
    if (i < 2 * period - 1) {
      dxSum += dx;
      continue;
    }
    a = i == 2 * period - 1 ? (dxSum + dx) / p : a * keep + dx * inv;
    st(adxOut, i, a);
  }
}
