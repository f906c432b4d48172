import { ld, st } from "../lib/arena";
import { dot, row } from "./dense";

/**
 * Dense Cholesky A = L L^T (row by row, Cholesky-Banachiewicz), reading only
 * the lower triangle of a and writing L, upper part zeroed, to l. A pivot
 * d_i = a_ii - sum_k l_ik^2 must exceed minPivot * a_ii: a smaller one means
 * A is not positive definite, or is so close to singular (row i nearly a
 * combination of earlier rows) that a solve would be noise. Returns -1 on
 * success, else the row whose pivot failed.
 */
export function choleskyFactor(a: usize, l: usize, n: i32, minPivot: f64): i32 {
  for (let i = 0; i < n; i++) {
    const ai = row(a, n, i);
    const li = row(l, n, i);
    for (let j = 0; j < i; j++) {
      const lj = row(l, n, j);
      st(li, j, (ld(ai, j) - dot(li, lj, j)) / ld(lj, j));
    }
    const aii = ld(ai, i);
    const d = aii - dot(li, li, i);
    if (!(d > minPivot * aii) || !(aii > 0.0)) return i;
    st(li, i, Math.sqrt(d));
    for (let j = i + 1; j < n; j++) st(li, j, 0.0);
  }
  return -1;
}

/** Solves L L^T x = b with the factor from choleskyFactor; x must not alias b. */
export function choleskySolve(l: usize, b: usize, x: usize, n: i32): void {
  // Forward: L y = b, y stored in x.
  for (let i = 0; i < n; i++) {
    const li = row(l, n, i);
    st(x, i, (ld(b, i) - dot(li, x, i)) / ld(li, i));
  }
  // Backward: L^T x = y, reading L by columns.
  for (let i = n - 1; i >= 0; i--) {
    let s = ld(x, i);
    for (let k = i + 1; k < n; k++) s -= ld(row(l, n, k), i) * ld(x, k);
    st(x, i, s / ld(row(l, n, i), i));
  }
}
