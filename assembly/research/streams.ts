import { ld, st } from "../lib/arena";

// Whole-series forms of the streaming indicators the strategies use
// (src/features: Sma, Rsi, Bbands), doing the same float operations in the
// same order, so every value is bitwise the one the strategy sees bar by bar.
// (The batch kernels in assembly/indicators round differently: they are
// faster, and equal only to about 1e-12.)

/** Sma.add over the series: a running sum re-added from the ring's slots every 4096 values. */
export function smaStream(src: usize, dst: usize, n: i32, period: i32): void {
  let sum = 0.0;
  for (let i = 0; i < n; i++) {
    const old = i >= period ? ld(src, i - period) : 0.0;
    sum += ld(src, i) - old;
    const count = i + 1;
    if (count % 4096 == 0) {
      // The ring's slot s holds the latest value with index = s (mod period); summed from slot 0.
      let s = 0.0;
      for (let slot = 0; slot < period; slot++) {
        const j = i - (((i - slot) % period) + period) % period;
        s += j >= 0 ? ld(src, j) : 0.0;
      }
      sum = s;
    }
    st(dst, i, count >= period ? sum / <f64>period : NaN);
  }
}

/** Rsi.add over the series: Wilder averages of gains and losses, seeded with their means. */
export function rsiStream(src: usize, dst: usize, n: i32, period: i32): void {
  const alpha = 1.0 / <f64>period;
  let gain = 0.0, loss = 0.0;
  if (n > 0) st(dst, 0, NaN);
  for (let i = 1; i < n; i++) {
    const d = ld(src, i) - ld(src, i - 1);
    const up = max(d, 0.0);
    const down = max(-d, 0.0);
    const changes = i;
    if (changes <= period) {
      gain = gain + up;
      loss = loss + down;
      if (changes < period) { st(dst, i, NaN); continue; }
      gain /= <f64>period;
      loss /= <f64>period;
    } else {
      gain = alpha * up + (1.0 - alpha) * gain;
      loss = alpha * down + (1.0 - alpha) * loss;
    }
    const s = gain + loss;
    st(dst, i, s == 0.0 ? 0.0 : (100.0 * gain) / s);
  }
}

/**
 * Bbands(period, 1) as the mean-reversion strategy reads it: the middle band
 * (two-pass mean of the window) and the half-width as (mean + sd) - mean,
 * the strategy's `upper - middle`. NaN before the window fills.
 */
export function bandsStream(src: usize, middle: usize, width: usize, n: i32, period: i32): void {
  const p = <f64>period;
  for (let i = 0; i < n; i++) {
    if (i < period - 1) { st(middle, i, NaN); st(width, i, NaN); continue; }
    let sum = 0.0;
    for (let j = i - period + 1; j <= i; j++) sum += ld(src, j);
    const mean = sum / p;
    let m2 = 0.0;
    for (let j = i - period + 1; j <= i; j++) {
      const d = ld(src, j) - mean;
      m2 += d * d;
    }
    const upper = mean + sqrt(m2 / p);
    st(middle, i, mean);
    st(width, i, upper - mean);
  }
}
