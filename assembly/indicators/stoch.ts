import { ld, st, fillNaN } from "../lib/arena";

// Exact window sums are recomputed every RESUM bars so a running sum's
// rounding error cannot accumulate over long series.
const RESUM: i32 = 4096;

// @ts-ignore: decorator
@inline function qget(q: usize, j: i32): i32 {
  return load<i32>(q + (<usize>j << 2));
}

// @ts-ignore: decorator
@inline function qset(q: usize, j: i32, v: i32): void {
  store<i32>(q + (<usize>j << 2), v);
}

/**
 * highest[i] = max(high[i-period+1..i]) and lowest[i] = min(low[i-period+1..i])
 * (over the bars so far while i < period - 1), in O(n): two monotonic deques
 * of bar indices. `scratch` holds both deques and needs 8n bytes.
 */
export function highestLowest(
  high: usize, low: usize, highest: usize, lowest: usize, scratch: usize, n: i32, period: i32,
): void {
  const maxQ = scratch;
  const minQ = scratch + (<usize>n << 2);
  let maxHead = 0, maxTail = 0, minHead = 0, minTail = 0;
  for (let i = 0; i < n; i++) {
    // A bar no higher than a newer one can never be the highest again.
    const h = ld(high, i);
    while (maxTail > maxHead && ld(high, qget(maxQ, maxTail - 1)) <= h) maxTail--;
    qset(maxQ, maxTail++, i);
    if (qget(maxQ, maxHead) <= i - period) maxHead++;
    const l = ld(low, i);
    while (minTail > minHead && ld(low, qget(minQ, minTail - 1)) >= l) minTail--;
    qset(minQ, minTail++, i);
    if (qget(minQ, minHead) <= i - period) minHead++;
    st(highest, i, ld(high, qget(maxQ, maxHead)));
    st(lowest, i, ld(low, qget(minQ, minHead)));
  }
}

/**
 * dst[i] = mean(src[i-period+1..i]) where src is defined from index `from`;
 * NaN for i < from + period - 1. In-place unsafe.
 */
export function movingMean(src: usize, dst: usize, from: i32, n: i32, period: i32): void {
  const first = from + period - 1;
  if (first >= n) { fillNaN(dst, 0, n); return; }
  fillNaN(dst, 0, first);
  const p = <f64>period;
  let sum = 0.0;
  for (let i = from; i <= first; i++) sum += ld(src, i);
  st(dst, first, sum / p);
  let next = first + RESUM;
  for (let i = first + 1; i < n; i++) {
    if (i == next) {
      sum = 0.0;
      for (let j = i - period + 1; j <= i; j++) sum += ld(src, j);
      next += RESUM;
    } else {
      // Leaving value first: with period 1 the sum is then exactly src[i].
      sum = (sum - ld(src, i - period)) + ld(src, i);
    }
    st(dst, i, sum / p);
  }
}

/**
 * Slow stochastic on the 0..100 scale (TA-Lib STOCH with SMA smoothing; TTR
 * stoch's fastD and slowD). fast %K = 100 * (close - lowest low) /
 * (highest high - lowest low) over kPeriod bars, 0 when that range is 0
 * (TA-Lib; TTR uses 50); k = SMA(kSlow) of fast %K, defined from
 * kPeriod + kSlow - 2; d = SMA(dPeriod) of k, defined from
 * kPeriod + kSlow + dPeriod - 3. `scratch` needs 8n bytes.
 */
export function stoch(
  high: usize, low: usize, close: usize, k: usize, d: usize, scratch: usize,
  n: i32, kPeriod: i32, kSlow: i32, dPeriod: i32,
): void {
  // Arguments a host could pass that no window allows: answer "undefined" rather than touch memory out of range.
  if (kPeriod < 1 || kSlow < 1 || dPeriod < 1) { fillNaN(k, 0, n); fillNaN(d, 0, n); return; }
  // k and d serve as scratch on the way: highest high in k, lowest low in d,
  // then fast %K over d in place; each pass reads only what is still needed.
  highestLowest(high, low, k, d, scratch, n, kPeriod);
  const fastFrom = kPeriod - 1;
  for (let i = fastFrom; i < n; i++) {
    const hh = ld(k, i), ll = ld(d, i);
    st(d, i, hh != ll ? 100.0 * (ld(close, i) - ll) / (hh - ll) : 0.0);
  }
  movingMean(d, k, fastFrom, n, kSlow);
  movingMean(k, d, fastFrom + kSlow - 1, n, dPeriod);
}
