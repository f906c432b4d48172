import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { NEITHER_CLASS, tsSolver } from "../../src/solver/solver.ts";
import { ConvergenceError, type LinearSolver } from "../../src/solver/types.ts";
import { dominantSystem, gaussSolve, matVec, maxAbs, maxAbsDiff, wasmSolver } from "./systems.ts";

const backends = async (): Promise<[string, LinearSolver][]> => [["ts", tsSolver], ["wasm", await wasmSolver()]];

describe("linear solvers", () => {
  it("solve a 2 x 2 system exactly: [[4, 1], [1, 3]] x = [1, 2] gives x = [1/11, 7/11]", async () => {
    const a = Float64Array.of(4, 1, 1, 3);
    const b = Float64Array.of(1, 2);
    const exact = [1 / 11, 7 / 11];
    for (const [name, s] of await backends()) {
      for (const r of [s.solve(a, b), s.push(a, b), s.conjugateGradient(a, b), s.cholesky(a, b)]) {
        expect(maxAbsDiff(r.x, exact), `${name} ${r.method}`).toBeLessThan(1e-10);
        expect(r.residualNorm).toBeLessThan(1e-9);
      }
      expect(s.solve(a, b).method).toBe("push");
      const e = s.estimateEntries(a, b, [1], { tolerance: 1e-12 })[0];
      expect(Math.abs(e.value - 7 / 11)).toBeLessThanOrEqual(e.errorBound);
    }
  });

  it("classify: dominance, symmetry and definiteness", async () => {
    for (const [, s] of await backends()) {
      expect(s.classify(Float64Array.of(4, 1, 1, 3))).toEqual({ n: 2, dominance: 1 / 3, diagonallyDominant: true, symmetric: true, positiveDefinite: true });
      // SPD but not dominant (certified by Cholesky).
      expect(s.classify(Float64Array.of(1, 1.5, 1.5, 3))).toMatchObject({ diagonallyDominant: false, symmetric: true, positiveDefinite: true });
      // Dominant with a negative diagonal: symmetric, negative definite.
      expect(s.classify(Float64Array.of(-4, 1, 1, -3))).toMatchObject({ diagonallyDominant: true, symmetric: true, positiveDefinite: false });
      expect(s.classify(Float64Array.of(4, 1, 2, 3))).toMatchObject({ diagonallyDominant: true, symmetric: false, positiveDefinite: false });
      expect(s.classify(Float64Array.of(1, 2, 2, 1))).toMatchObject({ diagonallyDominant: false, symmetric: true, positiveDefinite: false });
    }
  });

  it("push, CG and Cholesky agree to 1e-8 on a symmetric dominant system, and each result is a true solution", async () => {
    const { a, b } = dominantSystem({ n: 150, rho: 0.8, length: 10, symmetric: true, seed: 1 });
    const ref = gaussSolve(a, b);
    for (const [name, s] of await backends()) {
      const ch = s.cholesky(a, b);
      const push = s.push(a, b, { tolerance: 1e-12 });
      const cg = s.conjugateGradient(a, b, { tolerance: 1e-12 });
      expect(maxAbsDiff(push.x, ch.x), name).toBeLessThan(1e-8);
      expect(maxAbsDiff(cg.x, ch.x), name).toBeLessThan(1e-8);
      expect(maxAbsDiff(ch.x, ref), name).toBeLessThan(1e-12);
      // push's stated bound holds against the reference.
      expect(maxAbsDiff(push.x, ref)).toBeLessThanOrEqual(push.errorBound!);
      expect(push.errorBound!).toBeLessThanOrEqual(1e-12 * maxScaledRhs(a, b));
      for (const r of [ch, push, cg]) {
        expect(r.residualNorm).toBeCloseTo(Math.hypot(...b.map((v, i) => v - matVec(a, r.x)[i])), 15);
        expect(r.residualNorm).toBeLessThan(1e-10);
      }
      expect(push.iterations).toBeGreaterThan(1);
      expect(push.pushes).toBeGreaterThan(150);
      expect(cg.iterations).toBeGreaterThan(1);
      expect(ch.iterations).toBe(0);
    }
  });

  it("push solves a non-symmetric dominant system, which CG and Cholesky refuse", async () => {
    const { a, b } = dominantSystem({ n: 80, rho: 0.9, length: Infinity, symmetric: false, seed: 2 });
    const ref = gaussSolve(a, b);
    for (const [, s] of await backends()) {
      const r = s.push(a, b, { tolerance: 1e-12 });
      expect(maxAbsDiff(r.x, ref)).toBeLessThanOrEqual(r.errorBound!);
      expect(maxAbsDiff(r.x, ref)).toBeLessThan(1e-9);
      expect(s.solve(a, b).method).toBe("push");
      expect(() => s.conjugateGradient(a, b)).toThrow(/conjugate gradient needs a symmetric positive definite matrix, but a\[\d+\]\[\d+\] = .* != a\[\d+\]\[\d+\]/);
      expect(() => s.cholesky(a, b)).toThrow(ConfigError);
    }
  });

  it("estimates single entries within their stated bound, with fewer pushes than a full solve", async () => {
    const { a, b } = dominantSystem({ n: 400, rho: 0.6, length: 4, symmetric: false, seed: 3 });
    const ref = gaussSolve(a, b);
    const scale = maxScaledRhs(a, b);
    for (const [name, s] of await backends()) {
      for (const tolerance of [1e-3, 1e-6, 1e-10]) {
        const full = s.push(a, b, { tolerance });
        const estimates = s.estimateEntries(a, b, [0, 17, 200, 399], { tolerance });
        for (const e of estimates) {
          const err = Math.abs(e.value - ref[e.index]);
          expect(err, `${name} x[${e.index}] tol ${tolerance}`).toBeLessThanOrEqual(e.errorBound);
          expect(e.errorBound).toBeLessThanOrEqual(tolerance * scale);
          expect(e.pushes).toBeLessThan(full.pushes!);
        }
      }
    }
  });

  it("TypeScript twin and WASM kernels agree", async () => {
    const wasm = await wasmSolver();
    const sym = dominantSystem({ n: 120, rho: 0.7, length: 6, symmetric: true, seed: 4 });
    const gen = dominantSystem({ n: 120, rho: 0.7, length: 6, symmetric: false, seed: 5 });
    const pairs = [
      [tsSolver.push(sym.a, sym.b), wasm.push(sym.a, sym.b)],
      [tsSolver.push(gen.a, gen.b), wasm.push(gen.a, gen.b)],
      [tsSolver.conjugateGradient(sym.a, sym.b), wasm.conjugateGradient(sym.a, sym.b)],
      [tsSolver.cholesky(sym.a, sym.b), wasm.cholesky(sym.a, sym.b)],
    ];
    for (const [t, w] of pairs) {
      expect(maxAbsDiff(t.x, w.x)).toBeLessThanOrEqual(1e-14 * maxAbs(t.x));
      expect(w.iterations).toBe(t.iterations);
      expect(w.pushes).toBe(t.pushes);
    }
    const te = tsSolver.estimateEntries(gen.a, gen.b, [3, 60]);
    const we = wasm.estimateEntries(gen.a, gen.b, [3, 60]);
    we.forEach((e, k) => {
      expect(e.pushes).toBe(te[k].pushes);
      expect(Math.abs(e.value - te[k].value)).toBeLessThanOrEqual(1e-14 * Math.abs(te[k].value));
    });
  });

  it("Cholesky takes several right-hand sides: A times the solutions for the identity is the identity", async () => {
    const { a } = dominantSystem({ n: 30, rho: 0.5, length: 3, symmetric: true, seed: 6 });
    const n = 30;
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    for (const [, s] of await backends()) {
      const inv = s.cholesky(a, eye).x;
      for (let k = 0; k < n; k++) {
        const col = matVec(a, inv.subarray(k * n, (k + 1) * n));
        expect(maxAbsDiff(col, eye.subarray(k * n, (k + 1) * n))).toBeLessThan(1e-13);
      }
    }
  });

  it("refuses a matrix that is neither diagonally dominant nor symmetric positive definite, whatever the method", async () => {
    const indefinite = Float64Array.of(1, 2, 2, 1);
    const nonsym = Float64Array.of(1, 2, 3, 1);
    const b = Float64Array.of(1, 1);
    for (const [, s] of await backends()) {
      for (const a of [indefinite, nonsym]) {
        expect(() => s.solve(a, b)).toThrow(NEITHER_CLASS);
        expect(() => s.push(a, b)).toThrow(NEITHER_CLASS);
        expect(() => s.conjugateGradient(a, b)).toThrow(NEITHER_CLASS);
        expect(() => s.cholesky(a, b)).toThrow(NEITHER_CLASS);
        expect(() => s.estimateEntries(a, b, [0])).toThrow(NEITHER_CLASS);
      }
      expect(() => s.cholesky(indefinite, b)).toThrow(/not positive definite \(Cholesky pivot of row 1/);
      expect(() => s.push(nonsym, b)).toThrow(/row 1 is not: \|a\[1\]\[1\]\| = 1 <= 3 = sum of \|a\[1\]\[j\]\|, j != 1/);
    }
  });

  it("tells push on a symmetric positive definite, non-dominant matrix to use Cholesky or CG", async () => {
    const a = Float64Array.of(1, 1.5, 1.5, 3);
    const b = Float64Array.of(1, -1);
    for (const [, s] of await backends()) {
      expect(() => s.push(a, b)).toThrow(/push needs a strictly \(row\) diagonally dominant matrix, but row 0 is not.*use cholesky or cg/);
      expect(s.solve(a, b).method).toBe("cholesky");
      const cg = s.conjugateGradient(a, b, { tolerance: 1e-14 });
      expect(maxAbsDiff(cg.x, gaussSolve(a, b))).toBeLessThan(1e-12);
    }
  });

  it("refuses a nearly singular matrix rather than returning noise", async () => {
    const a = Float64Array.of(1, 1, 1, 1 + 1e-14);
    for (const [, s] of await backends()) {
      expect(() => s.cholesky(a, Float64Array.of(1, 2))).toThrow(/not positive definite/);
    }
  });

  it("reports non-convergence within maxIterations as a ConvergenceError", async () => {
    const { a, b } = dominantSystem({ n: 60, rho: 0.95, length: Infinity, symmetric: true, seed: 7 });
    for (const [, s] of await backends()) {
      expect(() => s.push(a, b, { maxIterations: 2 })).toThrow(ConvergenceError);
      expect(() => s.push(a, b, { maxIterations: 2 })).toThrow(/push did not reach tolerance 1e-10 in 2 sweeps/);
      expect(() => s.conjugateGradient(a, b, { maxIterations: 1 })).toThrow(/conjugate gradient did not reach tolerance 1e-10 in 1 iterations/);
      expect(() => s.estimateEntries(a, b, [5], { maxIterations: 3 })).toThrow(/estimate of x\[5\] did not reach tolerance 1e-10 in 3 pushes/);
    }
  });

  it("rejects malformed input, naming it", async () => {
    const a = Float64Array.of(4, 1, 1, 3);
    for (const [, s] of await backends()) {
      expect(() => s.solve(new Float64Array(5), Float64Array.of(1, 2))).toThrow(/a must be a square n x n matrix \(n\^2 values, row-major\), got 5 values/);
      expect(() => s.solve(new Float64Array(0), new Float64Array(0))).toThrow(/got 0 values/);
      expect(() => s.solve(a, Float64Array.of(1))).toThrow(/b must have n = 2 values, got 1/);
      expect(() => s.solve(Float64Array.of(4, NaN, 1, 3), Float64Array.of(1, 2))).toThrow(/a\[1\] must be finite, got NaN/);
      expect(() => s.push(a, Float64Array.of(1, Infinity))).toThrow(/b\[1\] must be finite/);
      expect(() => s.push(a, Float64Array.of(1, 2), { tolerance: 0 })).toThrow(/tolerance must be in \(0, 1\), got 0/);
      expect(() => s.push(a, Float64Array.of(1, 2), { maxIterations: 0.5 })).toThrow(/maxIterations must be an integer from 1 to 2\^31 - 1/);
      expect(() => s.conjugateGradient(a, Float64Array.of(1, 2), { maxIterations: 2 ** 32 })).toThrow(/maxIterations must be an integer from 1 to 2\^31 - 1/);
      expect(() => s.estimateEntries(a, Float64Array.of(1, 2), [2])).toThrow(/entry index must be an integer in \[0, 2\), got 2/);
      expect(() => s.cholesky(a, Float64Array.of(1, 2, 3))).toThrow(/b must hold n = 2 values per right-hand side, got 3/);
    }
  });

  it("solves b = 0 to x = 0 with no work", async () => {
    const { a } = dominantSystem({ n: 10, rho: 0.5, length: 2, symmetric: true, seed: 8 });
    const zero = new Float64Array(10);
    for (const [, s] of await backends()) {
      for (const r of [s.push(a, zero), s.conjugateGradient(a, zero)]) {
        expect(Array.from(r.x)).toEqual(Array(10).fill(0));
        expect(r.iterations).toBe(0);
      }
    }
  });

  it("the WASM module imports nothing and its memory stops growing once sized", async () => {
    const wasm = await wasmSolver();
    expect(WebAssembly.Module.imports(new WebAssembly.Module(new Uint8Array((await import("../helpers.ts")).wasmBytes("solver"))))).toEqual([]);
    const { a, b } = dominantSystem({ n: 200, rho: 0.7, length: 5, symmetric: true, seed: 9 });
    const small = dominantSystem({ n: 100, rho: 0.7, length: 5, symmetric: true, seed: 10 });
    wasm.cholesky(a, b);
    const pages = wasm.k.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) {
      wasm.push(a, b);
      wasm.conjugateGradient(a, b);
      wasm.cholesky(a, b);
      wasm.estimateEntries(a, b, [i]);
      wasm.solve(small.a, small.b);
    }
    expect(wasm.k.memory.buffer.byteLength).toBe(pages);
  });
});

function maxScaledRhs(a: Float64Array, b: Float64Array): number {
  const n = b.length;
  return Math.max(...b.map((v, j) => Math.abs(v / a[j * n + j])));
}
