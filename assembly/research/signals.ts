import { ld } from "../lib/arena";

// The strategies' decisions over a whole series, from their indicator series:
// one byte per bar, 0 = no signal, 1 = long, 2 = short, 3 = flat. The state
// machines are those of src/strategies (momentum.ts, mean-reversion.ts).

const NONE: u8 = 0, LONG: u8 = 1, SHORT: u8 = 2, FLAT: u8 = 3;

/**
 * Momentum: long while fast > slow (entered only with RSI below rsiMax), flat
 * or short while fast < slow (short entered only with RSI above
 * 100 - rsiMax). Decisions start at bar `start` (slow SMA and RSI defined).
 */
export function momentumSignals(fast: usize, slow: usize, rsi: usize, out: usize, n: i32, start: i32, rsiMax: f64, allowShort: bool): void {
  let state = FLAT;
  const shortAbove = 100.0 - rsiMax;
  for (let i = 0; i < n; i++) {
    let want = NONE;
    if (i >= start) {
      const f = ld(fast, i), s = ld(slow, i), r = ld(rsi, i);
      if (f > s) want = state == LONG || r < rsiMax ? LONG : state == SHORT ? FLAT : NONE;
      else if (f < s) {
        if (!allowShort) want = FLAT;
        else want = state == SHORT || r > shortAbove ? SHORT : state == LONG ? FLAT : NONE;
      }
      if (want == state) want = NONE;
      if (want != NONE) state = want;
    }
    store<u8>(out + <usize>i, want);
  }
}

/**
 * Mean reversion: z = (close - middle) / width. Long below -entryZ (short
 * above +entryZ if allowed), out once z is back past -exitZ (+exitZ).
 */
export function meanReversionSignals(close: usize, middle: usize, width: usize, out: usize, n: i32, start: i32, entryZ: f64, exitZ: f64, allowShort: bool): void {
  let state = FLAT;
  for (let i = 0; i < n; i++) {
    let want = NONE;
    const sd = ld(width, i);
    if (i >= start && sd > 0.0) {
      const z = (ld(close, i) - ld(middle, i)) / sd;
      if (state == LONG) want = z >= -exitZ ? FLAT : LONG;
      else if (state == SHORT) want = z <= exitZ ? FLAT : SHORT;
      else want = z < -entryZ ? LONG : allowShort && z > entryZ ? SHORT : FLAT;
      if (want == state) want = NONE;
      if (want != NONE) state = want;
    }
    store<u8>(out + <usize>i, want);
  }
}
