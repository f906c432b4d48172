/**
 * Risk statistics of return series, following R PerformanceAnalytics: VaR and
 * ES are returns (negative for a loss), the historical quantile is R's type 7,
 * Gaussian and modified (Cornish-Fisher) VaR use population moments, Sharpe
 * and Kelly the sample sd. NaN in a return series is a missing value and is
 * skipped, as PerformanceAnalytics drops NA.
 *
 * Two implementations share this interface: `tsRisk` (the plain TypeScript
 * twins, the reference) and `WasmRisk` (src/kernels/risk.ts, the fast path).
 *
 * Where this departs from PerformanceAnalytics 2.1, on purpose:
 * - VaR and ES are returned as computed. PA's VaR() and ES() wrappers replace
 *   a result showing a gain ("inverse risk") by NA and cap a loss at 100%.
 * - `confidence` must lie in (0, 1) and means 1 - tail probability. PA also
 *   reads p < 0.51 as the tail probability itself (p = 0.05 as 95%).
 * - Modified VaR/ES use skewness and excess kurtosis 0 only for a constant
 *   series; PA does so whenever the population variance is below about
 *   1.5e-8 (all.equal(m2, 0)), i.e. for any series with sd under 0.012%.
 * - Skewness and kurtosis of a constant series are 0 (PA: NaN).
 */
import { comoments, covarianceMatrix } from "./comoments.ts";
import { drawdown } from "./drawdown.ts";
import { monteCarlo } from "./montecarlo.ts";
import { summary } from "./summary.ts";
import { historical, tailRisk } from "./var.ts";

export interface RiskStats {
  /** Moments, ratios and drawdown of one series; `scale` = periods per year (12 monthly, 252 daily). */
  summary(returns: Float64Array, scale: number): RiskSummary;
  /** VaR and ES at `confidence` (e.g. 0.95) by the historical, Gaussian and modified methods. */
  tailRisk(returns: Float64Array, confidence: number): TailRisk;
  /** Historical VaR and ES alone: O(n) by selection, no sort. */
  historical(returns: Float64Array, confidence: number): VaRES;
  /** The largest drawdown, compounded (`geometric`) or on the simple cumulative sum. */
  drawdown(returns: Float64Array, geometric: boolean): Drawdown;
  /** Covariance, beta and correlation of `asset` against `benchmark` over the dates where both are present. */
  comoments(asset: Float64Array, benchmark: Float64Array): Comoments;
  /** Sample covariance matrix (row-major k x k) over the dates where every series is present. */
  covarianceMatrix(series: readonly Float64Array[]): Float64Array;
  /** Monte Carlo VaR and ES of a portfolio (one asset: weights [1]). */
  monteCarlo(spec: MonteCarloSpec): MonteCarloRisk;
}

export interface RiskSummary {
  /** Values present (NaN skipped). */
  n: number;
  mean: number;
  /** Sample standard deviation (divides by n - 1). */
  stdDev: number;
  /** Moment skewness (population moments). */
  skewness: number;
  /** Excess kurtosis (population moments). */
  kurtosis: number;
  /** Downside deviation below 0, dividing by all n. */
  downsideDeviation: number;
  /** Per-period Sharpe ratio, risk-free 0: mean / stdDev. */
  sharpe: number;
  /** Annualized Sharpe with the compounded annual return (PA geometric=TRUE). */
  sharpeAnnualized: number;
  /** Annualized Sharpe with mean * scale (PA geometric=FALSE). */
  sharpeAnnualizedArithmetic: number;
  /** Per-period Sortino ratio, MAR 0: mean / downsideDeviation. */
  sortino: number;
  /** prod(1 + r)^(scale / n) - 1. */
  annualizedReturn: number;
  /** mean * scale. */
  annualizedReturnArithmetic: number;
  /** stdDev * sqrt(scale). */
  annualizedVolatility: number;
  /** Largest compounded drawdown, a positive fraction. */
  maxDrawdown: number;
  /** annualizedReturn / maxDrawdown. */
  calmar: number;
  /** Kelly fraction mean / variance (sample variance, risk-free 0). */
  kelly: number;
  /** Half of the Kelly fraction (PerformanceAnalytics' default). */
  halfKelly: number;
}

/** The order in which the WASM summary kernel writes the fields. */
export const SUMMARY_FIELDS = [
  "n", "mean", "stdDev", "skewness", "kurtosis", "downsideDeviation", "sharpe", "sharpeAnnualized",
  "sharpeAnnualizedArithmetic", "sortino", "annualizedReturn", "annualizedReturnArithmetic",
  "annualizedVolatility", "maxDrawdown", "calmar", "kelly", "halfKelly",
] as const satisfies readonly (keyof RiskSummary)[];

/** Value at risk and expected shortfall as returns: negative numbers are losses. */
export interface VaRES {
  VaR: number;
  ES: number;
}

export interface TailRisk {
  /** Type-7 quantile of the returns; ES = mean of the returns strictly below it. */
  historical: VaRES;
  /** Normal with the sample mean and the population sd. */
  gaussian: VaRES;
  /** Cornish-Fisher expansion; ES never above VaR (PA's operational ES). */
  modified: VaRES;
}

export interface Drawdown {
  /** Largest fall from a peak, a positive fraction (0 when there is none). */
  depth: number;
  /** Index of the peak before it; -1 = the starting capital, before the first return. */
  peak: number;
  /** Index of the lowest point; -1 when there is no drawdown. */
  trough: number;
  /** First index after the trough back at the peak's level; -1 when not recovered. */
  recovery: number;
}

export interface Comoments {
  /** Dates where both series are present. */
  n: number;
  /** Sample covariance (divides by n - 1). */
  covariance: number;
  /** cov(asset, benchmark) / var(benchmark). */
  beta: number;
  correlation: number;
}

export interface MonteCarloSpec {
  /** Portfolio weights, one per asset. */
  weights: Float64Array;
  /** Per-period mean return of each asset. */
  means: Float64Array;
  /** Covariance of the asset returns, row-major k x k, symmetric positive semi-definite. */
  covariance: Float64Array;
  confidence: number;
  /** Number of simulated periods. */
  paths: number;
  /** Integer seed in [0, 2^32): the same seed gives the same paths. */
  seed: number;
  /**
   * Degrees of freedom (> 2) for multivariate Student-t innovations scaled to
   * unit variance, so the covariance is still `covariance`; omitted = Gaussian.
   */
  df?: number;
}

export interface MonteCarloRisk extends VaRES {
  paths: number;
  /** Mean and sample sd of the simulated portfolio returns. */
  mean: number;
  stdDev: number;
}

/** The plain TypeScript twins. */
export const tsRisk: RiskStats = { summary, tailRisk, historical, drawdown, comoments, covarianceMatrix, monteCarlo };
