import { describe, expect, it } from "vitest";
import { drawdowns, equityCurve, equityRatios, ratios, returnsOf } from "../../src/backtest/metrics.ts";
import { periodsPerYear } from "../../src/core/dates.ts";
import { Random } from "../../src/core/random.ts";

describe("report metrics", () => {
  it("the fused ratios give src/risk's summary() numbers to the last bit, and refuse what it refuses", () => {
    const rng = new Random(3);
    for (const n of [3, 10, 1000, 50_000]) {
      const equity = new Float64Array(n);
      equity[0] = 100_000;
      for (let i = 1; i < n; i++) equity[i] = i % 7 === 0 ? equity[i - 1] : equity[i - 1] * (1 + 0.01 * rng.normal());
      for (const perYear of [252, 98_280, 12]) expect(equityRatios(equity, perYear)).toEqual(ratios(returnsOf(equity), perYear));
    }
    expect(equityRatios(Float64Array.of(1, 1), 252)).toEqual({ sharpe: 0, sortino: 0 });
    expect(equityRatios(Float64Array.of(5, 5, 5, 5), 252)).toEqual(ratios(returnsOf(Float64Array.of(5, 5, 5, 5)), 252));
    expect(() => equityRatios(Float64Array.of(100, 50, -20, 10), 252)).toThrow(/returns\[1\] is -1\.4; a simple return cannot be below -1/);
    expect(() => equityRatios(Float64Array.of(100, 50, 20), 0)).toThrow(/periods per year/);
  });

  it("builds the equity and drawdown arrays in one pass", () => {
    expect(equityCurve(Float64Array.of(100, 120, 90, 130))).toEqual({ equity: [100, 120, 90, 130], drawdown: [0, 0, 90 / 120 - 1, 0], max: 1 - 90 / 120 });
    // Bit for bit what PerformanceAnalytics' way over the returns gives (drawdowns(), as `nt risk`), NaN included.
    const rng = new Random(5);
    const equity = new Float64Array(20_000);
    equity[0] = 1e5;
    for (let i = 1; i < equity.length; i++) equity[i] = i === 777 ? NaN : (Number.isNaN(equity[i - 1]) ? 1e5 : equity[i - 1]) * (1 + 0.02 * rng.normal());
    const fused = equityCurve(equity);
    const reference = drawdowns(returnsOf(equity));
    expect(fused.drawdown).toEqual(Array.from(reference.drawdown));
    expect(fused.max).toBe(reference.max);
    expect(fused.equity).toEqual(Array.from(equity));
  });

  it("finds the median bar spacing by selection as a sort would", () => {
    const rng = new Random(8);
    for (let k = 0; k < 20; k++) {
      const n = 2 + Math.floor(rng.uniform() * 500);
      const time = new Float64Array(n);
      for (let i = 1; i < n; i++) time[i] = time[i - 1] + [60_000, 86_400_000, 3 * 86_400_000, 7 * 86_400_000][Math.floor(rng.uniform() * 4)];
      const gaps = Float64Array.from({ length: n - 1 }, (_, i) => time[i + 1] - time[i]).sort();
      const days = gaps[gaps.length >> 1] / 86_400_000;
      const expected = days >= 25 ? 12 : days >= 6 ? 52 : days >= 0.75 ? 252 : (252 * 6.5) / (days * 24);
      expect(periodsPerYear(time)).toBe(expected);
    }
  });
});
