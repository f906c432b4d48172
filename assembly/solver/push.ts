import { ld, st } from "../lib/arena";
import { dot, row } from "./dense";

// Push solvers for strictly (row) diagonally dominant A. With D = diag(A),
// the Jacobi splitting x = D^-1 b + M x, M = I - D^-1 A, has ||M||_inf =
// rho < 1 (rho from dominance()), so x = sum_k M^k D^-1 b converges (Neumann
// series) and (I - M)^-1 has infinity norm at most 1 / (1 - rho).

/**
 * Full solve by forward push from x = 0. Keeps the residual r = b - A x;
 * pushing coordinate j moves d = r_j / a_jj into x_j and spreads it to the
 * other residuals through column j (r_i -= a_ij d), leaving r_j = 0. Sweeps
 * push, in order, every j whose scaled residual |r_j / a_jj| exceeds theta:
 * a thresholded Gauss-Seidel sweep, which shrinks the error's infinity norm
 * by at least rho per sweep. Stops when every scaled residual is <= theta,
 * checked again on r recomputed from scratch, so that
 * ||x - x*||_inf <= ||D^-1 r||_inf / (1 - rho) <= theta / (1 - rho).
 * Returns the sweeps made, or -1 after maxSweeps; out[0] = pushes,
 * out[1] = final max |r_j / a_jj|.
 */
export function pushSolve(
  a: usize, b: usize, x: usize, r: usize, n: i32, theta: f64, maxSweeps: i32, out: usize,
): i32 {
  for (let i = 0; i < n; i++) {
    st(x, i, 0.0);
    st(r, i, ld(b, i));
  }
  const stride = <usize>n << 3;
  let pushes = 0;
  let sweeps = 0;
  let exact = true; // r was computed from x directly, not updated push by push
  while (true) {
    const worst = maxScaledResidual(a, r, n);
    if (worst <= theta) {
      if (exact) {
        st(out, 0, <f64>pushes);
        st(out, 1, worst);
        return sweeps;
      }
      for (let i = 0; i < n; i++) st(r, i, ld(b, i) - dot(row(a, n, i), x, n));
      exact = true;
      continue;
    }
    if (sweeps == maxSweeps) {
      st(out, 0, <f64>pushes);
      st(out, 1, worst);
      return -1;
    }
    sweeps++;
    exact = false;
    for (let j = 0; j < n; j++) {
      const d = ld(r, j) / ld(row(a, n, j), j);
      if (Math.abs(d) <= theta) continue;
      st(x, j, ld(x, j) + d);
      let p = a + (<usize>j << 3);
      for (let i = 0; i < n; i++) {
        st(r, i, ld(r, i) - load<f64>(p) * d);
        p += stride;
      }
      st(r, j, 0.0);
      pushes++;
    }
  }
}

function maxScaledResidual(a: usize, r: usize, n: i32): f64 {
  let worst = 0.0;
  for (let j = 0; j < n; j++) {
    const v = Math.abs(ld(r, j) / ld(row(a, n, j), j));
    if (v > worst) worst = v;
  }
  return worst;
}

/**
 * Estimates the single entry x_i = e_i^T A^-1 b by backward (transposed)
 * push, without solving for the rest of x. With c = D^-1 b and
 * x_i = y^T c where (I - M)^T y = e_i, it keeps an estimate p of y and a
 * residual s (p = 0, s = e_i at the start) under the invariant
 * y = p + (I - M^T)^-1 s, hence
 *   x_i = p^T c + s^T x  and  |x_i - p^T c| <= ||s||_1 ||x||_inf
 *                                          <= ||s||_1 ||c||_inf / (1 - rho).
 * Pushing k moves s_k into p_k and spreads it along row k of A
 * (s_l -= a_kl s_k / a_kk): it reads one row, and cuts ||s||_1 by at least
 * (1 - rho) |s_k|. Always pushing the largest |s_k| makes every push shrink
 * ||s||_1 by a factor of at least 1 - (1 - rho) / n, and far more when x_i
 * depends on few unknowns. Stops when ||s||_1 <= target (the caller picks
 * target = tol (1 - rho), a bound of tol ||c||_inf). Returns the pushes made,
 * or -1 after maxPushes; out[0] = p^T c (the estimate), out[1] = ||s||_1.
 */
export function pushEntry(
  a: usize, b: usize, s: usize, n: i32, i: i32, target: f64, maxPushes: i32, out: usize,
): i32 {
  for (let l = 0; l < n; l++) st(s, l, 0.0);
  st(s, i, 1.0);
  let norm1 = 1.0;
  let k = i;
  let value = 0.0;
  let pushes = 0;
  while (norm1 > target) {
    if (pushes == maxPushes) {
      st(out, 0, value);
      st(out, 1, norm1);
      return -1;
    }
    const rk = row(a, n, k);
    const d = ld(s, k) / ld(rk, k);
    value += d * ld(b, k);
    st(s, k, 0.0);
    norm1 = 0.0;
    let largest = 0.0;
    let next = k;
    for (let l = 0; l < n; l++) {
      if (l == k) continue;
      const v = ld(s, l) - ld(rk, l) * d;
      st(s, l, v);
      const m = Math.abs(v);
      norm1 += m;
      if (m > largest) {
        largest = m;
        next = l;
      }
    }
    k = next;
    pushes++;
  }
  st(out, 0, value);
  st(out, 1, norm1);
  return pushes;
}
