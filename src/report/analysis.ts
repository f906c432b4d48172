/**
 * The analysis of a backtest report, as plain data: the strategy against a
 * benchmark, statistics of its closed trades, calendar returns, its worst
 * drawdowns and rolling Sharpe and volatility. The CLI, the API and the page
 * all attach it with withAnalysis, so they show the same numbers.
 *
 * Conventions are R PerformanceAnalytics' (risk-free 0): CAPM.alpha and
 * CAPM.beta, TrackingError and InformationRatio annualized with the
 * report's periodsPerYear, table.Drawdowns for the drawdowns. A figure that
 * is not defined (no losing trade for a profit factor, a flat benchmark for
 * beta) is null, so JSON carries it as it is.
 */
import type { BacktestReport } from "../backtest/types.ts";
import { cagr, drawdowns, returnsOf, ratios } from "../backtest/metrics.ts";
import type { BarSeries } from "../core/data.ts";
import { ConfigError } from "../core/errors.ts";
import type { TradeRecord } from "../portfolio/trades.ts";
import { worstDrawdowns } from "../risk/drawdown.ts";
import { relativeStats } from "../risk/relative.ts";

/** Prices to compare the strategy with: what holding the benchmark from the first shared bar would have earned. */
export interface Benchmark {
  readonly name: string;
  readonly time: ArrayLike<number>;
  readonly close: ArrayLike<number>;
}

/** The default benchmark: buying the traded series at its first close and holding it; none for a run too short to compare (under 3 bars). */
export function buyAndHold(series: BarSeries): Benchmark | null {
  return series.close.length < 3 ? null : { name: `${series.symbol} buy & hold`, time: series.time, close: series.close };
}

/** Another series (an index, a fund) as the benchmark, named by its symbol. */
export function benchmarkSeries(series: BarSeries): Benchmark {
  return { name: series.symbol, time: series.time, close: series.close };
}

/** How many worst drawdowns the report lists. */
export const WORST_DRAWDOWNS = 5;

export interface BenchmarkAnalysis {
  readonly name: string;
  /** Bars where both the run and the benchmark have a price; every figure here is over them. */
  readonly bars: number;
  readonly start: number;
  readonly end: number;
  /** The benchmark's own figures, by the report's conventions. */
  readonly totalReturn: number;
  readonly cagr: number;
  readonly volatility: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly maxDrawdown: number;
  /** Strategy total return minus the benchmark's, over the shared bars. */
  readonly excessReturn: number;
  /** PA ActivePremium: annualized strategy return minus the benchmark's. */
  readonly activePremium: number;
  /** PA CAPM.alpha, per bar, and table.CAPM's annualized alpha (1 + alpha)^periodsPerYear - 1. */
  readonly alpha: number | null;
  readonly annualizedAlpha: number | null;
  readonly beta: number | null;
  readonly correlation: number | null;
  /** PA TrackingError and InformationRatio, annualized with periodsPerYear. */
  readonly trackingError: number | null;
  readonly informationRatio: number | null;
  /** The benchmark scaled to the strategy's equity at the first shared bar, to draw beside the equity curve. */
  readonly curve: { readonly time: readonly number[]; readonly equity: readonly number[] };
}

/** Closed trades; money figures are P&L after commissions. */
export interface TradeStats {
  readonly count: number;
  readonly wins: number;
  readonly losses: number;
  readonly grossProfit: number;
  readonly grossLoss: number;
  /** Gross profit / gross loss (null without a losing trade). */
  readonly profitFactor: number | null;
  /** Mean P&L per trade. */
  readonly expectancy: number | null;
  readonly averageWin: number | null;
  /** Mean P&L of the losing trades (negative). */
  readonly averageLoss: number | null;
  readonly largestWin: number | null;
  readonly largestLoss: number | null;
  readonly averageBars: number | null;
  /** Most winning (P&L > 0) and losing (P&L < 0) trades in a row; a break-even trade ends both. */
  readonly longestWinStreak: number;
  readonly longestLossStreak: number;
}

/** A calendar month's or year's return: last equity of the period over the last of the one before (the first: over the starting equity). */
export interface MonthReturn {
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  readonly return: number;
}

export interface YearReturn {
  readonly year: number;
  readonly return: number;
  /** The benchmark's return that year over the shared bars; null when it has none. */
  readonly benchmark: number | null;
}

/** One row of PA's table.Drawdowns; lengths in bars as PA counts them (see src/risk/drawdown.ts). */
export interface DrawdownRow {
  /** Negative fraction, as PA's Depth. */
  readonly depth: number;
  /** First bar below the peak, the lowest bar, and the first bar back at the peak (null: not recovered). */
  readonly start: number;
  readonly trough: number;
  readonly end: number | null;
  readonly length: number;
  readonly toTrough: number;
  readonly recovery: number | null;
}

/** Sharpe and volatility over the `window` bar returns up to each time, annualized as the report's. */
export interface Rolling {
  readonly window: number;
  readonly time: readonly number[];
  readonly sharpe: readonly number[];
  readonly volatility: readonly number[];
}

export interface ReportAnalysis {
  /** Annualized volatility of the strategy's bar returns (sample sd x sqrt(periodsPerYear)). */
  readonly volatility: number;
  readonly benchmark: BenchmarkAnalysis | null;
  readonly trades: TradeStats;
  readonly monthly: readonly MonthReturn[];
  readonly yearly: readonly YearReturn[];
  readonly drawdowns: readonly DrawdownRow[];
  readonly rolling: Rolling;
}

export type AnalyzedReport = BacktestReport & { readonly analysis: ReportAnalysis };

/** The report with its analysis; `benchmark` null for none. */
export function withAnalysis(report: BacktestReport, benchmark: Benchmark | null): AnalyzedReport {
  return { ...report, analysis: analyzeReport(report, benchmark) };
}

export function analyzeReport(report: BacktestReport, benchmark: Benchmark | null): ReportAnalysis {
  const { time, equity } = report.equity;
  const returns = returnsOf(Float64Array.from(equity));
  const bench = benchmark === null ? null : compare(report, benchmark);
  const months = monthKeys(time);
  return {
    volatility: sampleSd(returns) * Math.sqrt(report.periodsPerYear),
    benchmark: bench,
    trades: tradeStats(report.trades),
    monthly: periodReturns(months, equity, false).map(([key, r]) => ({ year: Math.floor(key / 12), month: (key % 12) + 1, return: r })),
    yearly: yearlyReturns(months, equity, bench),
    // One bar has no return, so no drawdown (the CLI warns that nothing could trade).
    drawdowns: returns.length === 0 ? [] : worstDrawdowns(returns, WORST_DRAWDOWNS).map((d) => ({
      depth: d.depth, start: time[d.from + 1], trough: time[d.trough + 1], end: d.to < returns.length ? time[d.to + 1] : null,
      length: d.length, toTrough: d.toTrough, recovery: d.to < returns.length ? d.recovery : null,
    })),
    rolling: rolling(time, returns, report.periodsPerYear),
  };
}

/** The figures against the benchmark over the bars both have; fewer than 3 shared bars is an error naming them. */
function compare(report: BacktestReport, benchmark: Benchmark): BenchmarkAnalysis {
  const { time, equity } = report.equity;
  const shared: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  // Both time lines rise strictly: walk them together.
  for (let i = 0, j = 0; i < time.length && j < benchmark.time.length;) {
    if (time[i] < benchmark.time[j]) i++;
    else if (time[i] > benchmark.time[j]) j++;
    else {
      shared.push(time[i]);
      a.push(equity[i]);
      b.push(benchmark.close[j]);
      i++;
      j++;
    }
  }
  if (shared.length < 3) {
    throw new ConfigError(`benchmark ${benchmark.name} shares ${shared.length} bar time${shared.length === 1 ? "" : "s"} with the run; ` +
      "at least 3 are needed to compare returns", { field: "benchmark" });
  }
  const curve = b.map((p) => (a[0] * p) / b[0]);
  const ra = returnsOf(Float64Array.from(a));
  const rb = returnsOf(Float64Array.from(curve));
  const perYear = report.periodsPerYear;
  const rel = relativeStats(ra, rb, perYear);
  const last = shared.length - 1;
  const years = (shared[last] - shared[0]) / MS_PER_YEAR;
  const totalReturn = curve[last] / curve[0] - 1;
  return {
    name: benchmark.name, bars: shared.length, start: shared[0], end: shared[last],
    totalReturn, cagr: cagr(curve[0], curve[last], years), volatility: sampleSd(rb) * Math.sqrt(perYear),
    ...ratios(rb, perYear), maxDrawdown: drawdowns(rb).max,
    excessReturn: a[last] / a[0] - 1 - totalReturn, activePremium: rel.activePremium,
    alpha: finite(rel.alpha), annualizedAlpha: finite(rel.annualizedAlpha), beta: finite(rel.beta), correlation: finite(rel.correlation),
    trackingError: finite(rel.trackingError), informationRatio: finite(rel.informationRatio),
    curve: { time: shared, equity: curve },
  };
}

export function tradeStats(trades: readonly TradeRecord[]): TradeStats {
  const pnl = trades.map((t) => t.pnl);
  const wins = pnl.filter((p) => p > 0);
  const losses = pnl.filter((p) => p < 0);
  const sum = (x: readonly number[]) => x.reduce((s, v) => s + v, 0);
  const mean = (x: readonly number[]) => (x.length > 0 ? sum(x) / x.length : null);
  const grossProfit = sum(wins);
  const grossLoss = -sum(losses);
  let win = 0;
  let loss = 0;
  let longestWinStreak = 0;
  let longestLossStreak = 0;
  for (const p of pnl) {
    win = p > 0 ? win + 1 : 0;
    loss = p < 0 ? loss + 1 : 0;
    longestWinStreak = Math.max(longestWinStreak, win);
    longestLossStreak = Math.max(longestLossStreak, loss);
  }
  return {
    count: trades.length, wins: wins.length, losses: losses.length, grossProfit, grossLoss,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    expectancy: mean(pnl), averageWin: mean(wins), averageLoss: mean(losses),
    // reduce, not Math.max(...x): a spread of 100,000+ trades overflows the stack.
    largestWin: wins.length > 0 ? wins.reduce((m, v) => Math.max(m, v)) : null,
    largestLoss: losses.length > 0 ? losses.reduce((m, v) => Math.min(m, v)) : null,
    averageBars: mean(trades.map((t) => t.bars)), longestWinStreak, longestLossStreak,
  };
}

const MS_PER_YEAR = 365.25 * 86_400_000;

/** UTC year * 12 + month (0-11) of each time: one Date per bar, shared by the monthly and yearly tables. */
function monthKeys(time: readonly number[]): Int32Array {
  return Int32Array.from(time, (t) => {
    const d = new Date(t);
    return d.getUTCFullYear() * 12 + d.getUTCMonth();
  });
}

/** [period key, return] for each calendar period the curve reaches, from its last value in each. */
function periodReturns(keys: Int32Array, values: readonly number[], perYear: boolean): [number, number][] {
  const key = (i: number) => (perYear ? Math.floor(keys[i] / 12) : keys[i]);
  const out: [number, number][] = [];
  let base = values[0];
  for (let i = 0; i < values.length; i++) {
    if (i + 1 < values.length && key(i + 1) === key(i)) continue;
    out.push([key(i), values[i] / base - 1]);
    base = values[i];
  }
  return out;
}

function yearlyReturns(keys: Int32Array, equity: readonly number[], bench: BenchmarkAnalysis | null): YearReturn[] {
  const benchmark = new Map(bench === null ? [] : periodReturns(monthKeys(bench.curve.time), bench.curve.equity, true));
  return periodReturns(keys, equity, true).map(([year, r]) => ({ year, return: r, benchmark: benchmark.get(year) ?? null }));
}

/** A quarter of a year of bars (63 daily, 13 weekly), at least 12. */
export function rollingWindow(periodsPerYear: number): number {
  return Math.max(12, Math.round(periodsPerYear / 4));
}

/**
 * Rolling Sharpe (mean / sample sd x sqrt(periodsPerYear), 0 when the
 * window's returns do not vary, as the report's Sharpe) and volatility
 * (sample sd x sqrt(periodsPerYear)) of each `window` returns, each window
 * in two plain passes: a flat stretch (no position) gives exactly 0, which
 * sliding sums would not.
 */
function rolling(time: readonly number[], returns: Float64Array, perYear: number): Rolling {
  const window = rollingWindow(perYear);
  const out = { window, time: [] as number[], sharpe: [] as number[], volatility: [] as number[] };
  const scale = Math.sqrt(perYear);
  // Plain loops: reduce() with a closure per window made this the slowest part of a report.
  for (let end = window; end <= returns.length; end++) {
    let sum = 0;
    for (let i = end - window; i < end; i++) sum += returns[i];
    const mean = sum / window;
    let squares = 0;
    for (let i = end - window; i < end; i++) squares += (returns[i] - mean) ** 2;
    const sd = Math.sqrt(squares / (window - 1));
    // The window's last return ends at bar `end`.
    out.time.push(time[end]);
    out.volatility.push(sd * scale);
    out.sharpe.push(sd > 0 ? (mean / sd) * scale : 0);
  }
  return out;
}

function sampleSd(x: Float64Array): number {
  if (x.length < 2) return 0;
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  return Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1));
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
