import { ld, st } from "../lib/arena";

// Sample covariance matrix (twin: src/risk/comoments.ts).

/**
 * src holds k series of n values one after another; out gets the row-major
 * k x k sample covariance over the rows where every series is present.
 * `means` holds k values of scratch. Returns the number of complete rows
 * (below 2, out is not written).
 */
export function covarianceMatrix(src: usize, k: i32, n: i32, means: usize, out: usize): i32 {
  for (let a = 0; a < k; a++) st(means, a, 0);
  let rows: i32 = 0;
  for (let t = 0; t < n; t++) {
    if (!complete(src, k, n, t)) continue;
    rows++;
    for (let a = 0; a < k; a++) st(means, a, ld(means, a) + ld(src, a * n + t));
  }
  if (rows < 2) return rows;
  for (let a = 0; a < k; a++) st(means, a, ld(means, a) / <f64>rows);
  for (let a = 0; a < k * k; a++) st(out, a, 0);
  for (let t = 0; t < n; t++) {
    if (!complete(src, k, n, t)) continue;
    for (let a = 0; a < k; a++) {
      const da = ld(src, a * n + t) - ld(means, a);
      for (let b = 0; b <= a; b++) st(out, a * k + b, ld(out, a * k + b) + da * (ld(src, b * n + t) - ld(means, b)));
    }
  }
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      const v = ld(out, a * k + b) / <f64>(rows - 1);
      st(out, a * k + b, v);
      st(out, b * k + a, v);
    }
  }
  return rows;
}

function complete(src: usize, k: i32, n: i32, t: i32): bool {
  for (let a = 0; a < k; a++) if (isNaN(ld(src, a * n + t))) return false;
  return true;
}
