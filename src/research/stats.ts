// The figures a sweep keeps of each run: the report's headline statistics
// and what the overfitting guards need (per-bar Sharpe, higher moments,
// per-block sums for CSCV), all from the run's equity curve.
import type { BacktestReport } from "../backtest/types.ts";
import { returnsOf } from "../backtest/metrics.ts";
import { kurtosisOf, moments, skewnessOf } from "../risk/moments.ts";

/** One run's statistics; every path (event-driven, vectorized, a remote worker) fills the same fields. */
export interface RunStats {
  readonly bars: number;
  readonly finalEquity: number;
  readonly totalReturn: number;
  readonly cagr: number;
  /** Annualized, from per-bar returns (sample sd), risk-free 0: the report's sharpe. */
  readonly sharpe: number;
  readonly sortino: number;
  /** cagr / maxDrawdown; 0 when there was no drawdown. */
  readonly calmar: number;
  readonly maxDrawdown: number;
  readonly winRate: number;
  readonly exposure: number;
  readonly trades: number;
  readonly totalCommission: number;
}

/** Sums of per-bar returns over one contiguous block of the run: what CSCV combines. */
export interface BlockSums {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}

/** What the deflated Sharpe ratio and PBO need of a run, beyond its headline figures. */
export interface GuardStats {
  /** Per-bar returns counted. */
  readonly n: number;
  /** Per-bar (not annualized) Sharpe ratio: mean / sample sd of the returns. */
  readonly srPerBar: number;
  readonly skewness: number;
  /** Kurtosis (not excess: 3 for a normal distribution), as the DSR paper writes it. */
  readonly kurtosis: number;
  /** The returns in `blocks` equal contiguous blocks (the oldest n mod blocks returns left out). */
  readonly blocks: readonly BlockSums[];
}

/** The statistics of a report from the event-driven engine. */
export function statsOfReport(report: BacktestReport): RunStats {
  const trades = report.trades.length;
  return {
    bars: report.bars, finalEquity: report.finalEquity, totalReturn: report.totalReturn, cagr: report.cagr,
    sharpe: report.sharpe, sortino: report.sortino, calmar: calmar(report.cagr, report.maxDrawdown),
    maxDrawdown: report.maxDrawdown, winRate: report.winRate, exposure: report.exposure, trades,
    totalCommission: report.totalCommission,
  };
}

export function calmar(cagr: number, maxDrawdown: number): number {
  return maxDrawdown > 0 ? cagr / maxDrawdown : 0;
}

/**
 * The sums an equity curve's statistics come from: its returns' moments as
 * src/risk/moments.ts computes them, the downside sum of src/risk/summary.ts,
 * the largest drawdown of drawdowns() and per-block sums. The kernel
 * equityStats (assembly/research/stats.ts) computes the same sums in the same
 * order; this is its twin and the event-driven path's route.
 */
export interface EquityMoments {
  /** Returns counted (bars - 1). */
  readonly n: number;
  readonly mean: number;
  readonly m2: number;
  readonly m3: number;
  readonly m4: number;
  /** Sum of squared negative returns. */
  readonly downside: number;
  readonly maxDrawdown: number;
  readonly blocks: readonly BlockSums[];
}

/** The sums, or null when a return is not finite or below -1 (the general functions then decide what to do). */
export function equityMoments(equity: ArrayLike<number>, blocks: number): EquityMoments | null {
  const n = equity.length - 1;
  const r = new Float64Array(Math.max(0, n));
  let sum = 0;
  // The drawdown as src/risk/drawdown.ts takes it from the returns (PerformanceAnalytics), with its operations.
  let wealth = 1;
  let high = 1;
  let maxDrawdown = 0;
  for (let i = 0; i < n; i++) {
    r[i] = equity[i + 1] / equity[i] - 1;
    if (!(r[i] - r[i] === 0) || r[i] < -1) return null;
    sum += r[i];
    wealth = wealth * (1 + r[i]);
    if (wealth >= high) high = wealth;
    else maxDrawdown = Math.max(maxDrawdown, -(wealth / high - 1));
  }
  let mean = sum / n;
  let residual = 0;
  for (let i = 0; i < n; i++) residual += r[i] - mean;
  mean += residual / n;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let downside = 0;
  for (let i = 0; i < n; i++) {
    const d = r[i] - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
    if (r[i] < 0) downside += r[i] * r[i];
  }
  const sums: BlockSums[] = [];
  const size = blocks > 0 ? Math.floor(n / blocks) : 0;
  if (size >= 1) {
    const skip = n - size * blocks;
    for (let b = 0; b < blocks; b++) {
      let bs = 0;
      let bq = 0;
      for (let i = skip + b * size; i < skip + (b + 1) * size; i++) {
        bs += r[i];
        bq += r[i] * r[i];
      }
      sums.push({ n: size, sum: bs, sumSq: bq });
    }
  }
  return { n, mean, m2: s2 / n, m3: s3 / n, m4: s4 / n, downside, maxDrawdown, blocks: sums };
}

/**
 * Annualized Sharpe and Sortino as src/backtest/metrics.ts ratios() gives
 * them through summary(): the same operations on the same sums.
 */
export function ratiosOf(m: EquityMoments, perYear: number): { sharpe: number; sortino: number } {
  if (m.n < 2) return { sharpe: 0, sortino: 0 };
  const n = m.n;
  const stdDev = Math.sqrt((m.m2 * n) / (n - 1));
  const downsideDeviation = Math.sqrt(m.downside / n);
  const sharpeAnnualizedArithmetic = (m.mean * perYear) / (stdDev * Math.sqrt(perYear));
  return {
    sharpe: stdDev > 0 ? sharpeAnnualizedArithmetic : 0,
    sortino: downsideDeviation > 0 ? (m.mean / downsideDeviation) * Math.sqrt(perYear) : 0,
  };
}

/** Guard statistics from the sums (skewness and kurtosis as src/risk/moments.ts defines them). */
export function guardOf(m: EquityMoments): GuardStats {
  if (m.n < 2) return { n: Math.max(0, m.n), srPerBar: 0, skewness: 0, kurtosis: 3, blocks: [] };
  const sd = Math.sqrt((m.m2 * m.n) / (m.n - 1));
  const moments = { n: m.n, mean: m.mean, m2: m.m2, m3: m.m3, m4: m.m4 };
  return { n: m.n, srPerBar: sd > 0 ? m.mean / sd : 0, skewness: skewnessOf(moments), kurtosis: kurtosisOf(moments) + 3, blocks: m.blocks };
}

/** Guard statistics of an equity curve, cut into `blocks` blocks for CSCV. */
export function guardStats(equity: ArrayLike<number>, blocks: number): GuardStats {
  const m = equityMoments(equity, blocks);
  if (m !== null) return guardOf(m);
  // A curve with a total loss: moments of the finite returns, no blocks.
  const returns = returnsOf(Float64Array.from(equity));
  const mo = moments(returns);
  return guardOf({ ...mo, downside: 0, maxDrawdown: 0, blocks: [] });
}
