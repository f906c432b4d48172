import { EngineError } from "../core/errors.ts";

/**
 * Dense linear systems A x = b: A is n x n, row-major float64 (a[i * n + j]),
 * b has n values. Two implementations share this interface: `tsSolver`
 * (src/solver/solver.ts, the plain TypeScript twin) and `WasmSolver`
 * (src/kernels/solver.ts). Each method first checks the matrix class it
 * needs and throws a ConfigError naming the row or entry at fault; an
 * iterative method that does not converge throws a ConvergenceError. None
 * ever returns an answer it could not vouch for.
 */
export interface LinearSolver {
  /** Which methods the matrix admits. Costs a Cholesky factorisation when A is symmetric but not certified by its diagonal. */
  classify(a: Float64Array): MatrixClass;
  /** Push when A is strictly diagonally dominant, else Cholesky when it is symmetric positive definite, else a ConfigError. */
  solve(a: Float64Array, b: Float64Array, options?: SolveOptions): SolveResult;
  /** Forward push (thresholded Gauss-Seidel on the Neumann series); A strictly row diagonally dominant. */
  push(a: Float64Array, b: Float64Array, options?: SolveOptions): SolveResult;
  /** Conjugate gradient; A symmetric positive definite. */
  conjugateGradient(a: Float64Array, b: Float64Array, options?: SolveOptions): SolveResult;
  /**
   * Dense Cholesky A = L L^T; A symmetric positive definite. `b` may hold k
   * right-hand sides one after another (n k values); x has the same layout
   * and residualNorm is the largest of the k residual norms.
   */
  cholesky(a: Float64Array, b: Float64Array): SolveResult;
  /**
   * Estimates the entries x_i (i in `indices`) of A^-1 b by backward push,
   * without a full solve; A strictly row diagonally dominant. Each estimate
   * carries a guaranteed bound |x_i - value| <= errorBound <= tolerance * max_j |b_j / a_jj|.
   */
  estimateEntries(a: Float64Array, b: Float64Array, indices: readonly number[], options?: SolveOptions): EntryEstimate[];
}

export interface SolveOptions {
  /**
   * push and estimateEntries: the guaranteed max-abs error on x relative to
   * max_j |b_j / a_jj|; conjugateGradient: ||b - A x||_2 / ||b||_2. In (0, 1); default 1e-10.
   */
  tolerance?: number;
  /**
   * Sweeps (push), iterations (conjugateGradient) or pushes per entry
   * (estimateEntries) before a ConvergenceError. The defaults are the counts
   * the convergence theory guarantees for push (with slack), 10 n + 10 for CG.
   */
  maxIterations?: number;
}

export type SolverMethod = "push" | "cg" | "cholesky";

export interface SolveResult {
  readonly method: SolverMethod;
  readonly x: Float64Array;
  /** Sweeps (push), iterations (cg), 0 for the direct Cholesky solve. */
  readonly iterations: number;
  /** ||b - A x||_2, recomputed from the returned x. */
  readonly residualNorm: number;
  /** push only: single-coordinate pushes made (each reads one column of A). */
  readonly pushes?: number;
  /** push only: guaranteed bound on max_i |x_i - exact x_i|, from the final residual. */
  readonly errorBound?: number;
}

export interface EntryEstimate {
  readonly index: number;
  readonly value: number;
  /** Guaranteed: |value - exact x_index| <= errorBound (up to rounding in the pushes themselves). */
  readonly errorBound: number;
  /** Pushes made; each reads one row of A. */
  readonly pushes: number;
}

export interface MatrixClass {
  readonly n: number;
  /** max_i sum_{j != i} |a_ij| / |a_ii|, the infinity norm of the Jacobi iteration matrix. */
  readonly dominance: number;
  /** dominance < 1: push and estimateEntries apply. */
  readonly diagonallyDominant: boolean;
  readonly symmetric: boolean;
  /** Symmetric and positive definite: conjugateGradient and cholesky apply. */
  readonly positiveDefinite: boolean;
}

/** An iterative method did not reach its tolerance within its iteration limit. */
export class ConvergenceError extends EngineError { readonly code = "convergence"; }
