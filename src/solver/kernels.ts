/**
 * The numeric steps of the linear solvers, written once per backend. `B`
 * names a float64 buffer: a Float64Array here, a byte address in
 * build/solver.wasm (assembly/solver/*.ts, same names and arguments, where
 * each function is documented). The twins below follow the kernels' order
 * of operations, so both round alike.
 */
export interface SolverKernels<B> {
  dominance(a: B, n: number): number;
  asymmetry(a: B, n: number): number;
  residualNorm(a: B, b: B, x: B, n: number): number;
  /** -1 on success, else the row whose pivot failed. */
  choleskyFactor(a: B, l: B, n: number, minPivot: number): number;
  choleskySolve(l: B, b: B, x: B, n: number): void;
  /** Iterations; -1: not converged; -2: p^T A p <= 0. */
  conjugateGradient(a: B, b: B, x: B, r: B, p: B, q: B, n: number, tol: number, maxIterations: number): number;
  /** Sweeps, or -1; out[0] = pushes, out[1] = max |r_j / a_jj|. */
  pushSolve(a: B, b: B, x: B, r: B, n: number, theta: number, maxSweeps: number, out: B): number;
  /** Pushes, or -1; out[0] = estimate of x_i, out[1] = ||s||_1. */
  pushEntry(a: B, b: B, s: B, n: number, i: number, target: number, maxPushes: number, out: B): number;
}

type V = Float64Array;

/** sum p[po + k] q[qo + k] for k < len, in two lanes (even, odd) like the kernel's f64x2. */
function dot(p: V, po: number, q: V, qo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let k = 0;
  for (; k + 1 < len; k += 2) {
    s0 += p[po + k] * q[qo + k];
    s1 += p[po + k + 1] * q[qo + k + 1];
  }
  let s = s0 + s1;
  if (k < len) s += p[po + k] * q[qo + k];
  return s;
}

function maxScaledResidual(a: V, r: V, n: number): number {
  let worst = 0;
  for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(r[j] / a[j * n + j]));
  return worst;
}

export const tsKernels: SolverKernels<Float64Array> = {
  dominance(a, n) {
    let worst = 0;
    for (let i = 0; i < n; i++) {
      let off = 0;
      for (let j = 0; j < n; j++) off += Math.abs(a[i * n + j]);
      const d = Math.abs(a[i * n + i]);
      off -= d;
      const ratio = d > 0 ? off / d : Infinity;
      if (ratio > worst) worst = ratio;
    }
    return worst;
  },

  asymmetry(a, n) {
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      scale = Math.max(scale, Math.abs(a[i * n + i]));
      for (let j = i + 1; j < n; j++) {
        const u = a[i * n + j];
        const l = a[j * n + i];
        scale = Math.max(scale, Math.abs(u), Math.abs(l));
        diff = Math.max(diff, Math.abs(u - l));
      }
    }
    return scale > 0 ? diff / scale : 0;
  },

  residualNorm(a, b, x, n) {
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = b[i] - dot(a, i * n, x, 0, n);
      ss += d * d;
    }
    return Math.sqrt(ss);
  },

  choleskyFactor(a, l, n, minPivot) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) l[i * n + j] = (a[i * n + j] - dot(l, i * n, l, j * n, j)) / l[j * n + j];
      const aii = a[i * n + i];
      const d = aii - dot(l, i * n, l, i * n, i);
      if (!(d > minPivot * aii) || !(aii > 0)) return i;
      l[i * n + i] = Math.sqrt(d);
      for (let j = i + 1; j < n; j++) l[i * n + j] = 0;
    }
    return -1;
  },

  choleskySolve(l, b, x, n) {
    for (let i = 0; i < n; i++) x[i] = (b[i] - dot(l, i * n, x, 0, i)) / l[i * n + i];
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
      x[i] = s / l[i * n + i];
    }
  },

  conjugateGradient(a, b, x, r, p, q, n, tol, maxIterations) {
    x.fill(0, 0, n);
    r.set(b.subarray(0, n));
    p.set(b.subarray(0, n));
    let rr = dot(r, 0, r, 0, n);
    const stop = tol * Math.sqrt(dot(b, 0, b, 0, n));
    if (Math.sqrt(rr) <= stop) return 0;
    for (let k = 1; k <= maxIterations; k++) {
      for (let i = 0; i < n; i++) q[i] = dot(a, i * n, p, 0, n);
      const pq = dot(p, 0, q, 0, n);
      if (!(pq > 0)) return -2;
      const alpha = rr / pq;
      for (let i = 0; i < n; i++) {
        x[i] += alpha * p[i];
        r[i] -= alpha * q[i];
      }
      const rr1 = dot(r, 0, r, 0, n);
      if (Math.sqrt(rr1) <= stop) return k;
      const beta = rr1 / rr;
      for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
      rr = rr1;
    }
    return -1;
  },

  pushSolve(a, b, x, r, n, theta, maxSweeps, out) {
    x.fill(0, 0, n);
    r.set(b.subarray(0, n));
    let pushes = 0;
    let sweeps = 0;
    let exact = true;
    for (;;) {
      const worst = maxScaledResidual(a, r, n);
      if (worst <= theta) {
        if (exact) {
          out[0] = pushes;
          out[1] = worst;
          return sweeps;
        }
        for (let i = 0; i < n; i++) r[i] = b[i] - dot(a, i * n, x, 0, n);
        exact = true;
        continue;
      }
      if (sweeps === maxSweeps) {
        out[0] = pushes;
        out[1] = worst;
        return -1;
      }
      sweeps++;
      exact = false;
      for (let j = 0; j < n; j++) {
        const d = r[j] / a[j * n + j];
        if (Math.abs(d) <= theta) continue;
        x[j] += d;
        for (let i = 0; i < n; i++) r[i] -= a[i * n + j] * d;
        r[j] = 0;
        pushes++;
      }
    }
  },

  pushEntry(a, b, s, n, i, target, maxPushes, out) {
    s.fill(0, 0, n);
    s[i] = 1;
    let norm1 = 1;
    let k = i;
    let value = 0;
    let pushes = 0;
    while (norm1 > target) {
      if (pushes === maxPushes) {
        out[0] = value;
        out[1] = norm1;
        return -1;
      }
      const rk = k * n;
      const d = s[k] / a[rk + k];
      value += d * b[k];
      s[k] = 0;
      norm1 = 0;
      let largest = 0;
      let next = k;
      for (let l = 0; l < n; l++) {
        if (l === k) continue;
        const v = s[l] - a[rk + l] * d;
        s[l] = v;
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
    out[0] = value;
    out[1] = norm1;
    return pushes;
  },
};
