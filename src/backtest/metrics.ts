import { summary } from "../risk/summary.ts";

/** Performance figures of an equity curve (float64 analytics). */

/** Simple returns of consecutive equity values. */
export function equityReturns(equity: Float64Array): Float64Array {
  const r = new Float64Array(Math.max(0, equity.length - 1));
  for (let i = 1; i < equity.length; i++) r[i - 1] = equity[i] / equity[i - 1] - 1;
  return r;
}

/**
 * Annualized Sharpe (mean / sample sd x sqrt(periods), PerformanceAnalytics'
 * geometric=FALSE) and Sortino (MAR 0) from src/risk; 0 when returns do not vary.
 */
export function ratios(returns: Float64Array, perYear: number): { sharpe: number; sortino: number } {
  if (returns.length < 2) return { sharpe: 0, sortino: 0 };
  const s = summary(returns, perYear);
  return {
    sharpe: s.stdDev > 0 ? s.sharpeAnnualizedArithmetic : 0,
    sortino: s.downsideDeviation > 0 ? s.sortino * Math.sqrt(perYear) : 0,
  };
}

/** Drawdown at each point (0 or negative fraction) and the largest fall as a positive fraction. */
export function drawdowns(equity: Float64Array): { drawdown: Float64Array; max: number } {
  const drawdown = new Float64Array(equity.length);
  let peak = -Infinity;
  let max = 0;
  for (let i = 0; i < equity.length; i++) {
    peak = Math.max(peak, equity[i]);
    drawdown[i] = equity[i] / peak - 1;
    max = Math.max(max, -drawdown[i]);
  }
  return { drawdown, max };
}

/** Compound annual growth rate between two equity values over a span of years. */
export function cagr(first: number, last: number, years: number): number {
  if (years <= 0 || first <= 0) return 0;
  return last <= 0 ? -1 : (last / first) ** (1 / years) - 1;
}

/** A typed array as a plain array (what JSON needs); a counted loop is several times faster than Array.from here. */
export function toArray(a: Float64Array): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i];
  return out;
}
