import { ConfigError } from "../core/errors.ts";
import type { SettingSpec } from "../core/settings.ts";
import { solveQP, InfeasibleError, type LinearConstraint, type QPSolution } from "../solver/qp.ts";
import { SYMMETRY_TOLERANCE, tsSolver } from "../solver/solver.ts";
import { ConvergenceError, type LinearSolver } from "../solver/types.ts";
import { dot, matVec } from "../solver/vectors.ts";

/**
 * Portfolio weights from a covariance matrix (and expected returns), all in
 * the inputs' period (monthly returns give monthly volatility and Sharpe).
 * Weights sum to 1. The quadratic programs are solved exactly by an active
 * set method (src/solver/qp.ts) on top of a LinearSolver; pass WasmSolver to
 * run the linear algebra in WebAssembly.
 */
/** The cap on each weight (the CLI's --max-weight, the API's maxWeight); maxWeight x assets must also be >= 1. */
export const MAX_WEIGHT_SETTING = {
  name: "maxWeight", type: "number", min: 0, minExclusive: true, description: "cap on every weight",
} as const satisfies SettingSpec;
/** The risk-free return per period of the data (the CLI's --rf, the API's riskFree). */
export const RISK_FREE_SETTING = { name: "riskFree", type: "number", default: 0, description: "risk-free return per period of the data" } as const satisfies SettingSpec;

export type OptimizeMethod = "minvar" | "meanvar" | "maxsharpe" | "riskparity";

export interface WeightConstraints {
  /** Every weight >= 0 (no short positions). */
  readonly longOnly?: boolean;
  /** Every weight <= maxWeight; needs maxWeight * n >= 1. */
  readonly maxWeight?: number;
}

export interface OptimizedPortfolio {
  readonly method: OptimizeMethod;
  readonly weights: Float64Array;
  /** sqrt(w^T S w). */
  readonly volatility: number;
  /** w_i (S w)_i / w^T S w: each asset's share of the variance; they sum to 1. */
  readonly riskContributions: Float64Array;
  /** mu^T w, when expected returns were given. */
  readonly expectedReturn?: number;
  /** (mu^T w - rf) / volatility, when expected returns were given. */
  readonly sharpe?: number;
  /** Active-set changes (quadratic programs) or Newton steps (risk parity). */
  readonly iterations: number;
}

export interface OptimizeRequest {
  readonly method: OptimizeMethod;
  /** n x n, row-major, symmetric positive definite. */
  readonly covariance: Float64Array;
  /** Needed by meanvar and maxsharpe. */
  readonly expectedReturns?: Float64Array;
  /** meanvar: the required mu^T w. */
  readonly targetReturn?: number;
  /** maxsharpe (and the reported Sharpe): risk-free return per period; default 0. */
  readonly riskFree?: number;
  readonly constraints?: WeightConstraints;
}

/** Dispatches to the method's function below. */
export function optimizePortfolio(req: OptimizeRequest, solver: LinearSolver = tsSolver): OptimizedPortfolio {
  const c = req.constraints ?? {};
  const need = (what: string) => new ConfigError(`${req.method} needs ${what}`, { field: what });
  switch (req.method) {
    case "minvar":
      return withReturns(minimumVariance(req.covariance, c, solver), req.expectedReturns, req.riskFree);
    case "meanvar":
      if (!req.expectedReturns) throw need("expectedReturns");
      if (req.targetReturn === undefined) throw need("targetReturn");
      return meanVariance(req.covariance, req.expectedReturns, req.targetReturn, c, solver, req.riskFree);
    case "maxsharpe":
      if (!req.expectedReturns) throw need("expectedReturns");
      return maximumSharpe(req.covariance, req.expectedReturns, req.riskFree ?? 0, c, solver);
    case "riskparity":
      return withReturns(riskParity(req.covariance, c, solver), req.expectedReturns, req.riskFree);
    default:
      throw new ConfigError(`unknown method ${JSON.stringify(req.method)}; known: minvar, meanvar, maxsharpe, riskparity`, { field: "method" });
  }
}

/** min w^T S w subject to sum w = 1 and the constraints. Unconstrained: S^-1 1 / 1^T S^-1 1. */
export function minimumVariance(covariance: Float64Array, constraints: WeightConstraints = {}, solver: LinearSolver = tsSolver): OptimizedPortfolio {
  const n = checkCovariance(covariance, solver);
  const bounds = boundConstraints(n, constraints);
  const qp = solveQP({ g: covariance, c: new Float64Array(n), constraints: [budget(n), ...bounds] }, solver);
  return describe("minvar", covariance, qp.x, qp.iterations);
}

/** min w^T S w subject to sum w = 1, mu^T w = targetReturn and the constraints: a point of the mean-variance frontier. */
export function meanVariance(
  covariance: Float64Array, expectedReturns: Float64Array, targetReturn: number,
  constraints: WeightConstraints = {}, solver: LinearSolver = tsSolver, riskFree = 0,
): OptimizedPortfolio {
  const n = checkCovariance(covariance, solver);
  checkReturns(expectedReturns, n);
  checkNumber("targetReturn", targetReturn);
  const target: LinearConstraint = { normal: expectedReturns, rhs: targetReturn, kind: "eq" };
  try {
    const qp = solveQP({ g: covariance, c: new Float64Array(n), constraints: [budget(n), target, ...boundConstraints(n, constraints)] }, solver);
    return withReturns(describe("meanvar", covariance, qp.x, qp.iterations), expectedReturns, riskFree);
  } catch (e) {
    if (!(e instanceof InfeasibleError)) throw e;
    const range = constraints.longOnly ? attainableRange(expectedReturns, constraints.maxWeight ?? 1) : undefined;
    throw new ConfigError(
      `target return ${targetReturn} is not attainable with these constraints` +
        (range ? `; fully invested long-only portfolios${constraints.maxWeight ? ` with weights <= ${constraints.maxWeight}` : ""} reach ${range[0]} to ${range[1]}` : ""),
      { field: "targetReturn" },
    );
  }
}

/**
 * The tangency portfolio: max (mu^T w - rf) / sqrt(w^T S w) subject to
 * sum w = 1 and the constraints. Solved as the quadratic program
 * min y^T S y subject to (mu - rf)^T y = 1, y_i <= maxWeight sum y,
 * [y >= 0], sum y >= 0, then w = y / sum y (the constraints are cones, so
 * the scaling keeps them). Unconstrained: w proportional to S^-1 (mu - rf).
 * When sum y = 0 at the optimum the Sharpe ratio only approaches its supremum
 * with ever more leverage, and no portfolio attains it: an error.
 */
export function maximumSharpe(
  covariance: Float64Array, expectedReturns: Float64Array, riskFree = 0,
  constraints: WeightConstraints = {}, solver: LinearSolver = tsSolver,
): OptimizedPortfolio {
  const n = checkCovariance(covariance, solver);
  checkReturns(expectedReturns, n);
  checkNumber("riskFree", riskFree);
  checkConstraints(n, constraints);
  const excess = expectedReturns.map((m) => m - riskFree);
  const cons: LinearConstraint[] = [
    { normal: excess, rhs: 1, kind: "eq" },
    { normal: new Float64Array(n).fill(1), rhs: 0, kind: "ge" },
  ];
  for (let i = 0; i < n; i++) {
    if (constraints.longOnly) cons.push({ normal: unit(n, i, 1), rhs: 0, kind: "ge" });
    if (constraints.maxWeight !== undefined) {
      const normal = new Float64Array(n).fill(constraints.maxWeight);
      normal[i] -= 1;
      cons.push({ normal, rhs: 0, kind: "ge" });
    }
  }
  let qp: QPSolution;
  try {
    qp = solveQP({ g: covariance, c: new Float64Array(n), constraints: cons }, solver);
  } catch (e) {
    if (!(e instanceof InfeasibleError)) throw e;
    throw new ConfigError(`no ${constraints.longOnly ? "long-only " : ""}portfolio has an expected return above riskFree = ${riskFree}, so the maximum Sharpe ratio is undefined`, { field: "riskFree" });
  }
  const total = qp.x.reduce((s, v) => s + v, 0);
  const scale = qp.x.reduce((s, v) => s + Math.abs(v), 0);
  if (!(total > 1e-9 * scale)) {
    throw new ConfigError(
      `no maximum-Sharpe portfolio exists for riskFree = ${riskFree}: the Sharpe ratio keeps rising with ever more leverage ` +
        "(riskFree is not below the minimum-variance portfolio's expected return); lower riskFree or add longOnly",
      { field: "riskFree" },
    );
  }
  return withReturns(describe("maxsharpe", covariance, qp.x.map((v) => v / total), qp.iterations), expectedReturns, riskFree);
}

/** Newton steps for risk parity; each one at least halves the distance once close, so 100 is ample. */
const MAX_NEWTON = 100;
/** Risk parity stops when every risk contribution is within this fraction of 1/n. */
const PARITY_TOLERANCE = 1e-10;

/**
 * Equal risk contributions: w_i (S w)_i = w^T S w / n for every i, w > 0.
 * Found as the minimiser of the strictly convex f(y) = y^T S y / 2 -
 * (1/n) sum log y_i (Spinu 2013), whose gradient S y - 1/(n y) vanishes
 * exactly where y_i (S y)_i = 1/n, by Newton steps (Hessian S + diag(1/(n
 * y^2)), solved by Cholesky with `solver`) with a backtracking line search that keeps
 * y > 0; w = y / sum y. Weights are always positive; a maxWeight the
 * solution exceeds is an error, since capping would break the parity.
 * Two assets with zero correlation give inverse-volatility weights.
 */
export function riskParity(covariance: Float64Array, constraints: WeightConstraints = {}, solver: LinearSolver = tsSolver): OptimizedPortfolio {
  const n = checkCovariance(covariance, solver);
  checkConstraints(n, constraints);
  const budget = 1 / n;
  const sy = (y: Float64Array) => matVec(covariance, y, n);
  const f = (y: Float64Array) => dot(y, sy(y)) / 2 - budget * y.reduce((s, v) => s + Math.log(v), 0);
  // Start at inverse volatilities, scaled to minimise f along that ray.
  let y = Float64Array.from({ length: n }, (_, i) => 1 / Math.sqrt(covariance[i * n + i]));
  const c0 = 1 / Math.sqrt(dot(y, sy(y)));
  y = y.map((v) => v * c0);
  let iterations = 0;
  for (;;) {
    const s = sy(y);
    if (y.every((v, i) => Math.abs(v * s[i] - budget) <= PARITY_TOLERANCE * budget)) break;
    if (iterations === MAX_NEWTON) {
      throw new ConvergenceError(`risk parity did not converge in ${MAX_NEWTON} Newton steps`);
    }
    iterations++;
    const grad = y.map((v, i) => s[i] - budget / v);
    const hessian = covariance.slice();
    for (let i = 0; i < n; i++) hessian[i * n + i] += budget / (y[i] * y[i]);
    const step = solver.cholesky(hessian, grad).x;
    const decrement = dot(grad, step);
    const fy = f(y);
    // Armijo backtracking; the slack lets a step through once f's decrease is below its rounding.
    const slack = 1e-15 * (1 + Math.abs(fy));
    let t = 1;
    let next = y.map((v, i) => v - t * step[i]);
    while (!next.every((v) => v > 0) || f(next) > fy - 0.25 * t * decrement + slack) {
      t /= 2;
      if (t < 1e-12) throw new ConvergenceError("risk parity line search failed: no descent along the Newton step");
      next = y.map((v, i) => v - t * step[i]);
    }
    y = next;
  }
  const total = y.reduce((a, v) => a + v, 0);
  const weights = y.map((v) => v / total);
  if (constraints.maxWeight !== undefined) {
    const i = weights.findIndex((w) => w > constraints.maxWeight! + 1e-12);
    if (i >= 0) {
      throw new ConfigError(
        `risk parity gives asset ${i} a weight of ${weights[i]} > maxWeight ${constraints.maxWeight}: equal risk contributions cannot meet that cap`,
        { field: "maxWeight" },
      );
    }
  }
  return describe("riskparity", covariance, weights, iterations);
}

/** Square, finite, symmetric and positive definite; returns n. */
export function checkCovariance(covariance: Float64Array, solver: LinearSolver): number {
  const n = Math.round(Math.sqrt(covariance.length));
  if (covariance.length === 0 || n * n !== covariance.length) {
    throw new ConfigError(`covariance must be a square n x n matrix (n^2 values, row-major), got ${covariance.length} values`, { field: "covariance" });
  }
  covariance.forEach((v, k) => {
    if (!Number.isFinite(v)) throw new ConfigError(`covariance[${Math.floor(k / n)}][${k % n}] must be finite, got ${v}`, { field: "covariance" });
  });
  const cls = solver.classify(covariance);
  if (!cls.symmetric) {
    throw new ConfigError(`covariance must be symmetric (|c_ij - c_ji| <= ${SYMMETRY_TOLERANCE} max |c_ij|)`, { field: "covariance" });
  }
  if (!cls.positiveDefinite) {
    throw new ConfigError(
      "covariance is not positive definite: some portfolio would have zero or negative variance " +
        "(an asset is a combination of others, there are fewer return rows than assets, or the matrix is not a covariance)",
      { field: "covariance" },
    );
  }
  return n;
}

function checkReturns(mu: Float64Array, n: number): void {
  if (mu.length !== n) throw new ConfigError(`expectedReturns has ${mu.length} values for ${n} assets`, { field: "expectedReturns" });
  mu.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new ConfigError(`expectedReturns[${i}] must be finite, got ${v}`, { field: "expectedReturns" });
  });
}

function checkNumber(field: string, v: number): void {
  if (!Number.isFinite(v)) throw new ConfigError(`${field} must be a finite number, got ${v}`, { field });
}

function checkConstraints(n: number, c: WeightConstraints): void {
  if (c.maxWeight === undefined) return;
  if (!(Number.isFinite(c.maxWeight) && c.maxWeight > 0)) {
    throw new ConfigError(`maxWeight must be a number > 0, got ${c.maxWeight}`, { field: "maxWeight" });
  }
  if (c.maxWeight * n < 1 - 1e-12) {
    throw new ConfigError(`maxWeight ${c.maxWeight} is infeasible: ${n} assets at most ${c.maxWeight} each cannot sum to 1 (needs maxWeight >= ${1 / n})`, { field: "maxWeight" });
  }
}

/** sum w = 1. */
function budget(n: number): LinearConstraint {
  return { normal: new Float64Array(n).fill(1), rhs: 1, kind: "eq" };
}

/** w_i >= 0 when long-only, -w_i >= -maxWeight when capped. */
function boundConstraints(n: number, c: WeightConstraints): LinearConstraint[] {
  checkConstraints(n, c);
  const out: LinearConstraint[] = [];
  for (let i = 0; i < n; i++) {
    if (c.longOnly) out.push({ normal: unit(n, i, 1), rhs: 0, kind: "ge" });
    if (c.maxWeight !== undefined) out.push({ normal: unit(n, i, -1), rhs: -c.maxWeight, kind: "ge" });
  }
  return out;
}

/** The lowest and highest mu^T w over 0 <= w_i <= cap, sum w = 1: fill the lowest (highest) returns first. */
function attainableRange(mu: Float64Array, cap: number): [number, number] {
  const fill = (order: number[]) => {
    let left = 1;
    let r = 0;
    for (const i of order) {
      const w = Math.min(cap, left);
      r += w * mu[i];
      left -= w;
    }
    return r;
  };
  const asc = [...mu.keys()].sort((a, b) => mu[a] - mu[b]);
  return [fill(asc), fill([...asc].reverse())];
}

function describe(method: OptimizeMethod, covariance: Float64Array, weights: Float64Array, iterations: number): OptimizedPortfolio {
  const n = weights.length;
  const sw = matVec(covariance, weights, n);
  const variance = dot(weights, sw);
  return {
    method, weights, iterations,
    volatility: Math.sqrt(variance),
    riskContributions: weights.map((w, i) => (w * sw[i]) / variance),
  };
}

function withReturns(p: OptimizedPortfolio, mu: Float64Array | undefined, riskFree = 0): OptimizedPortfolio {
  if (!mu) return p;
  checkReturns(mu, p.weights.length);
  checkNumber("riskFree", riskFree);
  const expectedReturn = dot(mu, p.weights);
  return { ...p, expectedReturn, sharpe: (expectedReturn - riskFree) / p.volatility };
}

function unit(n: number, i: number, v: number): Float64Array {
  const e = new Float64Array(n);
  e[i] = v;
  return e;
}
