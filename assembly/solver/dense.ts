import { ld } from "../lib/arena";

// Dense n x n matrices are row-major float64: a[i][j] lives at a + 8 (i n + j).

/** Address of row i of an n x n matrix. */
// @ts-ignore: decorator
@inline export function row(a: usize, n: i32, i: i32): usize {
  return a + ((<usize>i * <usize>n) << 3);
}

/**
 * Dot product of len values at p and q. Two lanes: even indices sum in lane
 * 0, odd in lane 1, then lane 0 + lane 1 plus the odd tail, the order the
 * TypeScript twin (src/solver/kernels.ts) follows, so both round alike.
 */
export function dot(p: usize, q: usize, len: i32): f64 {
  let acc = f64x2.splat(0.0);
  let i = 0;
  for (; i + 1 < len; i += 2) {
    const off = <usize>i << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(p + off), v128.load(q + off)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (i < len) s += ld(p, i) * ld(q, i);
  return s;
}

/** ||b - A x||_2. */
export function residualNorm(a: usize, b: usize, x: usize, n: i32): f64 {
  let ss = 0.0;
  for (let i = 0; i < n; i++) {
    const d = ld(b, i) - dot(row(a, n, i), x, n);
    ss += d * d;
  }
  return Math.sqrt(ss);
}

/**
 * max_i sum_{j != i} |a_ij| / |a_ii|: the infinity norm of the Jacobi
 * iteration matrix I - D^-1 A. Below 1 exactly when A is strictly (row)
 * diagonally dominant; Infinity when a diagonal entry is zero.
 */
export function dominance(a: usize, n: i32): f64 {
  let worst = 0.0;
  for (let i = 0; i < n; i++) {
    const r = row(a, n, i);
    let off = 0.0;
    for (let j = 0; j < n; j++) off += Math.abs(ld(r, j));
    const d = Math.abs(ld(r, i));
    off -= d;
    const ratio = d > 0.0 ? off / d : Infinity;
    if (ratio > worst) worst = ratio;
  }
  return worst;
}

/** max_{i<j} |a_ij - a_ji| / max |a_ij|: 0 for an exactly symmetric matrix (or a zero one). */
export function asymmetry(a: usize, n: i32): f64 {
  let diff = 0.0;
  let scale = 0.0;
  for (let i = 0; i < n; i++) {
    const r = row(a, n, i);
    const d = Math.abs(ld(r, i));
    if (d > scale) scale = d;
    for (let j = i + 1; j < n; j++) {
      const u = ld(r, j);
      const l = ld(row(a, n, j), i);
      const m = Math.max(Math.abs(u), Math.abs(l));
      if (m > scale) scale = m;
      const e = Math.abs(u - l);
      if (e > diff) diff = e;
    }
  }
  return scale > 0.0 ? diff / scale : 0.0;
}
