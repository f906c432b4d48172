import { describe, expect, it } from "vitest";
import { cholesky } from "../../src/risk/montecarlo.ts";
import { dnorm, qnorm } from "../../src/risk/normal.ts";
import { Random } from "../../src/core/random.ts";
import type { MonteCarloSpec, RiskStats } from "../../src/risk/stats.ts";
import { tsRisk } from "../../src/risk/stats.ts";
import { wasmRisk } from "./wasm.ts";

const PATHS = 1_000_000;

/** Standard error of the sample alpha-quantile of n draws from a density f at the quantile. */
const quantileSE = (alpha: number, n: number, density: number) => Math.sqrt((alpha * (1 - alpha)) / n) / density;

/**
 * Standard error of the sample ES of a normal(0, sd): sqrt((Var(X | X < q) + (1 - alpha) (q - ES)^2) / (n alpha)).
 */
function normalEsSE(alpha: number, n: number, sd: number): number {
  const z = qnorm(alpha);
  const lambda = dnorm(z) / alpha;
  const tailVar = 1 - z * lambda - lambda * lambda;
  return sd * Math.sqrt((tailVar + (1 - alpha) * (z + lambda) ** 2) / (n * alpha));
}

function oneAsset(mean: number, sd: number, extra: Partial<MonteCarloSpec> = {}): MonteCarloSpec {
  return {
    weights: Float64Array.of(1), means: Float64Array.of(mean), covariance: Float64Array.of(sd * sd),
    confidence: 0.95, paths: PATHS, seed: 1, ...extra,
  };
}

// Three assets: sds 1%, 2%, 1.5%, correlations 0.5, -0.2, 0.3.
const sds = [0.01, 0.02, 0.015];
const corr = [[1, 0.5, -0.2], [0.5, 1, 0.3], [-0.2, 0.3, 1]];
const portfolio: MonteCarloSpec = {
  weights: Float64Array.of(0.5, 0.3, 0.2),
  means: Float64Array.of(0.001, 0.0005, 0.0002),
  covariance: Float64Array.from(corr.flatMap((row, i) => row.map((c, j) => c * sds[i] * sds[j]))),
  confidence: 0.99, paths: PATHS, seed: 2024,
};

describe("Monte Carlo VaR", async () => {
  const implementations: [string, RiskStats][] = [["twin", tsRisk], ["wasm", await wasmRisk()]];

  for (const [impl, stats] of implementations) {
    it(`Gaussian paths give the Gaussian VaR and ES within sampling error (${impl})`, () => {
      const mean = 0.0004;
      const sd = 0.012;
      for (const confidence of [0.95, 0.99]) {
        const alpha = 1 - confidence;
        const z = qnorm(alpha);
        const mc = stats.monteCarlo(oneAsset(mean, sd, { confidence, seed: 7 }));
        expect(mc.paths).toBe(PATHS);
        expect(Math.abs(mc.VaR - (mean + z * sd))).toBeLessThan(4.5 * quantileSE(alpha, PATHS, dnorm(z) / sd));
        expect(Math.abs(mc.ES - (mean - (dnorm(z) / alpha) * sd))).toBeLessThan(4.5 * normalEsSE(alpha, PATHS, sd));
        expect(Math.abs(mc.mean - mean)).toBeLessThan((4.5 * sd) / Math.sqrt(PATHS));
        expect(Math.abs(mc.stdDev / sd - 1)).toBeLessThan(4.5 * Math.sqrt(2 / PATHS));
      }
    });

    it(`a multi-asset portfolio gives the analytic portfolio Gaussian VaR (${impl})`, () => {
      const { weights: w, means, covariance: cov } = portfolio;
      let center = 0;
      let variance = 0;
      for (let i = 0; i < 3; i++) {
        center += w[i] * means[i];
        for (let j = 0; j < 3; j++) variance += w[i] * w[j] * cov[i * 3 + j];
      }
      const sd = Math.sqrt(variance);
      const z = qnorm(0.01);
      const mc = stats.monteCarlo(portfolio);
      expect(Math.abs(mc.VaR - (center + z * sd))).toBeLessThan(4.5 * quantileSE(0.01, PATHS, dnorm(z) / sd));
      expect(Math.abs(mc.ES - (center - (dnorm(z) / 0.01) * sd))).toBeLessThan(4.5 * normalEsSE(0.01, PATHS, sd));
      expect(Math.abs(mc.stdDev / sd - 1)).toBeLessThan(4.5 * Math.sqrt(2 / PATHS));
    });

    it(`Student-t innovations keep the variance and give t quantiles (${impl})`, () => {
      const sd = 0.02;
      const df = 5;
      const mc = stats.monteCarlo(oneAsset(0, sd, { df, seed: 99 }));
      // Sample variance of a distribution with kurtosis 3 + 6 / (df - 4) = 9: relative SE sqrt(8 / n).
      expect(Math.abs((mc.stdDev * mc.stdDev) / (sd * sd) - 1)).toBeLessThan(5 * Math.sqrt(8 / PATHS));
      // R: qt(0.05, 5) = -2.015048; t5 density 8 / (3 pi sqrt 5) (1 + t^2 / 5)^-3; scale sd sqrt(3 / 5).
      const scale = sd * Math.sqrt((df - 2) / df);
      const t = -2.015048372669157;
      const density = (8 / (3 * Math.PI * Math.sqrt(5))) * (1 + (t * t) / 5) ** -3 / scale;
      expect(Math.abs(mc.VaR - scale * t)).toBeLessThan(4.5 * quantileSE(0.05, PATHS, density));
      // Heavier tail than the normal with the same variance at 99%: R qt(0.01, 5) = -3.36493.
      const mc99 = stats.monteCarlo(oneAsset(0, sd, { df, seed: 99, confidence: 0.99 }));
      expect(mc99.VaR / (scale * -3.36493)).toBeCloseTo(1, 1);
      expect(mc99.VaR).toBeLessThan(qnorm(0.01) * sd);
    });

    it(`multivariate t keeps the portfolio variance (${impl})`, () => {
      const mc = stats.monteCarlo({ ...portfolio, df: 8, paths: 400_000 });
      const gaussian = stats.monteCarlo({ ...portfolio, paths: 400_000 });
      // kurtosis 3 + 6 / (8 - 4) = 4.5: relative SE of the variance sqrt(3.5 / n)
      expect(Math.abs((mc.stdDev / gaussian.stdDev) ** 2 - 1)).toBeLessThan(5 * Math.sqrt(5.5 / 400_000));
    });

    it(`handles perfectly correlated assets (positive semi-definite covariance) (${impl})`, () => {
      // Both assets are s z1: any weights summing to 1 give the same portfolio path by path.
      const s = 0.01;
      const spec: MonteCarloSpec = {
        weights: Float64Array.of(0.25, 0.75), means: Float64Array.of(0, 0),
        covariance: Float64Array.of(s * s, s * s, s * s, s * s), confidence: 0.95, paths: 10_000, seed: 3,
      };
      const mixed = stats.monteCarlo(spec);
      const first = stats.monteCarlo({ ...spec, weights: Float64Array.of(1, 0) });
      expect(mixed.VaR).toBeCloseTo(first.VaR, 16);
      expect(mixed.stdDev).toBeCloseTo(first.stdDev, 16);
      expect(Math.abs(mixed.stdDev / s - 1)).toBeLessThan(5 * Math.sqrt(2 / 10_000));
    });

    it(`rejects bad specifications, naming the field (${impl})`, () => {
      const bad: [Partial<MonteCarloSpec>, RegExp][] = [
        [{ confidence: 1.5 }, /confidence must be a number strictly between 0 and 1/],
        [{ paths: 1 }, /paths must be an integer in \[2, 100000000\], got 1/],
        [{ paths: 2.5 }, /paths must be an integer/],
        [{ seed: -1 }, /seed must be an integer in \[0, 4294967295\]/],
        [{ df: 2 }, /df must be a finite number > 2/],
        [{ df: NaN }, /df must be a finite number > 2/],
        [{ weights: new Float64Array(0) }, /weights is empty/],
        [{ means: Float64Array.of(0, 0) }, /means has 2 values for 1 weights/],
        [{ covariance: Float64Array.of(1, 0) }, /covariance has 2 values; 1 x 1 = 1 needed/],
        [{ means: Float64Array.of(NaN) }, /means\[0\] must be finite, got NaN/],
        [{ covariance: Float64Array.of(-1e-4) }, /covariance is not positive semi-definite \(pivot -0.0001 at row 0\)/],
      ];
      for (const [change, message] of bad) {
        expect(() => stats.monteCarlo({ ...oneAsset(0, 0.01, { paths: 100 }), ...change })).toThrow(message);
      }
      const twoAssets = { weights: Float64Array.of(0.5, 0.5), means: Float64Array.of(0, 0), confidence: 0.95, paths: 100, seed: 1 };
      expect(() => stats.monteCarlo({ ...twoAssets, covariance: Float64Array.of(1, 2, 2, 1) }))
        .toThrow(/covariance is not positive semi-definite \(pivot -3 at row 1\)/);
      expect(() => stats.monteCarlo({ ...twoAssets, covariance: Float64Array.of(1, 0.5, 0.4, 1) }))
        .toThrow(/covariance is not symmetric: \[1\]\[0\] = 0.4 but \[0\]\[1\] = 0.5/);
    });
  }

  it("is reproducible: the same seed gives the same paths, in the twin and the kernel alike", async () => {
    const wasm = await wasmRisk();
    const spec = { ...portfolio, paths: 200_000, df: 6 };
    const first = wasm.monteCarlo(spec);
    expect(wasm.monteCarlo(spec)).toEqual(first);
    expect(wasm.monteCarlo({ ...spec, seed: spec.seed + 1 }).VaR).not.toBe(first.VaR);
    // The twin draws the same stream; log and exp may differ in the last bit between JS and WASM.
    const twin = tsRisk.monteCarlo(spec);
    expect(tsRisk.monteCarlo(spec)).toEqual(twin);
    for (const key of ["VaR", "ES", "mean", "stdDev"] as const) {
      expect(Math.abs(twin[key] - first[key]), key).toBeLessThanOrEqual(1e-12 * Math.abs(first[key]));
    }
  });
});

describe("random numbers and the Cholesky factor", () => {
  it("xoshiro128** gives the reference outputs of Blackman and Vigna's C code for state 1, 2, 3, 4", () => {
    const r = Random.fromState(1, 2, 3, 4);
    const out = Array.from({ length: 10 }, () => r.nextU32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });

  it("uniforms lie in [0, 1) with mean 1/2 and variance 1/12; normals have mean 0, variance 1", () => {
    const r = new Random(5);
    const n = 200_000;
    let su = 0, su2 = 0, sz = 0, sz2 = 0, sz4 = 0, lo = 1, hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      su += u;
      su2 += u * u;
      const z = r.normal();
      sz += z;
      sz2 += z * z;
      sz4 += z ** 4;
    }
    expect(lo >= 0 && hi < 1).toBe(true);
    expect(Math.abs(su / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(su2 / n - (su / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
    expect(Math.abs(sz / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sz2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(sz4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });

  it("chi-square draws have mean df and variance 2 df", () => {
    const r = new Random(8);
    const n = 200_000;
    for (const df of [3, 5.5, 30]) {
      let s = 0, s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = r.chiSquare(df);
        s += x;
        s2 += x * x;
      }
      const mean = s / n;
      expect(Math.abs(mean - df)).toBeLessThan(5 * Math.sqrt((2 * df) / n));
      expect((s2 / n - mean * mean) / (2 * df)).toBeCloseTo(1, 1);
    }
  });

  it("L L' reproduces the covariance", () => {
    const a = portfolio.covariance;
    const l = cholesky(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let m = 0; m < 3; m++) s += l[i * 3 + m] * l[j * 3 + m];
        expect(s).toBeCloseTo(a[i * 3 + j], 18);
        if (j > i) expect(l[i * 3 + j]).toBe(0);
      }
    }
  });
});
