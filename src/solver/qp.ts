import { ConfigError } from "../core/errors.ts";
import { ConvergenceError, type LinearSolver } from "./types.ts";
import { dot, matVec } from "./vectors.ts";

/** normal . x = rhs ("eq") or normal . x >= rhs ("ge"). */
export interface LinearConstraint {
  readonly normal: Float64Array;
  readonly rhs: number;
  readonly kind: "eq" | "ge";
}

/** minimise 1/2 x^T G x + c^T x subject to the constraints; G symmetric positive definite (n x n, row-major). */
export interface QuadraticProgram {
  readonly g: Float64Array;
  readonly c: Float64Array;
  readonly constraints: readonly LinearConstraint[];
}

export interface QPSolution {
  readonly x: Float64Array;
  /**
   * One per constraint, with G x + c = sum_j multipliers[j] normal_j;
   * >= 0 for "ge" constraints, 0 for those not active.
   */
  readonly multipliers: Float64Array;
  /** Indices of the constraints held with equality at x. */
  readonly active: readonly number[];
  /** Constraint additions and drops made. */
  readonly iterations: number;
}

/** The constraints admit no point. */
export class InfeasibleError extends ConfigError {}

/** A "ge" constraint counts as violated below -FEASIBILITY * (1 + |rhs| + sum_i |normal_i x_i|). */
const FEASIBILITY = 1e-12;
/** z counts as zero (the new normal lies in the span of the active ones) when z.n <= ZERO_STEP * n^T G^-1 n. */
const ZERO_STEP = 1e-13;

/**
 * Strictly convex quadratic program by the dual active-set method of
 * Goldfarb and Idnani (Math. Programming 27, 1983), the method of R's
 * quadprog. It starts at the unconstrained minimum -G^-1 c and adds violated
 * constraints one at a time, dropping an active one whenever its multiplier
 * would turn negative, so every iterate is optimal for the constraints it
 * holds and the first feasible iterate is the optimum; no feasible starting
 * point is needed, and a constraint that cannot be added proves the problem
 * infeasible. Each step solves its small systems afresh with `solver`
 * (G^-1 once, by Cholesky with n right-hand sides), which suits the dozens
 * to hundreds of variables of a portfolio.
 */
export function solveQP(qp: QuadraticProgram, solver: LinearSolver): QPSolution {
  const n = qp.c.length;
  if (qp.g.length !== n * n) throw new ConfigError(`G must be ${n} x ${n} to match c, got ${qp.g.length} values`, { field: "g" });
  qp.constraints.forEach((con, j) => {
    if (con.normal.length !== n) throw new ConfigError(`constraint ${j} has ${con.normal.length} coefficients, expected ${n}`, { field: "constraints" });
  });
  const gInv = solver.cholesky(qp.g, identity(n)).x;
  symmetrize(gInv, n);
  const m = qp.constraints.length;
  const orient = new Float64Array(m).fill(1);
  const hn: (Float64Array | undefined)[] = new Array(m);
  const normal = (j: number) => qp.constraints[j].normal;
  /** G^-1 n_j, not oriented. */
  const gInvNormal = (j: number) => {
    hn[j] ??= matVec(gInv, normal(j), n);
    return hn[j]!;
  };
  /** n_j . x - rhs_j, oriented: negative when violated. */
  const slack = (j: number, x: Float64Array) => orient[j] * (dot(normal(j), x) - qp.constraints[j].rhs);
  const tolerance = (j: number, x: Float64Array) => {
    let s = Math.abs(qp.constraints[j].rhs);
    for (let i = 0; i < n; i++) s += Math.abs(normal(j)[i] * x[i]);
    return FEASIBILITY * (1 + s);
  };

  const x = matVec(gInv, qp.c, n).map((v) => -v);
  let active: number[] = [];
  let u: number[] = [];
  const done = new Uint8Array(m); // equalities added or found redundant
  let iterations = 0;
  const maxIterations = 50 * (n + m) + 100;

  for (;;) {
    const p = nextConstraint();
    if (p < 0) break;
    if (qp.constraints[p].kind === "eq" && slack(p, x) > 0) orient[p] = -1;
    const np = normal(p).map((v) => v * orient[p]);
    const hp = gInvNormal(p).map((v) => v * orient[p]);
    let up = 0; // multiplier of p while it is being added
    for (;;) {
      if (++iterations > maxIterations) throw new ConvergenceError(`quadratic program: no solution after ${maxIterations} active-set changes (cycling?)`);
      // Step directions: z in the primal space, r for the active multipliers.
      const r = activeSolve(active, hp);
      const z = hp.slice();
      active.forEach((j, a) => {
        const h = gInvNormal(j);
        for (let i = 0; i < n; i++) z[i] -= r[a] * orient[j] * h[i];
      });
      const zn = dot(z, np);
      let t1 = Infinity;
      let drop = -1;
      active.forEach((j, a) => {
        if (qp.constraints[j].kind === "ge" && r[a] > 0 && u[a] / r[a] < t1) [t1, drop] = [u[a] / r[a], a];
      });
      const s = slack(p, x);
      const t2 = zn > ZERO_STEP * dot(np, hp) ? -s / zn : Infinity;
      if (t1 === Infinity && t2 === Infinity) {
        if (qp.constraints[p].kind === "eq" && Math.abs(s) <= tolerance(p, x)) {
          done[p] = 1; // implied by the equalities already held
          break;
        }
        throw new InfeasibleError(`the constraints are infeasible: constraint ${p} cannot be met together with ${active.length ? `constraints ${active.join(", ")}` : "the others"}`, { field: "constraints" });
      }
      const t = Math.min(t1, t2);
      if (t2 < Infinity) for (let i = 0; i < n; i++) x[i] += t * z[i];
      u = u.map((v, a) => v - t * r[a]);
      up += t;
      if (t2 <= t1) {
        active.push(p);
        u.push(up);
        if (qp.constraints[p].kind === "eq") done[p] = 1;
        break;
      }
      active = active.filter((_, a) => a !== drop);
      u = u.filter((_, a) => a !== drop);
    }
  }

  // An active bound (a normal with one nonzero coefficient) holds exactly, not just to rounding.
  for (const j of active) {
    const nz = [...normal(j).keys()].filter((i) => normal(j)[i] !== 0);
    if (nz.length === 1) x[nz[0]] = qp.constraints[j].rhs / normal(j)[nz[0]];
  }
  const multipliers = new Float64Array(m);
  active.forEach((j, a) => (multipliers[j] = orient[j] * u[a]));
  return { x, multipliers, active: [...active].sort((a, b) => a - b), iterations };

  /** The next equality not yet held, else the most violated inequality (by slack / |normal|), else -1. */
  function nextConstraint(): number {
    for (let j = 0; j < m; j++) if (qp.constraints[j].kind === "eq" && !done[j]) return j;
    let worst = 0;
    let at = -1;
    for (let j = 0; j < m; j++) {
      if (qp.constraints[j].kind !== "ge" || active.includes(j)) continue;
      const s = slack(j, x);
      if (s >= -tolerance(j, x)) continue;
      const scaled = s / Math.sqrt(dot(normal(j), normal(j)));
      if (scaled < worst) [worst, at] = [scaled, j];
    }
    return at;
  }

  /** r solving (N^T G^-1 N) r = N^T G^-1 n_p for the active normals N. */
  function activeSolve(act: number[], hp: Float64Array): Float64Array {
    const k = act.length;
    if (k === 0) return new Float64Array(0);
    const mm = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    act.forEach((ja, a) => {
      const na = normal(ja);
      rhs[a] = orient[ja] * dot(na, hp);
      act.forEach((jb, b) => (mm[a * k + b] = orient[ja] * orient[jb] * dot(na, gInvNormal(jb))));
    });
    symmetrize(mm, k);
    try {
      return solver.cholesky(mm, rhs).x;
    } catch (e) {
      if (e instanceof ConfigError) throw new ConvergenceError("quadratic program: the active constraints became numerically dependent");
      throw e;
    }
  }
}

function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}


/** Averages a with its transpose, removing rounding asymmetry (G^-1, N^T G^-1 N). */
function symmetrize(a: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) a[i * k + j] = a[j * k + i] = (a[i * k + j] + a[j * k + i]) / 2;
  }
}
