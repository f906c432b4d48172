import { ld, st } from "../lib/arena";
import { dot, row } from "./dense";

/**
 * Conjugate gradient for symmetric positive definite A, from x = 0. Stops
 * when the recurrence residual ||r||_2 <= tol ||b||_2. Returns the number of
 * iterations, -1 when maxIterations pass first, -2 when p^T A p <= 0 (A is
 * not positive definite). r, p, q are n-value scratch buffers.
 */
export function conjugateGradient(
  a: usize, b: usize, x: usize, r: usize, p: usize, q: usize, n: i32, tol: f64, maxIterations: i32,
): i32 {
  for (let i = 0; i < n; i++) {
    const bi = ld(b, i);
    st(x, i, 0.0);
    st(r, i, bi);
    st(p, i, bi);
  }
  let rr = dot(r, r, n);
  const stop = tol * Math.sqrt(dot(b, b, n));
  if (Math.sqrt(rr) <= stop) return 0;
  for (let k = 1; k <= maxIterations; k++) {
    for (let i = 0; i < n; i++) st(q, i, dot(row(a, n, i), p, n));
    const pq = dot(p, q, n);
    if (!(pq > 0.0)) return -2;
    const alpha = rr / pq;
    for (let i = 0; i < n; i++) {
      st(x, i, ld(x, i) + alpha * ld(p, i));
      st(r, i, ld(r, i) - alpha * ld(q, i));
    }
    const rr1 = dot(r, r, n);
    if (Math.sqrt(rr1) <= stop) return k;
    const beta = rr1 / rr;
    for (let i = 0; i < n; i++) st(p, i, ld(r, i) + beta * ld(p, i));
    rr = rr1;
  }
  return -1;
}
