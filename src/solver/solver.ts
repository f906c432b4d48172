import { ConfigError, checkAllFinite } from "../core/errors.ts";
import { tsKernels, type SolverKernels } from "./kernels.ts";
import {
  ConvergenceError, type EntryEstimate, type LinearSolver, type MatrixClass, type SolveOptions, type SolveResult,
} from "./types.ts";

/** |a_ij - a_ji| up to this fraction of max |a_ij| still counts as symmetric. */
export const SYMMETRY_TOLERANCE = 1e-12;
/**
 * Cholesky rejects a pivot d_i <= MIN_PIVOT a_ii. Since a_ii / d_i is at most
 * the condition number, this refuses only matrices with condition >= 1e12,
 * whose solutions float64 cannot resolve.
 */
export const MIN_PIVOT = 1e-12;
export const DEFAULT_TOLERANCE = 1e-10;
export const NEITHER_CLASS = "matrix is neither diagonally dominant nor symmetric positive definite";

/** Vector slots of a workspace. */
const B = 0, X = 1, R = 2, P = 3, Q = 4, OUT = 5;
export const VECTOR_SLOTS = 6;

/**
 * Where a backend keeps its buffers. prepare(n) makes room for a system of n
 * unknowns and invalidates every earlier handle; vectors hold at least
 * max(n, 4) values.
 */
export interface Workspace<Buf> {
  prepare(n: number): void;
  /** A as the kernels read it: the caller's array in the twin, a copy inside WASM memory. */
  matrix(values: Float64Array): Buf;
  /** n x n scratch for a Cholesky factor. */
  factor(): Buf;
  /** Vector slot `slot`, filled from `values` when given. */
  vector(slot: number, values?: Float64Array): Buf;
  /** A copy of the first `length` values. */
  read(buf: Buf, length: number): Float64Array;
}

/** Plain arrays; the matrix is read in place. */
export class ArrayWorkspace implements Workspace<Float64Array> {
  private vectors: Float64Array[] = [];
  private l = new Float64Array(0);
  private n = 0;

  prepare(n: number): void {
    this.n = n;
    this.vectors = Array.from({ length: VECTOR_SLOTS }, () => new Float64Array(Math.max(n, 4)));
    this.l = new Float64Array(0);
  }
  matrix(values: Float64Array): Float64Array { return values; }
  factor(): Float64Array {
    if (this.l.length !== this.n * this.n) this.l = new Float64Array(this.n * this.n);
    return this.l;
  }
  vector(slot: number, values?: Float64Array): Float64Array {
    if (values) this.vectors[slot].set(values);
    return this.vectors[slot];
  }
  read(buf: Float64Array, length: number): Float64Array { return buf.slice(0, length); }
}

/**
 * The checks, defaults and errors of every method, over a backend's kernels
 * and buffers; see LinearSolver for the contract. Not reentrant.
 */
export class DenseSolver<Buf> implements LinearSolver {
  constructor(protected readonly kernels: SolverKernels<Buf>, protected readonly ws: Workspace<Buf>) {}

  classify(a: Float64Array): MatrixClass {
    const { n, A } = this.load(a);
    const dominance = this.kernels.dominance(A, n);
    const diagonallyDominant = dominance < 1;
    const symmetric = this.kernels.asymmetry(A, n) <= SYMMETRY_TOLERANCE;
    const positiveDefinite = symmetric &&
      ((diagonallyDominant && positiveDiagonal(a, n)) || this.kernels.choleskyFactor(A, this.ws.factor(), n, MIN_PIVOT) < 0);
    return { n, dominance, diagonallyDominant, symmetric, positiveDefinite };
  }

  solve(a: Float64Array, b: Float64Array, options: SolveOptions = {}): SolveResult {
    const { n, A } = this.load(a, b);
    const rho = this.kernels.dominance(A, n);
    if (rho < 1) return this.pushLoaded(a, A, b, n, rho, options);
    if (this.kernels.asymmetry(A, n) <= SYMMETRY_TOLERANCE) {
      const L = this.ws.factor();
      if (this.kernels.choleskyFactor(A, L, n, MIN_PIVOT) < 0) return this.choleskyLoaded(A, L, b, n);
    }
    throw new ConfigError(NEITHER_CLASS, { field: "a" });
  }

  push(a: Float64Array, b: Float64Array, options: SolveOptions = {}): SolveResult {
    const { n, A } = this.load(a, b);
    return this.pushLoaded(a, A, b, n, this.dominant(a, A, n, "push"), options);
  }

  conjugateGradient(a: Float64Array, b: Float64Array, options: SolveOptions = {}): SolveResult {
    const { n, A } = this.load(a, b);
    const k = this.kernels;
    this.symmetricPositiveDefinite(a, A, n, "conjugate gradient", false);
    const tol = tolerance(options);
    const maxIterations = limit(options, 10 * n + 10);
    const x = this.ws.vector(X);
    const bv = this.ws.vector(B, b);
    const it = k.conjugateGradient(A, bv, x, this.ws.vector(R), this.ws.vector(P), this.ws.vector(Q), n, tol, maxIterations);
    if (it === -1) throw new ConvergenceError(`conjugate gradient did not reach tolerance ${tol} in ${maxIterations} iterations`, { field: "maxIterations" });
    if (it === -2) throw new ConvergenceError("conjugate gradient broke down (p^T A p <= 0): the matrix is too ill-conditioned for it", { field: "a" });
    return { method: "cg", x: this.ws.read(x, n), iterations: it, residualNorm: k.residualNorm(A, bv, x, n) };
  }

  cholesky(a: Float64Array, b: Float64Array): SolveResult {
    const { n, A } = this.load(a);
    if (b.length === 0 || b.length % n !== 0) {
      throw new ConfigError(`b must hold n = ${n} values per right-hand side, got ${b.length}`, { field: "b" });
    }
    checkAllFinite("b", b);
    const L = this.symmetricPositiveDefinite(a, A, n, "cholesky", true)!;
    return this.choleskyLoaded(A, L, b, n);
  }

  estimateEntries(a: Float64Array, b: Float64Array, indices: readonly number[], options: SolveOptions = {}): EntryEstimate[] {
    const { n, A } = this.load(a, b);
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new ConfigError(`entry index must be an integer in [0, ${n}), got ${i}`, { field: "indices" });
    }
    const rho = this.dominant(a, A, n, "entry estimation");
    const tol = tolerance(options);
    const target = tol * (1 - rho);
    // Each push cuts ||s||_1 by a factor of at least 1 - (1 - rho) / n (see pushEntry).
    const maxPushes = limit(options, theoryLimit(Math.ceil((n * Math.log(1 / target)) / (1 - rho)) + n));
    const bv = this.ws.vector(B, b);
    const s = this.ws.vector(R);
    const out = this.ws.vector(OUT);
    const scale = maxScaledRhs(a, b, n) / (1 - rho);
    return indices.map((i) => {
      const pushes = this.kernels.pushEntry(A, bv, s, n, i, target, maxPushes, out);
      const [value, norm1] = this.ws.read(out, 2);
      if (pushes < 0) {
        throw new ConvergenceError(`estimate of x[${i}] did not reach tolerance ${tol} in ${maxPushes} pushes (bound ${norm1 * scale})`, { field: "maxIterations" });
      }
      return { index: i, value, errorBound: norm1 * scale, pushes };
    });
  }

  private pushLoaded(a: Float64Array, A: Buf, b: Float64Array, n: number, rho: number, options: SolveOptions): SolveResult {
    const tol = tolerance(options);
    const cmax = maxScaledRhs(a, b, n);
    const theta = tol * (1 - rho) * cmax;
    // Each sweep shrinks the error's infinity norm by rho; starting from
    // ||x||_inf <= cmax / (1 - rho), the scaled residual is below theta after
    // log(tol (1 - rho)^2 / (1 + rho)) / log(rho) sweeps. Twice that, plus slack.
    const sweeps = rho > 0 ? Math.ceil(Math.log((tol * (1 - rho) ** 2) / (1 + rho)) / Math.log(rho)) : 1;
    const maxSweeps = limit(options, theoryLimit(2 * sweeps + 5));
    const bv = this.ws.vector(B, b);
    const x = this.ws.vector(X);
    const out = this.ws.vector(OUT);
    const it = this.kernels.pushSolve(A, bv, x, this.ws.vector(R), n, theta, maxSweeps, out);
    const [pushes, worst] = this.ws.read(out, 2);
    if (it < 0) {
      throw new ConvergenceError(`push did not reach tolerance ${tol} in ${maxSweeps} sweeps (max scaled residual ${worst} > ${theta})`, { field: "maxIterations" });
    }
    return {
      method: "push", x: this.ws.read(x, n), iterations: it, pushes,
      residualNorm: this.kernels.residualNorm(A, bv, x, n), errorBound: worst / (1 - rho),
    };
  }

  private choleskyLoaded(A: Buf, L: Buf, b: Float64Array, n: number): SolveResult {
    const x = new Float64Array(b.length);
    let residualNorm = 0;
    for (let k = 0; k < b.length; k += n) {
      const bv = this.ws.vector(B, b.subarray(k, k + n));
      const xv = this.ws.vector(X);
      this.kernels.choleskySolve(L, bv, xv, n);
      x.set(this.ws.read(xv, n), k);
      residualNorm = Math.max(residualNorm, this.kernels.residualNorm(A, bv, xv, n));
    }
    return { method: "cholesky", x, iterations: 0, residualNorm };
  }

  /** Checks A is strictly row diagonally dominant; returns rho. */
  private dominant(a: Float64Array, A: Buf, n: number, method: string): number {
    const rho = this.kernels.dominance(A, n);
    if (rho < 1) return rho;
    const i = worstRow(a, n);
    const d = Math.abs(a[i * n + i]);
    const off = rowAbsSum(a, n, i) - d;
    const spd = this.kernels.asymmetry(A, n) <= SYMMETRY_TOLERANCE &&
      this.kernels.choleskyFactor(A, this.ws.factor(), n, MIN_PIVOT) < 0;
    throw new ConfigError(
      `${spd ? "" : NEITHER_CLASS + "; "}${method} needs a strictly (row) diagonally dominant matrix, but row ${i} is not: ` +
        `|a[${i}][${i}]| = ${d} <= ${off} = sum of |a[${i}][j]|, j != ${i}${spd ? " (the matrix is symmetric positive definite: use cholesky or cg)" : ""}`,
      { field: "a" },
    );
  }

  /**
   * Checks A is symmetric positive definite: certified by a positive diagonal
   * when A is also strictly diagonally dominant (Gershgorin), else by a
   * Cholesky factorisation, which is returned when `factor` asks for it.
   */
  private symmetricPositiveDefinite(a: Float64Array, A: Buf, n: number, method: string, factor: boolean): Buf | undefined {
    const k = this.kernels;
    const dd = k.dominance(A, n) < 1;
    const fail = (why: string) => new ConfigError(`${dd ? "" : NEITHER_CLASS + "; "}${method} needs a symmetric positive definite matrix, but ${why}`, { field: "a" });
    if (k.asymmetry(A, n) > SYMMETRY_TOLERANCE) {
      const [i, j] = worstPair(a, n);
      throw fail(`a[${i}][${j}] = ${a[i * n + j]} != a[${j}][${i}] = ${a[j * n + i]}`);
    }
    if (!factor && dd && positiveDiagonal(a, n)) return undefined;
    const L = this.ws.factor();
    const row = k.choleskyFactor(A, L, n, MIN_PIVOT);
    if (row >= 0) throw fail(`it is not positive definite (Cholesky pivot of row ${row} <= ${MIN_PIVOT} * a[${row}][${row}])`);
    return L;
  }

  /** Validates and loads A (and b when given: n finite values). */
  private load(a: Float64Array, b?: Float64Array): { n: number; A: Buf } {
    const n = order(a);
    if (b !== undefined) {
      if (b.length !== n) throw new ConfigError(`b must have n = ${n} values, got ${b.length}`, { field: "b" });
      checkAllFinite("b", b);
    }
    this.ws.prepare(n);
    return { n, A: this.ws.matrix(a) };
  }
}

/** The twin: plain TypeScript, the reference in tests and the fallback without WebAssembly. */
export const tsSolver: LinearSolver = new DenseSolver(tsKernels, new ArrayWorkspace());

/** n for an n x n matrix given as n^2 finite values. */
function order(a: Float64Array): number {
  const n = Math.round(Math.sqrt(a.length));
  if (a.length === 0 || n * n !== a.length) {
    throw new ConfigError(`a must be a square n x n matrix (n^2 values, row-major), got ${a.length} values`, { field: "a" });
  }
  checkAllFinite("a", a);
  return n;
}

function tolerance(o: SolveOptions): number {
  const t = o.tolerance ?? DEFAULT_TOLERANCE;
  if (!(t > 0 && t < 1)) throw new ConfigError(`tolerance must be in (0, 1), got ${t}`, { field: "tolerance" });
  return t;
}

function limit(o: SolveOptions, fallback: number): number {
  const m = o.maxIterations ?? fallback;
  if (!Number.isInteger(m) || m < 1 || m > 2 ** 31 - 1) {
    throw new ConfigError(`maxIterations must be an integer from 1 to 2^31 - 1, got ${m}`, { field: "maxIterations" });
  }
  return m;
}

/** A limit from theory, kept within the kernels' i32 range. */
function theoryLimit(m: number): number {
  return Math.min(Math.max(m, 1), 2 ** 31 - 1);
}

function positiveDiagonal(a: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!(a[i * n + i] > 0)) return false;
  return true;
}

function rowAbsSum(a: Float64Array, n: number, i: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.abs(a[i * n + j]);
  return s;
}

/** The row with the largest off-diagonal to diagonal ratio. */
function worstRow(a: Float64Array, n: number): number {
  let worst = -1;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i * n + i]);
    const ratio = d > 0 ? (rowAbsSum(a, n, i) - d) / d : Infinity;
    if (ratio > worst) [worst, at] = [ratio, i];
  }
  return at;
}

/** The (i, j), i < j, with the largest |a_ij - a_ji|. */
function worstPair(a: Float64Array, n: number): [number, number] {
  let worst = -1;
  let at: [number, number] = [0, 0];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const e = Math.abs(a[i * n + j] - a[j * n + i]);
      if (e > worst) [worst, at] = [e, [i, j]];
    }
  }
  return at;
}

/** max_j |b_j / a_jj|, the infinity norm of c = D^-1 b. */
function maxScaledRhs(a: Float64Array, b: Float64Array, n: number): number {
  let m = 0;
  for (let j = 0; j < n; j++) m = Math.max(m, Math.abs(b[j] / a[j * n + j]));
  return m;
}
