import { ld, st } from "../lib/arena";
import { chiSquare, normal, seedRandom } from "./random";
import { historicalOf } from "./select";

// Monte Carlo VaR and ES of a portfolio (twin: src/risk/montecarlo.ts).

/**
 * Lower Cholesky factor (row-major) of the symmetric positive semi-definite
 * k x k matrix a into l. A zero pivot (within rounding) gives a zero column.
 * Returns -1, or the row of a negative pivot (its value then in l[0]).
 */
export function cholesky(a: usize, k: i32, l: usize): i32 {
  for (let i = 0; i < k * k; i++) st(l, i, 0);
  let largest = 0.0;
  for (let i = 0; i < k; i++) largest = Math.max(largest, Math.abs(ld(a, i * k + i)));
  const tol = 1e-12 * largest;
  for (let j = 0; j < k; j++) {
    let d = ld(a, j * k + j);
    for (let m = 0; m < j; m++) d -= ld(l, j * k + m) * ld(l, j * k + m);
    if (d < -tol) {
      st(l, 0, d);
      return j;
    }
    const ljj = d > tol ? Math.sqrt(d) : 0.0;
    st(l, j * k + j, ljj);
    for (let i = j + 1; i < k; i++) {
      let s = ld(a, i * k + j);
      for (let m = 0; m < j; m++) s -= ld(l, i * k + m) * ld(l, j * k + m);
      st(l, i * k + j, ljj > 0 ? s / ljj : 0.0);
    }
  }
  return -1;
}

/**
 * params = [weights (k), means (k), covariance (k x k), workspace (k x k + k)].
 * Simulates `paths` portfolio returns w . (means + L z) into `paths` values at
 * `scratch`, with z standard normal, or (df > 0) multivariate Student-t scaled
 * to unit variance: z * sqrt((df - 2) / chi2(df)). Then out = [VaR, ES, mean,
 * sample sd] of the simulated returns, VaR and ES by the historical estimators
 * at tail probability alpha. Returns -1, or cholesky's failing row.
 */
export function monteCarlo(params: usize, k: i32, paths: i32, seed: u32, df: f64, alpha: f64, scratch: usize, out: usize): i32 {
  const w = params;
  const mu = params + (<usize>k << 3);
  const cov = params + (<usize>(2 * k) << 3);
  const l = params + (<usize>(2 * k + k * k) << 3);
  const z = l + (<usize>(k * k) << 3);
  const failed = cholesky(cov, k, l);
  if (failed >= 0) {
    st(out, 0, ld(l, 0));
    return failed;
  }
  seedRandom(seed);
  let center = 0.0;
  for (let i = 0; i < k; i++) center += ld(w, i) * ld(mu, i);
  for (let p = 0; p < paths; p++) {
    for (let i = 0; i < k; i++) st(z, i, normal());
    const scale = df > 0 ? Math.sqrt((df - 2.0) / chiSquare(df)) : 1.0;
    let acc = 0.0;
    for (let i = 0; i < k; i++) {
      let xi = 0.0;
      for (let j = 0; j <= i; j++) xi += ld(l, i * k + j) * ld(z, j);
      acc += ld(w, i) * xi;
    }
    st(scratch, p, center + scale * acc);
  }
  let sum = 0.0;
  for (let p = 0; p < paths; p++) sum += ld(scratch, p);
  const mean = sum / <f64>paths;
  let ss = 0.0;
  for (let p = 0; p < paths; p++) {
    const d = ld(scratch, p) - mean;
    ss += d * d;
  }
  historicalOf(scratch, paths, alpha, out);
  st(out, 2, mean);
  st(out, 3, Math.sqrt(ss / <f64>(paths - 1)));
  return -1;
}
