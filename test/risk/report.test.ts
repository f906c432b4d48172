import { describe, expect, it } from "vitest";
import { renderRiskReports, riskReport, TAIL_KEYS } from "../../src/risk/report.ts";
import { tsRisk } from "../../src/risk/stats.ts";
import { managers, reportMismatches, SCALE } from "./pa-fixture.ts";
import { wasmRisk } from "./wasm.ts";

const KEYS = [
  "VaR", "ES", "sharpe", "sharpeAnnualized", "sortino", "downsideDeviation", "maxDrawdown", "calmar",
  "annualizedReturn", "annualizedVolatility", "skewness", "kurtosis", "kelly", "halfKelly", "n", "mean", "stdDev",
];

describe("riskReport", () => {
  it("has the keys of `nt risk --json`, VaR and ES keyed by method and level", () => {
    const report = riskReport(managers.HAM1, SCALE);
    expect(Object.keys(report)).toEqual(KEYS);
    expect(Object.keys(report.VaR)).toEqual([...TAIL_KEYS]);
    expect(Object.keys(report.ES)).toEqual([
      "historical_95", "gaussian_95", "modified_95", "historical_99", "gaussian_99", "modified_99",
    ]);
  });

  it("matches PerformanceAnalytics on HAM1..HAM3, with the twins and the kernels", async () => {
    const wasm = await wasmRisk();
    for (const series of ["HAM1", "HAM2", "HAM3"]) {
      for (const stats of [tsRisk, wasm]) {
        const { failures, compared } = reportMismatches(riskReport(managers[series], SCALE, stats), series);
        expect(failures).toEqual([]);
        expect(compared).toBe(27);
      }
    }
  });

  it("renders a table with a column per series, VaR and ES in percent", () => {
    const text = renderRiskReports([
      { name: "HAM1", report: riskReport(managers.HAM1, SCALE) },
      { name: "HAM2", report: riskReport(managers.HAM2, SCALE) },
    ], SCALE);
    const lines = text.split("\n");
    expect(lines[0]).toBe("Risk statistics (12 periods per year; VaR and ES as returns, negative = loss)");
    expect(lines[2]).toMatch(/^\s+HAM1\s+HAM2$/);
    expect(text).toMatch(/\nobservations\s+132\s+125\n/);
    expect(text).toMatch(/\nVaR 95% historical\s+-2\.58%\s+-2\.94%\n/);
    expect(text).toMatch(/\nES 99% modified\s+-7\.51%\s+-56\.85%\n/);
    expect(text).toMatch(/\nmax drawdown\s+15\.18%\s+23\.99%\n/);
    expect(text).toMatch(/\nSharpe \(annualized\)\s+1\.549\s+1\.373\n/);
    // every row has the same width
    expect(new Set(lines.slice(2).map((l) => l.length)).size).toBe(1);
  });

  it("shows a ratio with a zero denominator as inf, and JSON carries it as null", () => {
    const up = Float64Array.of(0.01, 0.02, 0.03);
    const report = riskReport(up, 252);
    expect(report.sortino).toBe(Infinity);
    expect(renderRiskReports([{ name: "up", report }], 252)).toMatch(/\nSortino \(per period\)\s+inf\n/);
    expect(JSON.parse(JSON.stringify(report)).sortino).toBeNull();
  });
});
