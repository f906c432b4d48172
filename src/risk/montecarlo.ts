import { ConfigError, checkAllFinite } from "../core/errors.ts";
import { checkConfidence, checkInteger } from "./params.ts";
import { Random } from "../core/random.ts";
import type { MonteCarloRisk, MonteCarloSpec } from "./stats.ts";
import { historicalOf } from "./var.ts";

export const MAX_PATHS = 100_000_000;

/**
 * Monte Carlo VaR and ES of a portfolio. Each path draws k independent
 * innovations z (standard normal, or multivariate Student-t scaled to unit
 * variance: z * sqrt((df - 2) / chi2(df)) with one chi-square per path),
 * makes asset returns x = means + L z with L the Cholesky factor of the
 * covariance, and records the portfolio return w . x. VaR and ES are then
 * the historical estimators (type-7 quantile, mean strictly below) of the
 * simulated returns.
 */
export function monteCarlo(spec: MonteCarloSpec): MonteCarloRisk {
  const k = checkMonteCarlo(spec);
  const chol = cholesky(spec.covariance, k);
  const x = simulatePortfolio(spec, chol);
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  return { ...historicalOf(x, n, 1 - spec.confidence), paths: n, mean, stdDev: Math.sqrt(ss / (n - 1)) };
}

/** The simulated portfolio returns, in path order (`chol` from `cholesky`). */
export function simulatePortfolio(spec: MonteCarloSpec, chol: Float64Array): Float64Array {
  const { weights: w, means, paths, df } = spec;
  const k = w.length;
  const rng = new Random(spec.seed);
  const z = new Float64Array(k);
  let center = 0;
  for (let i = 0; i < k; i++) center += w[i] * means[i];
  const out = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    for (let i = 0; i < k; i++) z[i] = rng.normal();
    const scale = df === undefined ? 1 : Math.sqrt((df - 2) / rng.chiSquare(df));
    let acc = 0;
    for (let i = 0; i < k; i++) {
      let xi = 0;
      for (let j = 0; j <= i; j++) xi += chol[i * k + j] * z[j];
      acc += w[i] * xi;
    }
    out[p] = center + scale * acc;
  }
  return out;
}

/**
 * Lower Cholesky factor (row-major) of a symmetric positive semi-definite
 * matrix: a zero pivot (within rounding) gives a zero column, a negative one
 * is an error naming `covariance`.
 */
export function cholesky(a: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  let largest = 0;
  for (let i = 0; i < k; i++) largest = Math.max(largest, Math.abs(a[i * k + i]));
  const tol = 1e-12 * largest;
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j];
    for (let m = 0; m < j; m++) d -= l[j * k + m] * l[j * k + m];
    if (d < -tol) throw notPositiveSemiDefinite(d, j);
    const ljj = d > tol ? Math.sqrt(d) : 0;
    l[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j];
      for (let m = 0; m < j; m++) s -= l[i * k + m] * l[j * k + m];
      l[i * k + j] = ljj > 0 ? s / ljj : 0;
    }
  }
  return l;
}

/** The error for a covariance matrix with a negative Cholesky pivot `pivot` at `row`. */
export function notPositiveSemiDefinite(pivot: number, row: number): ConfigError {
  return new ConfigError(`covariance is not positive semi-definite (pivot ${pivot} at row ${row})`, { field: "covariance" });
}

/** Validates a spec (shared with the WASM wrapper); returns the number of assets. */
export function checkMonteCarlo(spec: MonteCarloSpec): number {
  const k = spec.weights.length;
  if (k === 0) throw new ConfigError("weights is empty; at least one asset needed", { field: "weights" });
  if (spec.means.length !== k) {
    throw new ConfigError(`means has ${spec.means.length} values for ${k} weights`, { field: "means" });
  }
  if (spec.covariance.length !== k * k) {
    throw new ConfigError(`covariance has ${spec.covariance.length} values; ${k} x ${k} = ${k * k} needed`, { field: "covariance" });
  }
  checkAllFinite("weights", spec.weights);
  checkAllFinite("means", spec.means);
  checkAllFinite("covariance", spec.covariance);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) {
      const a = spec.covariance[i * k + j];
      const b = spec.covariance[j * k + i];
      if (Math.abs(a - b) > 1e-12 * Math.max(Math.abs(a), Math.abs(b), 1e-300)) {
        throw new ConfigError(`covariance is not symmetric: [${i}][${j}] = ${a} but [${j}][${i}] = ${b}`, { field: "covariance" });
      }
    }
  }
  checkConfidence("confidence", spec.confidence);
  checkInteger("paths", spec.paths, 2, MAX_PATHS);
  checkInteger("seed", spec.seed, 0, 2 ** 32 - 1);
  if (spec.df !== undefined && !(Number.isFinite(spec.df) && spec.df > 2)) {
    throw new ConfigError(`df must be a finite number > 2 (Student-t with finite variance), got ${spec.df}`, { field: "df" });
  }
  return k;
}
