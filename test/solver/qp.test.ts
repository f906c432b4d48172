import { describe, expect, it } from "vitest";
import { InfeasibleError, solveQP, type LinearConstraint, type QuadraticProgram } from "../../src/solver/qp.ts";
import { tsSolver } from "../../src/solver/solver.ts";
import { gaussSolve, matVec, maxAbsDiff, random, wasmSolver } from "./systems.ts";

/** A random strictly convex QP with box bounds lo <= x <= hi and equality rows e x = f (feasible by construction). */
function boxProblem(n: number, equalities: number, seed: number) {
  const rnd = random(seed);
  const m = Float64Array.from({ length: n * n }, () => 2 * rnd() - 1);
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) g[i * n + j] += m[k * n + i] * m[k * n + j];
    }
    g[i * n + i] += 0.1;
  }
  const c = Float64Array.from({ length: n }, () => 4 * rnd() - 2);
  const lo = Float64Array.from({ length: n }, () => -rnd());
  const hi = Float64Array.from({ length: n }, () => rnd());
  const inside = lo.map((l, i) => l + (hi[i] - l) * rnd());
  const e = Array.from({ length: equalities }, () => Float64Array.from({ length: n }, () => 2 * rnd() - 1));
  const f = e.map((row) => row.reduce((s, v, i) => s + v * inside[i], 0));
  const constraints: LinearConstraint[] = [
    ...e.map((normal, k) => ({ normal, rhs: f[k], kind: "eq" as const })),
    ...Array.from(lo, (l, i) => ({ normal: unit(n, i, 1), rhs: l, kind: "ge" as const })),
    ...Array.from(hi, (h, i) => ({ normal: unit(n, i, -1), rhs: -h, kind: "ge" as const })),
  ];
  return { qp: { g, c, constraints } as QuadraticProgram, lo, hi, e, f };
}

function unit(n: number, i: number, v: number): Float64Array {
  const u = new Float64Array(n);
  u[i] = v;
  return u;
}

const objective = (qp: QuadraticProgram, x: Float64Array) =>
  0.5 * x.reduce((s, v, i) => s + v * matVec(qp.g, x)[i], 0) + x.reduce((s, v, i) => s + v * qp.c[i], 0);

/**
 * The optimum by brute force: every variable free, at its lower or at its
 * upper bound (3^n cases); each case is an equality-constrained QP solved
 * through its KKT system by Gaussian elimination; the best feasible one wins.
 */
function bruteForce(qp: QuadraticProgram, lo: Float64Array, hi: Float64Array, e: Float64Array[], f: number[]): Float64Array {
  const n = lo.length;
  let best: Float64Array | undefined;
  for (let code = 0; code < 3 ** n; code++) {
    const state = Array.from({ length: n }, (_, i) => Math.floor(code / 3 ** i) % 3); // 0 free, 1 lo, 2 hi
    const free = state.flatMap((s, i) => (s === 0 ? [i] : []));
    const x = Float64Array.from(state, (s, i) => (s === 1 ? lo[i] : s === 2 ? hi[i] : 0));
    const k = free.length + e.length;
    const kkt = new Float64Array(k * k);
    const rhs = new Float64Array(k);
    free.forEach((i, a) => {
      free.forEach((j, b) => (kkt[a * k + b] = qp.g[i * n + j]));
      rhs[a] = -qp.c[i] - state.reduce((s, st, j) => s + (st ? qp.g[i * n + j] * x[j] : 0), 0);
      e.forEach((row, r) => (kkt[a * k + free.length + r] = kkt[(free.length + r) * k + a] = row[i]));
    });
    e.forEach((row, r) => (rhs[free.length + r] = f[r] - state.reduce((s, st, j) => s + (st ? row[j] * x[j] : 0), 0)));
    const sol = k > 0 ? gaussSolve(kkt, rhs) : new Float64Array(0);
    if (!sol.every(Number.isFinite)) continue;
    free.forEach((i, a) => (x[i] = sol[a]));
    const feasible = x.every((v, i) => v >= lo[i] - 1e-12 && v <= hi[i] + 1e-12) &&
      e.every((row, r) => Math.abs(row.reduce((s, v, i) => s + v * x[i], 0) - f[r]) < 1e-9);
    if (feasible && (!best || objective(qp, x) < objective(qp, best))) best = x;
  }
  return best!;
}

/** Stationarity, feasibility, dual feasibility and complementarity of a solution and its multipliers. */
function expectKkt(qp: QuadraticProgram, x: Float64Array, multipliers: Float64Array): void {
  const grad = matVec(qp.g, x).map((v, i) => v + qp.c[i]);
  const combo = new Float64Array(x.length);
  qp.constraints.forEach((con, j) => con.normal.forEach((v, i) => (combo[i] += multipliers[j] * v)));
  expect(maxAbsDiff(grad, combo)).toBeLessThan(1e-10);
  qp.constraints.forEach((con, j) => {
    const slack = con.normal.reduce((s, v, i) => s + v * x[i], 0) - con.rhs;
    if (con.kind === "eq") expect(Math.abs(slack)).toBeLessThan(1e-10);
    else {
      expect(slack).toBeGreaterThan(-1e-10);
      expect(multipliers[j]).toBeGreaterThanOrEqual(0);
      expect(Math.abs(multipliers[j] * slack)).toBeLessThan(1e-10);
    }
  });
}

describe("quadratic programs (Goldfarb-Idnani)", () => {
  it("finds the brute-force optimum of random box-constrained problems, with KKT multipliers", async () => {
    const wasm = await wasmSolver();
    let boundsActive = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const n = 2 + (seed % 4);
      const { qp, lo, hi, e, f } = boxProblem(n, seed % 3, seed);
      const best = bruteForce(qp, lo, hi, e, f);
      for (const solver of [tsSolver, wasm]) {
        const sol = solveQP(qp, solver);
        expect(maxAbsDiff(sol.x, best), `seed ${seed}`).toBeLessThan(1e-9);
        expectKkt(qp, sol.x, sol.multipliers);
        for (const j of sol.active) {
          const con = qp.constraints[j];
          expect(Math.abs(con.normal.reduce((s, v, i) => s + v * sol.x[i], 0) - con.rhs)).toBeLessThan(1e-10);
        }
      }
      boundsActive += solveQP(qp, tsSolver).active.filter((j) => qp.constraints[j].kind === "ge").length;
    }
    expect(boundsActive).toBeGreaterThan(20); // the cases do exercise the bounds
  });

  it("returns the unconstrained minimum -G^-1 c when nothing binds", () => {
    const g = Float64Array.of(2, 0.5, 0.5, 1);
    const c = Float64Array.of(-1, 1);
    const sol = solveQP({ g, c, constraints: [{ normal: Float64Array.of(1, 0), rhs: -100, kind: "ge" }] }, tsSolver);
    expect(maxAbsDiff(sol.x, gaussSolve(g, c.map((v) => -v)))).toBeLessThan(1e-14);
    expect(sol.active).toEqual([]);
  });

  it("accepts a redundant equality and proves infeasibility", () => {
    const g = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
    const c = new Float64Array(3);
    const sum = (rhs: number): LinearConstraint => ({ normal: Float64Array.of(1, 1, 1), rhs, kind: "eq" });
    const twice = solveQP({ g, c, constraints: [sum(1), sum(1), { normal: Float64Array.of(2, 2, 2), rhs: 2, kind: "eq" }] }, tsSolver);
    expect(maxAbsDiff(twice.x, [1 / 3, 1 / 3, 1 / 3])).toBeLessThan(1e-15);
    expect(() => solveQP({ g, c, constraints: [sum(1), sum(2)] }, tsSolver)).toThrow(InfeasibleError);
    const capped = [0, 1, 2].map((i) => ({ normal: unit(3, i, -1), rhs: -0.3, kind: "ge" as const }));
    expect(() => solveQP({ g, c, constraints: [sum(1), ...capped] }, tsSolver)).toThrow(/the constraints are infeasible/);
  });

  it("rejects mismatched sizes", () => {
    expect(() => solveQP({ g: new Float64Array(4), c: new Float64Array(3), constraints: [] }, tsSolver)).toThrow(/G must be 3 x 3 to match c/);
    expect(() => solveQP({ g: Float64Array.of(1, 0, 0, 1), c: new Float64Array(2), constraints: [{ normal: new Float64Array(3), rhs: 0, kind: "ge" }] }, tsSolver))
      .toThrow(/constraint 0 has 3 coefficients, expected 2/);
  });
});
