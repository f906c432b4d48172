// Test systems for the solvers, and an independent reference solve.
import { WasmSolver } from "../../src/kernels/solver.ts";
import { wasmBytes } from "../helpers.ts";

let wasm: Promise<WasmSolver> | undefined;
export function wasmSolver(): Promise<WasmSolver> {
  return (wasm ??= WasmSolver.load(wasmBytes("solver")));
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SystemSpec {
  n: number;
  /** Target dominance: sum_{j != i} |a_ij| = rho |a_ii| in every row. */
  rho: number;
  /** Off-diagonal magnitudes decay as exp(-|i - j| / length); Infinity = no decay (dense uniform). */
  length: number;
  symmetric: boolean;
  seed: number;
}

/** A strictly diagonally dominant n x n matrix (SPD when symmetric: positive diagonal) and a right-hand side. */
export function dominantSystem(spec: SystemSpec): { a: Float64Array; b: Float64Array } {
  const { n, rho, length, symmetric, seed } = spec;
  const rnd = random(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = symmetric ? i + 1 : 0; j < n; j++) {
      if (i === j) continue;
      const v = (2 * rnd() - 1) * Math.exp(-Math.abs(i - j) / length);
      a[i * n + j] = v;
      if (symmetric) a[j * n + i] = v;
    }
  }
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let j = 0; j < n; j++) off += Math.abs(a[i * n + j]);
    a[i * n + i] = off / rho;
  }
  const b = Float64Array.from({ length: n }, () => 2 * rnd() - 1);
  return { a, b };
}

/** Gaussian elimination with partial pivoting: a reference that shares no code with src/solver. */
export function gaussSolve(a: Float64Array, b: Float64Array): Float64Array {
  const n = b.length;
  const m = a.slice();
  const x = b.slice();
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[p * n + k])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) [m[k * n + j], m[p * n + j]] = [m[p * n + j], m[k * n + j]];
      [x[k], x[p]] = [x[p], x[k]];
    }
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k] / m[k * n + k];
      if (f === 0) continue;
      for (let j = k; j < n; j++) m[i * n + j] -= f * m[k * n + j];
      x[i] -= f * x[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= m[i * n + j] * x[j];
    x[i] = s / m[i * n + i];
  }
  return x;
}

export function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`lengths differ: ${x.length} vs ${y.length}`);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

export function matVec(a: Float64Array, x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i] += a[i * n + j] * x[j];
  return y;
}
