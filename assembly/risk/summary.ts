import { ld, st } from "../lib/arena";
import { computeMoments, count, kurtosis, mean, m2, skewness } from "./moments";

// Moments, ratios and drawdowns (twins: src/risk/summary.ts, src/risk/drawdown.ts).

let ddDepth: f64 = 0;
let ddPeak: i32 = -1;
let ddTrough: i32 = -1;
let ddRecovery: i32 = -1;

/**
 * The largest drawdown, PerformanceAnalytics' way: wealth cumprod(1 + r)
 * (geometric) or 1 + cumsum(r), drawdown = wealth / max(1, peak) - 1.
 * out = [depth, peak, trough, recovery]; an index of -1 means none (for the
 * peak: the starting capital).
 */
export function drawdown(src: usize, n: i32, geometric: bool, out: usize): void {
  computeDrawdown(src, n, geometric);
  st(out, 0, ddDepth);
  st(out, 1, <f64>ddPeak);
  st(out, 2, <f64>ddTrough);
  st(out, 3, <f64>ddRecovery);
}

function computeDrawdown(src: usize, n: i32, geometric: bool): void {
  let wealth = 1.0;
  let high = 1.0;
  let highIndex: i32 = -1;
  ddDepth = 0;
  ddPeak = -1;
  ddTrough = -1;
  ddRecovery = -1;
  for (let i = 0; i < n; i++) {
    const r = ld(src, i);
    if (isNaN(r)) continue;
    wealth = geometric ? wealth * (1.0 + r) : wealth + r;
    if (wealth >= high) {
      high = wealth;
      highIndex = i;
      if (ddTrough >= 0 && ddRecovery < 0) ddRecovery = i;
      continue;
    }
    const depth = -(wealth / high - 1.0);
    if (depth > ddDepth) {
      ddDepth = depth;
      ddPeak = highIndex;
      ddTrough = i;
      ddRecovery = -1;
    }
  }
}

/**
 * Summary statistics with `scale` periods per year, risk-free 0. out gets 17
 * values in the order of SUMMARY_FIELDS (src/risk/stats.ts): n, mean, stdDev,
 * skewness, kurtosis, downsideDeviation, sharpe, sharpeAnnualized,
 * sharpeAnnualizedArithmetic, sortino, annualizedReturn,
 * annualizedReturnArithmetic, annualizedVolatility, maxDrawdown, calmar,
 * kelly, halfKelly.
 */
export function summary(src: usize, n: i32, scale: f64, out: usize): void {
  computeMoments(src, n);
  const c = <f64>count;
  const variance = (m2 * c) / (c - 1.0);
  const stdDev = Math.sqrt(variance);
  let downside = 0.0;
  let growth = 1.0;
  for (let i = 0; i < n; i++) {
    const r = ld(src, i);
    if (isNaN(r)) continue;
    if (r < 0) downside += r * r;
    growth *= 1.0 + r;
  }
  const downsideDeviation = Math.sqrt(downside / c);
  const annualizedReturn = Math.pow(growth, scale / c) - 1.0;
  const annualizedReturnArithmetic = mean * scale;
  const annualizedVolatility = stdDev * Math.sqrt(scale);
  computeDrawdown(src, n, true);
  const kelly = mean / variance;
  st(out, 0, c);
  st(out, 1, mean);
  st(out, 2, stdDev);
  st(out, 3, skewness());
  st(out, 4, kurtosis());
  st(out, 5, downsideDeviation);
  st(out, 6, mean / stdDev);
  st(out, 7, annualizedReturn / annualizedVolatility);
  st(out, 8, annualizedReturnArithmetic / annualizedVolatility);
  st(out, 9, mean / downsideDeviation);
  st(out, 10, annualizedReturn);
  st(out, 11, annualizedReturnArithmetic);
  st(out, 12, annualizedVolatility);
  st(out, 13, ddDepth);
  st(out, 14, annualizedReturn / ddDepth);
  st(out, 15, kelly);
  st(out, 16, kelly / 2.0);
}
