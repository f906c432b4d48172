// Benchmark-relative statistics and the drawdown table against R
// PerformanceAnalytics on its `managers` data set (HAM1 against SP500 TR,
// monthly, scale 12). The reference values are R's output for these calls,
// as recorded in the pyformanceanalytics test suite (a wrapper that runs
// PerformanceAnalytics itself through rpy2): tests/CAPM/alpha_tests.py,
// tests/CAPM/beta/beta_tests.py, tests/tracking_error_tests.py,
// tests/information_ratio_tests.py, tests/table/drawdowns_tests.py.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { worstDrawdowns } from "../../src/risk/drawdown.ts";
import { relativeStats } from "../../src/risk/relative.ts";
import { root } from "../helpers.ts";
import { managers } from "./pa-fixture.ts";

const dates = readFileSync(`${root}test/fixtures/pa_managers_returns.csv`, "utf8").trim().split(/\r?\n/).slice(1)
  .map((line) => line.slice(1, 11));

describe("relativeStats (PA CAPM.alpha, CAPM.beta, TrackingError, InformationRatio)", () => {
  const ham1 = managers.HAM1;
  const sp500 = managers["SP500 TR"];
  const s = relativeStats(ham1, sp500, 12);

  it("matches PerformanceAnalytics on HAM1 vs SP500 TR", () => {
    expect(s.n).toBe(132);
    expect(s.alpha).toBeCloseTo(0.0077380162961344, 14); // CAPM.alpha(HAM1, SP500 TR)
    expect(s.beta).toBeCloseTo(0.39060332560510497, 14); // CAPM.beta
    expect(s.trackingError).toBeCloseTo(0.11316665937003545, 14); // TrackingError, scale 12
    expect(s.informationRatio).toBeCloseTo(0.36041251297991556, 13); // InformationRatio, scale 12
  });

  it("follows the PA definitions, checked by a plain re-computation", () => {
    const n = ham1.length;
    const mean = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0) / x.length;
    const ma = mean(ham1);
    const mb = mean(sp500);
    let sab = 0;
    let sbb = 0;
    let saa = 0;
    for (let i = 0; i < n; i++) {
      sab += (ham1[i] - ma) * (sp500[i] - mb);
      sbb += (sp500[i] - mb) ** 2;
      saa += (ham1[i] - ma) ** 2;
    }
    const beta = sab / sbb;
    expect(s.beta).toBeCloseTo(beta, 14);
    expect(s.alpha).toBeCloseTo(ma - beta * mb, 14);
    expect(s.annualizedAlpha).toBeCloseTo((1 + (ma - beta * mb)) ** 12 - 1, 14);
    expect(s.correlation).toBeCloseTo(sab / Math.sqrt(saa * sbb), 14);
    // Return.annualized (geometric): prod(1 + r)^(12 / n) - 1.
    const ann = (x: Float64Array) => x.reduce((g, r) => g * (1 + r), 1) ** (12 / n) - 1;
    expect(s.activePremium).toBeCloseTo(ann(ham1) - ann(sp500), 14);
    const diff = Array.from(ham1, (r, i) => r - sp500[i]);
    const md = mean(diff);
    const te = Math.sqrt(diff.reduce((a, d) => a + (d - md) ** 2, 0) / (n - 1)) * Math.sqrt(12);
    expect(s.trackingError).toBeCloseTo(te, 14);
    expect(s.informationRatio).toBeCloseTo((ann(ham1) - ann(sp500)) / te, 13);
  });

  it("leaves out periods where either series is missing", () => {
    const a = Float64Array.from([0.01, NaN, 0.02, -0.01, 0.03]);
    const b = Float64Array.from([0.02, 0.01, NaN, -0.02, 0.01]);
    const kept = relativeStats(Float64Array.from([0.01, -0.01, 0.03]), Float64Array.from([0.02, -0.02, 0.01]), 252);
    expect(relativeStats(a, b, 252)).toEqual(kept);
  });
});

describe("worstDrawdowns (PA table.Drawdowns)", () => {
  it("matches table.Drawdowns(HAM1) from PerformanceAnalytics", () => {
    const rows = worstDrawdowns(managers.HAM1, 5).map((d) => [
      dates[d.from], dates[d.trough], dates[d.to] ?? null, Math.round(d.depth * 1e4) / 1e4, d.length, d.toTrough, d.recovery,
    ]);
    expect(rows).toEqual([
      ["2002-02-28", "2003-02-28", "2003-07-31", -0.1518, 18, 13, 5],
      ["1998-05-31", "1998-08-31", "1999-03-31", -0.1239, 11, 4, 7],
      ["2005-03-31", "2005-04-30", "2005-09-30", -0.0412, 7, 2, 5],
      ["2001-09-30", "2001-09-30", "2001-11-30", -0.0312, 3, 1, 2],
      ["1996-04-30", "1996-07-31", "1996-08-31", -0.0284, 5, 4, 1],
    ]);
  });

  it("splits a hand-computed series into runs, an unrecovered one counted as PA does", () => {
    // wealth 0.9 (dd -0.1), 0.99 (-0.01), 1.089 (0), 0.5445 (-0.5), 0.5445 (-0.5)
    const runs = worstDrawdowns(Float64Array.from([-0.1, 0.1, 0.1, -0.5, 0]), 5);
    expect(runs).toEqual([
      // Not recovered: `to` is one past the end, and PA's length counts it.
      { depth: -0.5, from: 3, trough: 3, to: 5, length: 3, toTrough: 1, recovery: 2 },
      { depth: expect.closeTo(-0.1, 15), from: 0, trough: 0, to: 2, length: 3, toTrough: 1, recovery: 2 },
    ]);
    expect(worstDrawdowns(Float64Array.from([0.01, 0.02]), 5)).toEqual([]);
  });
});
