import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { dnorm, qnorm } from "../../src/risk/normal.ts";
import { tsRisk } from "../../src/risk/stats.ts";
import { historicalVaRES, quantile7, select } from "../../src/risk/var.ts";
import { lcgReturns, wasmRisk } from "./wasm.ts";

/** R's quantile(x, prob, type = 7) by a full sort: the reference for the selection-based one. */
function sortedQuantile7(x: Float64Array, prob: number): number {
  const s = Float64Array.from(x).sort();
  const index = 1 + (s.length - 1) * prob;
  const lo = Math.floor(index);
  const h = index - lo;
  return h === 0 || s[lo] === s[lo - 1] ? s[lo - 1] : (1 - h) * s[lo - 1] + h * s[lo];
}

describe("historical VaR by selection", () => {
  it("select puts the k-th order statistic at k and partitions around it", () => {
    for (const n of [1, 2, 3, 10, 601, 602, 5000, 100_000]) {
      const x = lcgReturns(n, n);
      for (let i = 0; i < n; i += 7) x[i] = x[(i * 31) % n]; // duplicates
      const sorted = Float64Array.from(x).sort();
      for (const k of [0, n >> 1, n - 1, Math.floor(n * 0.05)]) {
        const y = Float64Array.from(x);
        select(y, 0, n - 1, k);
        expect(y[k]).toBe(sorted[k]);
        for (let i = 0; i < k; i++) if (!(y[i] <= y[k])) throw new Error(`n=${n} k=${k}: y[${i}] > y[k]`);
        for (let i = k + 1; i < n; i++) if (!(y[i] >= y[k])) throw new Error(`n=${n} k=${k}: y[${i}] < y[k]`);
        expect(Float64Array.from(y).sort()).toEqual(sorted);
      }
    }
  });

  it("quantile7 equals R's type-7 quantile computed by sorting", () => {
    for (const n of [1, 2, 5, 132, 999, 20_000]) {
      const x = lcgReturns(n, 11 * n);
      for (const p of [0, 0.001, 0.01, 0.05, 0.25, 0.5, 0.95, 1]) {
        expect(quantile7(Float64Array.from(x), n, p)).toBe(sortedQuantile7(x, p));
      }
    }
    // Ties at the interpolation points: no interpolation between equal values.
    expect(quantile7(Float64Array.of(3, 1, 1, 1, 2), 5, 0.3)).toBe(1);
  });

  it("ES is the mean of the returns strictly below the VaR, and the VaR when none is", () => {
    const r = Float64Array.of(-0.05, 0.02, -0.01, 0.03, -0.03, 0.01, 0.0, -0.02, 0.04, 0.05);
    // sorted: -0.05 -0.03 -0.02 -0.01 0 0.01 ...; index 1 + 9 * 0.2 = 2.8: 0.2 * x(2) + 0.8 * x(3)
    const { VaR, ES } = historicalVaRES(r, 0.2);
    expect(VaR).toBeCloseTo(0.2 * -0.03 + 0.8 * -0.02, 15);
    expect(ES).toBeCloseTo((-0.05 + -0.03) / 2, 15);
    expect(historicalVaRES(Float64Array.of(0.01, 0.02, 0.03), 0.01)).toEqual({ VaR: 0.0102, ES: 0.01 });
    expect(historicalVaRES(Float64Array.of(0.02, 0.01, 0.01), 0.01)).toEqual({ VaR: 0.01, ES: 0.01 });
  });

  it("leaves returns equal to the VaR out of the ES (twin and kernel)", async () => {
    // index 1 + 4 * 0.25 = 2: VaR = the 2nd smallest, -0.01, which two more returns equal
    const r = Float64Array.of(-0.01, 0.02, -0.01, -0.03, -0.01);
    for (const stats of [tsRisk, await wasmRisk()]) {
      expect(stats.historical(r, 0.75)).toEqual({ VaR: -0.01, ES: -0.03 });
    }
  });

  it("the kernel and the twin agree with the sort-based quantile on large input", async () => {
    const wasm = await wasmRisk();
    const r = lcgReturns(1_000_001, 99);
    for (const p of [0.95, 0.99, 0.999]) {
      const q = sortedQuantile7(r, 1 - p);
      let sum = 0;
      let n = 0;
      for (const v of r) if (v < q) { sum += v; n++; }
      for (const h of [wasm.historical(r, p), tsRisk.historical(r, p), wasm.tailRisk(r, p).historical]) {
        expect(h.VaR).toBe(q);
        expect(h.ES).toBeCloseTo(sum / n, 14);
      }
    }
  });
});

describe("Gaussian and modified VaR", () => {
  it("qnorm matches R's qnorm", () => {
    expect(qnorm(0.05)).toBeCloseTo(-1.6448536269514722, 15);
    expect(qnorm(0.01)).toBeCloseTo(-2.3263478740408408, 15);
    expect(qnorm(0.975)).toBeCloseTo(1.959963984540054, 15);
    expect(qnorm(0.5)).toBe(0);
    expect(qnorm(1e-10)).toBeCloseTo(-6.361340902404056, 13);
    expect(qnorm(0.875)).toBe(-qnorm(0.125));
    expect(qnorm(1e-300)).toBeLessThan(qnorm(1e-200));
    expect(dnorm(0)).toBeCloseTo(0.3989422804014327, 16);
  });

  it("Gaussian VaR and ES are mean + z sd and mean - phi(z) sd / alpha with the population sd", () => {
    const r = Float64Array.of(0.01, -0.02, 0.03, 0.0);
    const mean = 0.005;
    const sd = Math.sqrt((0.005 ** 2 + 0.025 ** 2 + 0.025 ** 2 + 0.005 ** 2) / 4);
    const g = tsRisk.tailRisk(r, 0.95).gaussian;
    expect(g.VaR).toBeCloseTo(mean - 1.6448536269514729 * sd, 15);
    expect(g.ES).toBeCloseTo(mean - (0.10313564037537128 * sd) / 0.05, 15);
  });

  it("modified VaR and ES equal the Gaussian ones when skewness and excess kurtosis are 0", () => {
    // {-a, 0, 0, 0, 0, a}: skewness 0, m4 / m2^2 = 1 / (2 * 1/6) = 3.
    const r = Float64Array.of(-0.01, 0, 0, 0, 0, 0.01);
    for (const p of [0.9, 0.95, 0.99]) {
      const t = tsRisk.tailRisk(r, p);
      expect(t.modified.VaR).toBeCloseTo(t.gaussian.VaR, 16);
      expect(t.modified.ES).toBeCloseTo(t.gaussian.ES, 16);
    }
    // A constant series has no spread: every parametric VaR and ES is the value itself.
    const f = tsRisk.tailRisk(Float64Array.of(0.01, 0.01, 0.01), 0.99);
    expect(f.modified).toEqual({ VaR: 0.01, ES: 0.01 });
    expect(f.gaussian).toEqual({ VaR: 0.01, ES: 0.01 });
  });

  it("modified ES is never above modified VaR, at any confidence", async () => {
    const wasm = await wasmRisk();
    for (const seed of [1, 2, 3]) {
      const r = lcgReturns(500, seed, 0.02);
      for (let p = 0.5; p < 0.9995; p += 0.0125) {
        for (const stats of [tsRisk, wasm]) {
          const m = stats.tailRisk(r, p).modified;
          expect(m.ES).toBeLessThanOrEqual(m.VaR);
        }
      }
    }
  });

  it("names the field in a ConfigError", () => {
    try {
      tsRisk.tailRisk(Float64Array.of(0.01), 95);
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).field).toBe("confidence");
      expect((e as ConfigError).message).toMatch(/confidence must be a number strictly between 0 and 1 \(e.g. 0.95\), got 95/);
    }
  });
});
