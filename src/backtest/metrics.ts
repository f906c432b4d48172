import { doubleArray } from "../core/arrays.ts";
import { ConfigError } from "../core/errors.ts";
import { checkScale } from "../risk/params.ts";
import { drawdownSeries } from "../risk/drawdown.ts";
import { summary } from "../risk/summary.ts";

/**
 * Performance figures of an equity curve (float64 analytics), in few passes
 * and without intermediate arrays: a report over a million bars spends its
 * time here. The ratios do exactly the floating-point operations of
 * src/risk's summary() on the simple returns, in the same order, so they
 * give the same numbers to the last bit.
 */

/**
 * Annualized Sharpe (mean / sample sd x sqrt(periods), PerformanceAnalytics'
 * geometric=FALSE) and Sortino (MAR 0) of the equity curve's simple returns;
 * 0 when returns do not vary. A return below -100% (equity crossing zero)
 * is refused as summary() refuses it.
 */
export function equityRatios(equity: ArrayLike<number>, perYear: number): { sharpe: number; sortino: number } {
  const len = equity.length - 1;
  if (len < 2) return { sharpe: 0, sortino: 0 };
  checkScale("scale", perYear);
  // Pass 1: the checks and the sum (R's mean, then its correcting pass).
  let n = 0;
  let sum = 0;
  for (let i = 1; i <= len; i++) {
    const r = equity[i] / equity[i - 1] - 1;
    if (r - r === 0) {
      if (r < -1) throw new ConfigError(`returns[${i - 1}] is ${r}; a simple return cannot be below -1 (a total loss)`, { field: "returns" });
      n++;
      sum += r;
    } else if (!Number.isNaN(r)) throw new ConfigError(`returns[${i - 1}] is ${r}; returns must be finite (NaN marks a missing value)`, { field: "returns" });
  }
  // Too few values: summary() says so in its words.
  if (n < 2) return ratios(returnsOf(equity), perYear);
  let mean = sum / n;
  let residual = 0;
  for (let i = 1; i <= len; i++) {
    const r = equity[i] / equity[i - 1] - 1;
    if (!Number.isNaN(r)) residual += r - mean;
  }
  mean += residual / n;
  let s2 = 0;
  let downside = 0;
  for (let i = 1; i <= len; i++) {
    const r = equity[i] / equity[i - 1] - 1;
    if (Number.isNaN(r)) continue;
    const d = r - mean;
    s2 += d * d;
    if (r < 0) downside += r * r;
  }
  const variance = ((s2 / n) * n) / (n - 1);
  const stdDev = Math.sqrt(variance);
  const downsideDeviation = Math.sqrt(downside / n);
  return {
    sharpe: stdDev > 0 ? (mean * perYear) / (stdDev * Math.sqrt(perYear)) : 0,
    sortino: downsideDeviation > 0 ? (mean / downsideDeviation) * Math.sqrt(perYear) : 0,
  };
}

/** Simple returns of consecutive equity values. */
export function returnsOf(equity: ArrayLike<number>): Float64Array {
  const r = new Float64Array(Math.max(0, equity.length - 1));
  for (let i = 1; i < equity.length; i++) r[i - 1] = equity[i] / equity[i - 1] - 1;
  return r;
}

/** Sharpe and Sortino through src/risk's summary(): the reference equityRatios matches. */
export function ratios(returns: Float64Array, perYear: number): { sharpe: number; sortino: number } {
  if (returns.length < 2) return { sharpe: 0, sortino: 0 };
  const s = summary(returns, perYear);
  return {
    sharpe: s.stdDev > 0 ? s.sharpeAnnualizedArithmetic : 0,
    sortino: s.downsideDeviation > 0 ? s.sortino * Math.sqrt(perYear) : 0,
  };
}

/**
 * Drawdown at each point (0 or a negative fraction; the first point is the
 * starting capital) and the largest fall as a positive fraction, from the
 * per-bar returns the way PerformanceAnalytics (and so `nt risk`) computes
 * them, with the same operations: the report and `nt risk` on the same
 * curve give the same maximum to the bit.
 */
export function drawdowns(returns: Float64Array): { drawdown: Float64Array; max: number } {
  const series = drawdownSeries(returns, true);
  const drawdown = new Float64Array(returns.length + 1);
  drawdown.set(series, 1);
  let max = 0;
  for (const d of series) if (-d > max) max = -d;
  return { drawdown, max };
}

/**
 * The equity curve as a plain array (what JSON needs) with its drawdown and
 * the largest fall as a positive fraction, as drawdownCurve gives them.
 */
export function equityCurve(equity: ArrayLike<number>): { equity: number[]; drawdown: number[]; max: number } {
  return { equity: toArray(equity), ...drawdownCurve(equity) };
}

/**
 * The drawdown at each point of an equity curve (a plain array) and the
 * largest fall as a positive fraction: drawdowns(returnsOf(equity)) in one
 * pass, with the same operations (so the same bits as `nt risk`), and none
 * of its intermediate arrays: a 1M-bar report is built in this loop.
 */
export function drawdownCurve(equity: ArrayLike<number>): { drawdown: number[]; max: number } {
  const n = equity.length;
  const drawdown = doubleArray(n);
  let wealth = 1;
  let high = 1;
  let max = 0;
  if (n > 0) drawdown[0] = 0;
  for (let i = 1; i < n; i++) {
    const r = equity[i] / equity[i - 1] - 1;
    if (Number.isNaN(r)) {
      drawdown[i] = NaN;
      continue;
    }
    wealth = wealth * (1 + r);
    if (wealth >= high) high = wealth;
    const d = wealth >= high ? 0 : wealth / high - 1;
    drawdown[i] = d;
    if (-d > max) max = -d;
  }
  return { drawdown, max };
}

/** Compound annual growth rate between two equity values over a span of years. */
export function cagr(first: number, last: number, years: number): number {
  if (years <= 0 || first <= 0) return 0;
  return last <= 0 ? -1 : (last / first) ** (1 / years) - 1;
}

/** A typed array as a plain array (what JSON needs); a counted loop is several times faster than Array.from here. */
export function toArray(a: ArrayLike<number>): number[] {
  const out = doubleArray(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i];
  return out;
}

