import { drawdown } from "./drawdown.ts";
import { kurtosisOf, moments, skewnessOf } from "./moments.ts";
import { checkReturns, checkScale } from "./params.ts";
import type { RiskSummary } from "./stats.ts";

/** Moments, ratios and drawdown of one return series (PerformanceAnalytics conventions, risk-free 0). */
export function summary(returns: Float64Array, scale: number): RiskSummary {
  checkScale("scale", scale);
  checkReturns("returns", returns, 2);
  const m = moments(returns);
  const n = m.n;
  const variance = (m.m2 * n) / (n - 1);
  const stdDev = Math.sqrt(variance);
  let downside = 0;
  let growth = 1;
  for (const r of returns) {
    if (r !== r) continue;
    if (r < 0) downside += r * r;
    growth *= 1 + r;
  }
  const downsideDeviation = Math.sqrt(downside / n);
  const annualizedReturn = growth ** (scale / n) - 1;
  const annualizedReturnArithmetic = m.mean * scale;
  const annualizedVolatility = stdDev * Math.sqrt(scale);
  const maxDrawdown = drawdown(returns, true).depth;
  const kelly = m.mean / variance;
  return {
    n,
    mean: m.mean,
    stdDev,
    skewness: skewnessOf(m),
    kurtosis: kurtosisOf(m),
    downsideDeviation,
    sharpe: m.mean / stdDev,
    sharpeAnnualized: annualizedReturn / annualizedVolatility,
    sharpeAnnualizedArithmetic: annualizedReturnArithmetic / annualizedVolatility,
    sortino: m.mean / downsideDeviation,
    annualizedReturn,
    annualizedReturnArithmetic,
    annualizedVolatility,
    maxDrawdown,
    calmar: annualizedReturn / maxDrawdown,
    kelly,
    halfKelly: kelly / 2,
  };
}
