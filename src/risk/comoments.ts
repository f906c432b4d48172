import { ConfigError } from "../core/errors.ts";
import { checkCompleteRows, checkPaired, checkReturns } from "./params.ts";
import type { Comoments } from "./stats.ts";

/** Covariance, beta and correlation over the dates where both series are present (PA's CAPM.beta, Rf = 0). */
export function comoments(asset: Float64Array, benchmark: Float64Array): Comoments {
  checkPaired("benchmark", asset, benchmark);
  checkReturns("asset", asset, 0);
  checkReturns("benchmark", benchmark, 0);
  const [cov, n] = covarianceMatrixOf([asset, benchmark], "benchmark");
  const sab = cov[1];
  return { n, covariance: sab, beta: sab / cov[3], correlation: sab / Math.sqrt(cov[0] * cov[3]) };
}

/** Sample covariance matrix (row-major k x k) over the rows where every series is present. */
export function covarianceMatrix(series: readonly Float64Array[]): Float64Array {
  checkSeriesList(series);
  return covarianceMatrixOf(series, "series")[0];
}

/** One or more series of equal length with no infinite value (shared with the WASM wrapper). */
export function checkSeriesList(series: readonly Float64Array[]): void {
  if (series.length === 0) throw new ConfigError("series is empty; at least one return series needed", { field: "series" });
  series.forEach((s, i) => {
    checkPaired("series", series[0], s);
    checkReturns(`series[${i}]`, s, 0);
  });
}

/** The matrix and the number of complete rows, which must be at least 2. */
function covarianceMatrixOf(series: readonly Float64Array[], field: string): [Float64Array, number] {
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
  return [cov, n];
}
