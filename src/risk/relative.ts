import { sampleMoments } from "./comoments.ts";
import { checkScale } from "./params.ts";

/** A return series against a benchmark's, PerformanceAnalytics' way (risk-free 0). */
export interface RelativeStats {
  /** Periods where both are present. */
  readonly n: number;
  /** CAPM.alpha: the intercept of the least-squares line asset ~ benchmark, per period. */
  readonly alpha: number;
  /** (1 + alpha)^scale - 1, as table.CAPM's "Annualized Alpha". */
  readonly annualizedAlpha: number;
  /** CAPM.beta: cov(asset, benchmark) / var(benchmark). */
  readonly beta: number;
  readonly correlation: number;
  /** Return.annualized (geometric) of each series over the shared periods. */
  readonly annualizedReturn: number;
  readonly benchmarkAnnualizedReturn: number;
  /** ActivePremium: annualizedReturn - benchmarkAnnualizedReturn. */
  readonly activePremium: number;
  /** TrackingError: sample sd of (asset - benchmark) x sqrt(scale). */
  readonly trackingError: number;
  /** InformationRatio: activePremium / trackingError. */
  readonly informationRatio: number;
}

/**
 * CAPM alpha and beta, tracking error and information ratio of `asset`
 * against `benchmark` (paired per period; periods where either is NaN are
 * left out, as PA's na.omit(merge(Ra, Rb))), annualized with `scale`
 * periods per year. Needs at least 2 shared periods.
 */
export function relativeStats(asset: Float64Array, benchmark: Float64Array, scale: number): RelativeStats {
  checkScale("scale", scale);
  const both = (t: number) => asset[t] === asset[t] && benchmark[t] === benchmark[t];
  const { mean, covariance: cov, rows: n } = sampleMoments([asset, benchmark]);
  const beta = cov[1] / cov[3];
  const alpha = mean[0] - beta * mean[1];
  let growthA = 1;
  let growthB = 1;
  const active: number[] = [];
  for (let t = 0; t < asset.length; t++) {
    if (!both(t)) continue;
    growthA *= 1 + asset[t];
    growthB *= 1 + benchmark[t];
    active.push(asset[t] - benchmark[t]);
  }
  const annualizedReturn = growthA ** (scale / n) - 1;
  const benchmarkAnnualizedReturn = growthB ** (scale / n) - 1;
  const activePremium = annualizedReturn - benchmarkAnnualizedReturn;
  const trackingError = sampleSd(active) * Math.sqrt(scale);
  return {
    n, alpha, annualizedAlpha: (1 + alpha) ** scale - 1, beta, correlation: cov[1] / Math.sqrt(cov[0] * cov[3]),
    annualizedReturn, benchmarkAnnualizedReturn, activePremium, trackingError, informationRatio: activePremium / trackingError,
  };
}

function sampleSd(x: readonly number[]): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1));
}
