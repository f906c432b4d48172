import { ld, st } from "../lib/arena";

// The statistics of an equity curve a sweep keeps, in three passes and no
// allocation: the sums behind src/risk/moments.ts moments() (mean with R's
// correcting pass, central sums of squares, cubes and fourth powers), the
// downside sum of src/risk/summary.ts, the largest drawdown of
// src/backtest/metrics.ts drawdowns(), and the per-block sums of
// src/research/stats.ts guardStats(). Each sum runs in the same order as
// there, so the host finishes the ratios to the same bits.

/** Slots of `out`; block b's n, sum and sum of squares follow at 8 + 3b. */
const N = 0, MEAN = 1, M2 = 2, M3 = 3, M4 = 4, DOWNSIDE = 5, MAX_DD = 6, IRREGULAR = 7;

// @ts-ignore: decorator
@inline function ret(equity: usize, i: i32): f64 {
  return ld(equity, i + 1) / ld(equity, i) - 1.0;
}

/**
 * Statistics of equity[0, n): its n - 1 simple returns and its largest
 * drawdown, as PerformanceAnalytics takes it from the returns (wealth
 * cumprod(1 + r) against max(1, its running peak)) with the operations of
 * src/risk/drawdown.ts, so the engine's report gives the same bits.
 * IRREGULAR is 1 when a return is not finite or below -1 (the host then
 * takes the general route, which reports such a series the engine's way).
 */
export function equityStats(equity: usize, n: i32, blocks: i32, out: usize): void {
  const m = n - 1;
  let irregular = 0.0;
  let sum = 0.0;
  let wealth = 1.0, high = 1.0, maxDD = 0.0;
  for (let i = 0; i < m; i++) {
    const r = ret(equity, i);
    if (!(r - r == 0.0) || r < -1.0) irregular = 1.0;
    sum += r;
    wealth = wealth * (1.0 + r);
    if (wealth >= high) high = wealth;
    else maxDD = max(maxDD, -(wealth / high - 1.0));
  }
  let mean = sum / <f64>m;
  let residual = 0.0;
  for (let i = 0; i < m; i++) residual += ret(equity, i) - mean;
  mean += residual / <f64>m;
  let s2 = 0.0, s3 = 0.0, s4 = 0.0, downside = 0.0;
  for (let i = 0; i < m; i++) {
    const r = ret(equity, i);
    const d = r - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
    if (r < 0) downside += r * r;
  }
  st(out, N, <f64>m);
  st(out, MEAN, mean);
  st(out, M2, s2 / <f64>m);
  st(out, M3, s3 / <f64>m);
  st(out, M4, s4 / <f64>m);
  st(out, DOWNSIDE, downside);
  st(out, MAX_DD, maxDD);
  st(out, IRREGULAR, irregular);
  const size = blocks > 0 ? m / blocks : 0;
  if (size < 1) return;
  const skip = m - size * blocks;
  for (let b = 0; b < blocks; b++) {
    let bs = 0.0, bq = 0.0;
    for (let i = skip + b * size; i < skip + (b + 1) * size; i++) {
      const r = ret(equity, i);
      bs += r;
      bq += r * r;
    }
    st(out, 8 + 3 * b, <f64>size);
    st(out, 9 + 3 * b, bs);
    st(out, 10 + 3 * b, bq);
  }
}
