import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { completeRows } from "../../src/portfolio/estimate.ts";
import { sampleMoments } from "../../src/risk/comoments.ts";
import {
  maximumSharpe, meanVariance, minimumVariance, optimizePortfolio, riskParity, type OptimizedPortfolio, type OptimizeMethod,
} from "../../src/portfolio/optimize.ts";
import { parseReturnsCsv } from "../../src/data/returns-csv.ts";
import { tsSolver } from "../../src/solver/solver.ts";
import { root } from "../helpers.ts";
import { gaussSolve, matVec, maxAbsDiff, wasmSolver } from "../solver/systems.ts";

// Three assets with hand-picked volatilities (20%, 30%, 15%) and correlations.
const cov3 = Float64Array.of(0.04, 0.006, 0.002, 0.006, 0.09, 0.009, 0.002, 0.009, 0.0225);
const mu3 = Float64Array.of(0.08, 0.12, 0.06);
const ones3 = Float64Array.of(1, 1, 1);

const edhec = sampleMoments(completeRows(parseReturnsCsv(readFileSync(`${root}test/fixtures/pa_edhec_returns.csv`, "utf8"), "edhec")).columns);
const n = edhec.mean.length;

const sum = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v, 0);
const dot = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).reduce((s, v, i) => s + v * y[i], 0);
const normalize = (x: Float64Array) => x.map((v) => v / sum(x));

/**
 * KKT conditions of min phi(w) subject to the equality rows and
 * lo <= w_i <= hi, checked from the gradient alone: the equality multipliers
 * are fitted by least squares on the assets strictly inside their bounds,
 * where the gradient must equal their combination; at a lower bound it may
 * exceed it, at an upper bound fall short of it. Sufficient for optimality
 * in these convex problems.
 */
function expectKkt(grad: Float64Array, w: Float64Array, rows: Float64Array[], lo = -Infinity, hi = Infinity): void {
  const inside = 1e-9;
  const free = [...w.keys()].filter((i) => w[i] > lo + inside && w[i] < hi - inside);
  expect(free.length).toBeGreaterThanOrEqual(rows.length);
  const k = rows.length;
  const normal = new Float64Array(k * k);
  const rhs = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) normal[a * k + b] = free.reduce((s, i) => s + rows[a][i] * rows[b][i], 0);
    rhs[a] = free.reduce((s, i) => s + rows[a][i] * grad[i], 0);
  }
  const lambda = gaussSolve(normal, rhs);
  const scale = Math.max(...grad.map(Math.abs));
  w.forEach((wi, i) => {
    const reduced = grad[i] - rows.reduce((s, row, a) => s + lambda[a] * row[i], 0);
    if (free.includes(i)) expect(Math.abs(reduced), `asset ${i} (free)`).toBeLessThan(1e-8 * scale);
    else if (wi <= lo + inside) expect(reduced, `asset ${i} (at lower bound)`).toBeGreaterThan(-1e-8 * scale);
    else expect(reduced, `asset ${i} (at upper bound)`).toBeLessThan(1e-8 * scale);
  });
}

function expectFeasible(p: OptimizedPortfolio, lo = -Infinity, hi = Infinity): void {
  expect(Math.abs(sum(p.weights) - 1)).toBeLessThan(1e-12);
  p.weights.forEach((w) => {
    expect(w).toBeGreaterThanOrEqual(lo - 1e-12);
    expect(w).toBeLessThanOrEqual(hi + 1e-12);
  });
  expect(Math.abs(sum(p.riskContributions) - 1)).toBeLessThan(1e-12);
}

/** Gradient of -Sharpe(w) = -(mu - rf)^T w / sqrt(w^T S w). */
function negSharpeGradient(cov: Float64Array, mu: Float64Array, rf: number, w: Float64Array): Float64Array {
  const sw = matVec(cov, w);
  const variance = dot(w, sw);
  const excess = dot(mu, w) - rf;
  return mu.map((m, i) => -((m - rf) / Math.sqrt(variance) - (excess * sw[i]) / variance ** 1.5));
}

describe("portfolio optimizer: closed forms", () => {
  it("unconstrained minimum variance is S^-1 1 / 1^T S^-1 1", () => {
    const p = minimumVariance(cov3);
    expect(maxAbsDiff(p.weights, normalize(gaussSolve(cov3, ones3)))).toBeLessThan(1e-14);
    expect(p.volatility).toBeCloseTo(1 / Math.sqrt(sum(gaussSolve(cov3, ones3))), 15);
  });

  it("the unconstrained tangency portfolio is proportional to S^-1 (mu - rf)", () => {
    const rf = 0.02;
    const p = maximumSharpe(cov3, mu3, rf);
    expect(maxAbsDiff(p.weights, normalize(gaussSolve(cov3, mu3.map((m) => m - rf))))).toBeLessThan(1e-13);
    // The Sharpe ratio of the tangency portfolio is sqrt((mu - rf)^T S^-1 (mu - rf)).
    const e = mu3.map((m) => m - rf);
    expect(p.sharpe).toBeCloseTo(Math.sqrt(dot(e, gaussSolve(cov3, e))), 12);
  });

  it("a mean-variance frontier point matches the Lagrange closed form", () => {
    const a = dot(ones3, gaussSolve(cov3, ones3));
    const b = dot(ones3, gaussSolve(cov3, mu3));
    const c = dot(mu3, gaussSolve(cov3, mu3));
    const d = a * c - b * b;
    for (const target of [0.05, 0.09, 0.15]) {
      const expected = gaussSolve(cov3, ones3.map((_, i) => ((c - b * target) + (a * target - b) * mu3[i]) / d));
      const p = meanVariance(cov3, mu3, target);
      expect(maxAbsDiff(p.weights, expected)).toBeLessThan(1e-13);
      expect(p.expectedReturn).toBeCloseTo(target, 14);
      // Frontier variance (A t^2 - 2 B t + C) / D.
      expect(p.volatility ** 2).toBeCloseTo((a * target ** 2 - 2 * b * target + c) / d, 14);
    }
  });

  it("two uncorrelated assets get inverse-volatility risk-parity weights", () => {
    const p = riskParity(Float64Array.of(0.04, 0, 0, 0.09));
    expect(maxAbsDiff(p.weights, [0.3 / 0.5, 0.2 / 0.5])).toBeLessThan(1e-12);
    expect(maxAbsDiff(p.riskContributions, [0.5, 0.5])).toBeLessThan(1e-10);
  });

  it("risk parity equalises risk contributions on correlated assets", () => {
    for (const cov of [cov3, edhec.covariance]) {
      const p = riskParity(cov);
      const k = p.weights.length;
      expect(maxAbsDiff(p.riskContributions, new Float64Array(k).fill(1 / k))).toBeLessThan(1e-10 / k);
      expect(p.weights.every((w) => w > 0)).toBe(true);
      expectFeasible(p);
    }
  });
});

describe("portfolio optimizer: constraints (EDHEC hedge fund indices, 13 assets)", () => {
  const ones = new Float64Array(n).fill(1);

  it("long-only and capped minimum variance meet the KKT conditions", () => {
    const free = minimumVariance(edhec.covariance);
    expect(free.weights.some((w) => w < 0)).toBe(true); // the constraints bind below
    for (const [c, lo, hi] of [[{ longOnly: true }, 0, Infinity], [{ longOnly: true, maxWeight: 0.2 }, 0, 0.2], [{ maxWeight: 0.15 }, -Infinity, 0.15]] as const) {
      const p = minimumVariance(edhec.covariance, c);
      expectFeasible(p, lo, hi);
      expectKkt(matVec(edhec.covariance, p.weights), p.weights, [ones], lo, hi);
      expect(p.volatility).toBeGreaterThan(free.volatility);
    }
  });

  it("the KKT check itself rejects feasible but suboptimal weights", () => {
    const equal = new Float64Array(n).fill(1 / n);
    expect(() => expectKkt(matVec(edhec.covariance, equal), equal, [ones], 0, 0.2)).toThrow();
    const p = minimumVariance(edhec.covariance, { longOnly: true, maxWeight: 0.2 });
    const nudged = p.weights.slice();
    const [i, j] = [...nudged.keys()].filter((k) => nudged[k] > 0.01 && nudged[k] < 0.19);
    nudged[i] += 0.001;
    nudged[j] -= 0.001;
    expect(() => expectKkt(matVec(edhec.covariance, nudged), nudged, [ones], 0, 0.2)).toThrow();
  });

  it("a constrained frontier point meets the KKT conditions with both equality multipliers", () => {
    const target = 0.006;
    const p = meanVariance(edhec.covariance, edhec.mean, target, { longOnly: true, maxWeight: 0.25 });
    expectFeasible(p, 0, 0.25);
    expect(p.expectedReturn).toBeCloseTo(target, 14);
    expectKkt(matVec(edhec.covariance, p.weights), p.weights, [ones, edhec.mean], 0, 0.25);
  });

  it("constrained maximum Sharpe meets the KKT conditions of max (mu - rf)^T w / sigma(w)", () => {
    const rf = 0.002;
    for (const [c, lo, hi] of [[{ longOnly: true }, 0, Infinity], [{ longOnly: true, maxWeight: 0.2 }, 0, 0.2], [{ maxWeight: 0.3 }, -Infinity, 0.3]] as const) {
      const p = maximumSharpe(edhec.covariance, edhec.mean, rf, c);
      expectFeasible(p, lo, hi);
      expectKkt(negSharpeGradient(edhec.covariance, edhec.mean, rf, p.weights), p.weights, [ones], lo, hi);
      expect(p.sharpe).toBeCloseTo((dot(edhec.mean, p.weights) - rf) / p.volatility, 14);
      // No constrained portfolio beats the unconstrained tangency.
      expect(p.sharpe!).toBeLessThanOrEqual(maximumSharpe(edhec.covariance, edhec.mean, rf).sharpe! + 1e-12);
    }
  });

  it("gives the same weights on the TypeScript and WASM solvers", async () => {
    const wasm = await wasmSolver();
    const methods: OptimizeMethod[] = ["minvar", "maxsharpe", "riskparity"];
    for (const method of methods) {
      for (const constraints of [{}, { longOnly: true, maxWeight: 0.2 }]) {
        const req = { method, covariance: edhec.covariance, expectedReturns: edhec.mean, riskFree: 0.001, constraints };
        expect(maxAbsDiff(optimizePortfolio(req, tsSolver).weights, optimizePortfolio(req, wasm).weights)).toBeLessThan(1e-12);
      }
    }
  });
});

describe("portfolio optimizer: errors", () => {
  it("rejects a covariance that is not square, symmetric, finite and positive definite", () => {
    expect(() => minimumVariance(new Float64Array(5))).toThrow(/covariance must be a square n x n matrix/);
    expect(() => minimumVariance(Float64Array.of(1, 0.5, 0.4, 1))).toThrow(/covariance must be symmetric/);
    expect(() => minimumVariance(Float64Array.of(1, NaN, NaN, 1))).toThrow(/covariance\[0\]\[1\] must be finite/);
    expect(() => minimumVariance(Float64Array.of(1, 2, 2, 1))).toThrow(/covariance is not positive definite/);
    // An asset duplicated: singular sample covariance.
    const x = Float64Array.of(0.01, -0.02, 0.03, 0.005);
    const dup = sampleMoments([x, x, Float64Array.of(0.02, 0.01, -0.01, 0)]);
    expect(() => riskParity(dup.covariance)).toThrow(/covariance is not positive definite/);
  });

  it("rejects infeasible constraints and targets", () => {
    expect(() => minimumVariance(edhec.covariance, { maxWeight: 0.05 })).toThrow(/maxWeight 0.05 is infeasible: 13 assets at most 0.05 each cannot sum to 1/);
    expect(() => minimumVariance(cov3, { maxWeight: 0 })).toThrow(/maxWeight must be a number > 0/);
    expect(() => meanVariance(cov3, mu3, 0.2, { longOnly: true })).toThrow(/target return 0.2 is not attainable with these constraints; fully invested long-only portfolios reach 0.06 to 0.12/);
    expect(() => meanVariance(cov3, Float64Array.of(0.1, 0.1, 0.1), 0.12)).toThrow(/not attainable/);
    expect(() => maximumSharpe(cov3, mu3, 0.15, { longOnly: true })).toThrow(/no long-only portfolio has an expected return above riskFree = 0.15/);
    // rf above the minimum-variance portfolio's return: no tangency without a long-only bound.
    expect(() => maximumSharpe(cov3, mu3, 0.2)).toThrow(/no maximum-Sharpe portfolio exists for riskFree = 0.2/);
    expect(() => riskParity(edhec.covariance, { maxWeight: 0.1 })).toThrow(/risk parity gives asset \d+ a weight of 0.1\d+ > maxWeight 0.1/);
  });

  it("rejects missing or malformed returns and parameters", () => {
    expect(() => maximumSharpe(cov3, Float64Array.of(0.1, 0.1))).toThrow(/expectedReturns has 2 values for 3 assets/);
    expect(() => maximumSharpe(cov3, Float64Array.of(0.1, NaN, 0.1))).toThrow(/expectedReturns\[1\] must be finite/);
    expect(() => optimizePortfolio({ method: "meanvar", covariance: cov3, expectedReturns: mu3 })).toThrow(/meanvar needs targetReturn/);
    expect(() => optimizePortfolio({ method: "maxsharpe", covariance: cov3 })).toThrow(/maxsharpe needs expectedReturns/);
    expect(() => optimizePortfolio({ method: "best" as OptimizeMethod, covariance: cov3 })).toThrow(/unknown method "best"/);
  });
});
