// The figures a sweep keeps of each run: the report's headline statistics
// and what the overfitting guards need (per-bar Sharpe, higher moments,
// per-block sums for CSCV), all from the run's equity curve.
import type { BacktestReport } from "../backtest/types.ts";
import { equityReturns } from "../backtest/metrics.ts";
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

/** Guard statistics of an equity curve, cut into `blocks` blocks for CSCV. */
export function guardStats(equity: ArrayLike<number>, blocks: number): GuardStats {
  const returns = equityReturns(Float64Array.from(equity));
  const n = returns.length;
  if (n < 2) return { n, srPerBar: 0, skewness: 0, kurtosis: 3, blocks: [] };
  const m = moments(returns);
  const sd = Math.sqrt((m.m2 * n) / (n - 1));
  const size = Math.floor(n / blocks);
  const sums: BlockSums[] = [];
  if (size >= 1) {
    const skip = n - size * blocks;
    for (let b = 0; b < blocks; b++) {
      let sum = 0;
      let sumSq = 0;
      for (let i = skip + b * size; i < skip + (b + 1) * size; i++) {
        sum += returns[i];
        sumSq += returns[i] * returns[i];
      }
      sums.push({ n: size, sum, sumSq });
    }
  }
  return { n, srPerBar: sd > 0 ? m.mean / sd : 0, skewness: skewnessOf(m), kurtosis: kurtosisOf(m) + 3, blocks: sums };
}
