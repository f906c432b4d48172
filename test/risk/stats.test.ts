import { describe, expect, it } from "vitest";
import { tsRisk } from "../../src/risk/stats.ts";
import { managers, ourValue, paRows, relativeError, SCALE } from "./pa-fixture.ts";

describe("risk statistics (TypeScript twin) against R PerformanceAnalytics", () => {
  it("matches every metric of pa_risk_metrics_ham1_3.csv to 1e-9 relative", () => {
    expect(paRows.length).toBe(87);
    const failures = paRows
      .map((row) => ({ row, ours: ourValue(tsRisk, row) }))
      .filter(({ row, ours }) => !(relativeError(ours, row.value) <= 1e-9))
      .map(({ row, ours }) => `${row.series} ${row.metric} ${row.params}: PA ${row.value}, ours ${ours}`);
    expect(failures).toEqual([]);
  });

  it("skips missing values as PA does (HAM2 starts with NaN)", () => {
    const ham2 = managers.HAM2;
    expect(Number.isNaN(ham2[0])).toBe(true);
    const present = ham2.filter((v) => !Number.isNaN(v));
    expect(tsRisk.summary(ham2, SCALE)).toEqual(tsRisk.summary(present, SCALE));
    expect(tsRisk.tailRisk(ham2, 0.95)).toEqual(tsRisk.tailRisk(present, 0.95));
  });

  it("reports the compounded drawdown in the summary", () => {
    const s = tsRisk.summary(managers.HAM1, SCALE);
    expect(s.maxDrawdown).toBe(tsRisk.drawdown(managers.HAM1, true).depth);
    expect(s.calmar).toBeCloseTo(s.annualizedReturn / s.maxDrawdown, 15);
  });
});

describe("impossible returns", () => {
  it("refuses a simple return below -1, naming its index", () => {
    expect(() => tsRisk.summary(Float64Array.of(0.1, -1.5, 0.2), 12)).toThrow(/returns\[1\] is -1.5; a simple return cannot be below -1/);
  });
});
