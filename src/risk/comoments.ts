import { ConfigError } from "../core/errors.ts";
import { checkCompleteRows, checkPaired, checkReturns } from "./params.ts";
import type { Comoments } from "./stats.ts";

/** Covariance, beta and correlation over the dates where both series are present (PA's CAPM.beta, Rf = 0). */
export function comoments(asset: Float64Array, benchmark: Float64Array): Comoments {
  checkPaired("benchmark", asset, benchmark);
  checkReturns("asset", asset, 0);
  checkReturns("benchmark", benchmark, 0);
  const { covariance: cov, rows: n } = sampleMomentsOf([asset, benchmark], "benchmark");
  const sab = cov[1];
  return { n, covariance: sab, beta: sab / cov[3], correlation: sab / Math.sqrt(cov[0] * cov[3]) };
}

/** Sample covariance matrix (row-major k x k) over the rows where every series is present. */
export function covarianceMatrix(series: readonly Float64Array[]): Float64Array {
  checkSeriesList(series);
  return sampleMoments(series).covariance;
}

/** Means and sample covariance of several series over the rows where every one is present. */
export interface SampleMoments {
  /** Mean per series. */
  readonly mean: Float64Array;
  /** Sample covariance (divisor rows - 1), k x k row-major, exactly symmetric. */
  readonly covariance: Float64Array;
  /** Complete rows used (at least 2). */
  readonly rows: number;
}

export function sampleMoments(series: readonly Float64Array[]): SampleMoments {
  checkSeriesList(series);
  return sampleMomentsOf(series, "series");
}

/** One or more series of equal length with no infinite value (shared with the WASM wrapper). */
export function checkSeriesList(series: readonly Float64Array[]): void {
  if (series.length === 0) throw new ConfigError("series is empty; at least one return series needed", { field: "series" });
  series.forEach((s, i) => {
    checkPaired("series", series[0], s);
    checkReturns(`series[${i}]`, s, 0);
  });
}

/** Means, covariance and the number of complete rows, which must be at least 2. */
function sampleMomentsOf(series: readonly Float64Array[], field: string): SampleMoments {
  const k = series.length;
  const rows = series[0].length;
  const complete = (t: number) => series.every((s) => s[t] === s[t]);
  const mean = new Float64Array(k);
  let n = 0;
  for (let t = 0; t < rows; t++) {
    if (!complete(t)) continue;
    n++;
    for (let a = 0; a < k; a++) mean[a] += series[a][t];
  }
  checkCompleteRows(field, n);
  for (let a = 0; a < k; a++) mean[a] /= n;
  const cov = new Float64Array(k * k);
  for (let t = 0; t < rows; t++) {
    if (!complete(t)) continue;
    for (let a = 0; a < k; a++) {
      const da = series[a][t] - mean[a];
      for (let b = 0; b <= a; b++) cov[a * k + b] += da * (series[b][t] - mean[b]);
    }
  }
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) cov[b * k + a] = cov[a * k + b] /= n - 1;
  }
  return { mean, covariance: cov, rows: n };
}
