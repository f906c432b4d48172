import { describe, expect, it } from "vitest";
import type { RiskStats } from "../../src/risk/stats.ts";
import { tsRisk } from "../../src/risk/stats.ts";
import { wasmRisk } from "./wasm.ts";

const a = Float64Array.of(0.02, 0.01, 0.04, 0.03);
const b = Float64Array.of(0.01, 0.02, 0.03, 0.04);
// deviations from the means (0.025 both): a (-5, -15, 15, 5)e-3, b (-15, -5, 5, 15)e-3
// sum of products 4 * 7.5e-5 = 3e-4, sums of squares 5e-4 each:
// cov = 3e-4 / 3 = 1e-4, beta = 3e-4 / 5e-4 = 0.6, correlation = 0.6

describe("beta, correlation and covariance", async () => {
  const implementations: [string, RiskStats][] = [["twin", tsRisk], ["wasm", await wasmRisk()]];
  for (const [impl, stats] of implementations) {
    it(`match hand-computed values (${impl})`, () => {
      const c = stats.comoments(a, b);
      expect(c.n).toBe(4);
      expect(c.covariance).toBeCloseTo(1e-4, 17);
      expect(c.beta).toBeCloseTo(0.6, 14);
      expect(c.correlation).toBeCloseTo(0.6, 14);
      // an exact linear relation: a = 0.01 - 3 b
      const lin = stats.comoments(b.map((v) => 0.01 - 3 * v), b);
      expect(lin.beta).toBeCloseTo(-3, 13);
      expect(lin.correlation).toBeCloseTo(-1, 14);
    });

    it(`use only the dates where both are present (${impl})`, () => {
      const a2 = Float64Array.of(0.02, NaN, 0.01, 0.04, 0.5, 0.03);
      const b2 = Float64Array.of(0.01, 0.7, 0.02, 0.03, NaN, 0.04);
      const c = stats.comoments(a2, b2);
      expect(c.n).toBe(4);
      expect(c.beta).toBeCloseTo(0.6, 14);
      expect(() => stats.comoments(Float64Array.of(1, NaN, 3), Float64Array.of(NaN, 2, 3))).toThrow(/benchmark: 1 date with every series present; at least 2 needed/);
    });

    it(`give the sample covariance matrix over complete rows (${impl})`, () => {
      const c = Float64Array.of(0.0, 0.01, 0.0, 0.01);
      const m = stats.covarianceMatrix([a, b, c]);
      // c: mean 0.005, deviations (-5, 5, -5, 5)e-3; with a: (25 - 75 - 75 + 25)e-6 / 3, with b: (75 - 25 - 25 + 75)e-6 / 3
      const expected = [5e-4 / 3, 1e-4, -1e-4 / 3, 1e-4, 5e-4 / 3, 1e-4 / 3, -1e-4 / 3, 1e-4 / 3, 1e-4 / 3];
      expect(m.length).toBe(9);
      expected.forEach((v, i) => expect(m[i], `[${i}]`).toBeCloseTo(v, 17));
      expect(stats.covarianceMatrix([a])[0]).toBeCloseTo(5e-4 / 3, 17);
      expect(() => stats.covarianceMatrix([a, Float64Array.of(1, 2)])).toThrow(/series: the series have different lengths/);
      expect(() => stats.covarianceMatrix([Float64Array.of(1, Infinity)])).toThrow(/series\[0\]\[1\] is Infinity/);
    });
  }
});
