import { describe, expect, it } from "vitest";
import type { BacktestReport } from "../../src/backtest/types.ts";
import type { TradeRecord } from "../../src/portfolio/trades.ts";
import { analyzeReport, buyAndHold, rollingWindow, tradeStats } from "../../src/report/analysis.ts";
import { relativeStats } from "../../src/risk/relative.ts";
import { smallReport } from "./fixture.ts";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** A report over the given dated equity values (the other fields as the small fixture's). */
function curveReport(points: [string, number][], periodsPerYear = 252): BacktestReport {
  const time = points.map(([d]) => day(d));
  const equity = points.map(([, e]) => e);
  return smallReport({ bars: time.length, start: time[0], end: time[time.length - 1], equity: { time, equity, drawdown: equity.map(() => 0) }, periodsPerYear });
}

const returnsOf = (x: readonly number[]) => Float64Array.from(x.slice(1), (v, i) => v / x[i] - 1);

describe("tradeStats", () => {
  it("computes profit factor, expectancy, averages, extremes, bars held and streaks by hand", () => {
    const base = smallReport().trades[0];
    const trades: TradeRecord[] = [100, -50, 200, 0, -30, -20, 300, 400].map((pnl, i) => ({ ...base, pnl, bars: i + 1 }));
    expect(tradeStats(trades)).toEqual({
      count: 8, wins: 4, losses: 3,
      grossProfit: 1000, grossLoss: 100, profitFactor: 10,
      expectancy: 1000 / 8 - 100 / 8,
      averageWin: 250, averageLoss: -100 / 3, largestWin: 400, largestLoss: -50,
      averageBars: 4.5,
      // wins 100 | 200 (then a break-even trade) | 300, 400 -> 2; losses -30, -20 -> 2
      longestWinStreak: 2, longestLossStreak: 2,
    });
  });

  it("has no averages, extremes or profit factor without the trades they need", () => {
    expect(tradeStats([])).toMatchObject({ count: 0, profitFactor: null, expectancy: null, averageWin: null, averageLoss: null, largestWin: null, largestLoss: null, averageBars: null, longestWinStreak: 0 });
    const base = smallReport().trades[0];
    expect(tradeStats([{ ...base, pnl: 5 }])).toMatchObject({ profitFactor: null, averageLoss: null, largestLoss: null, longestWinStreak: 1 });
  });
});

describe("analyzeReport", () => {
  it("compares with a benchmark over the shared dates only, scaled to the equity at the first of them", () => {
    const report = curveReport([["2021-01-04", 100], ["2021-01-05", 110], ["2021-01-06", 99], ["2021-01-07", 120], ["2021-01-08", 126]]);
    // No 01-06 in the benchmark; an extra date before the run and one inside it that the run lacks.
    const benchmark = { name: "IDX", time: ["2021-01-01", "2021-01-04", "2021-01-05", "2021-01-05T12:00:00", "2021-01-07", "2021-01-08"].map((d) => Date.parse(d.includes("T") ? `${d}Z` : `${d}T00:00:00Z`)), close: [1, 50, 55, 60, 45, 60] };
    const b = analyzeReport(report, benchmark).benchmark!;
    expect(b.name).toBe("IDX");
    expect([b.bars, b.start, b.end]).toEqual([4, day("2021-01-04"), day("2021-01-08")]);
    expect(b.curve.time).toEqual(["2021-01-04", "2021-01-05", "2021-01-07", "2021-01-08"].map(day));
    expect(b.curve.equity).toEqual([100, 110, 90, 120]);
    expect(b.totalReturn).toBeCloseTo(0.2, 15);
    expect(b.excessReturn).toBeCloseTo(0.26 - 0.2, 15);
    const ra = returnsOf([100, 110, 120, 126]);
    const rb = returnsOf([100, 110, 90, 120]);
    const rel = relativeStats(ra, rb, 252);
    expect(b.beta).toBe(rel.beta);
    expect(b.alpha).toBe(rel.alpha);
    expect(b.trackingError).toBe(rel.trackingError);
    expect(b.informationRatio).toBe(rel.informationRatio);
    expect(b.activePremium).toBe(rel.activePremium);
    // The benchmark's own drawdown: 110 -> 90.
    expect(b.maxDrawdown).toBeCloseTo(1 - 90 / 110, 15);
  });

  it("buys and holds the traded series by default and refuses a benchmark that shares too few dates", () => {
    const report = curveReport([["2021-01-04", 100], ["2021-01-05", 101], ["2021-01-06", 103]]);
    const series = { symbol: "ACME", time: Float64Array.from(report.equity.time), close: Float64Array.of(10, 12, 9) } as const;
    const bars = { ...series, open: series.close, high: series.close, low: series.close, volume: series.close };
    const b = analyzeReport(report, buyAndHold(bars)).benchmark!;
    expect(buyAndHold({ ...bars, time: bars.time.subarray(0, 2), close: bars.close.subarray(0, 2) })).toBeNull();
    expect(b.name).toBe("ACME buy & hold");
    expect(b.curve.equity).toEqual([100, 120, 90]);
    expect(analyzeReport(report, null).benchmark).toBeNull();
    expect(() => analyzeReport(report, { name: "X", time: [day("2021-01-05"), day("2021-01-06")], close: [1, 2] }))
      .toThrow("benchmark X shares 2 bar times with the run; at least 3 are needed to compare returns");
  });

  it("gives beta null (not NaN) against a flat benchmark", () => {
    const report = curveReport([["2021-01-04", 100], ["2021-01-05", 101], ["2021-01-06", 103]]);
    const b = analyzeReport(report, { name: "FLAT", time: report.equity.time, close: [5, 5, 5] }).benchmark!;
    expect([b.beta, b.alpha, b.correlation]).toEqual([null, null, null]);
  });

  it("returns per calendar month and year, each over the last equity of the period before", () => {
    const report = curveReport([
      ["2020-12-30", 100], ["2020-12-31", 110],
      ["2021-01-04", 99], ["2021-01-29", 121],
      ["2021-03-01", 133.1],
      ["2022-01-03", 66.55],
    ]);
    const a = analyzeReport(report, { name: "B", time: report.equity.time, close: [1, 1, 1, 1, 2, 2] });
    expect(a.monthly.map((m) => [m.year, m.month, Number(m.return.toFixed(12))])).toEqual([
      [2020, 12, 0.1], [2021, 1, 0.1], [2021, 3, 0.1], [2022, 1, -0.5],
    ]);
    expect(a.yearly.map((y) => [y.year, Number(y.return.toFixed(12)), y.benchmark])).toEqual([
      [2020, 0.1, 0], [2021, 0.21, 1], [2022, -0.5, 0],
    ]);
  });

  it("lists the worst drawdowns with dates, PA's lengths, and no recovery for the last one", () => {
    const report = curveReport([
      ["2021-01-04", 100], ["2021-01-05", 90], ["2021-01-06", 95], ["2021-01-07", 101], // -10%, recovered on 01-07
      ["2021-01-08", 50], ["2021-01-11", 60], // -50.5%, not recovered
    ]);
    expect(analyzeReport(report, null).drawdowns).toEqual([
      { depth: expect.closeTo(50 / 101 - 1, 15), start: day("2021-01-08"), trough: day("2021-01-08"), end: null, length: 3, toTrough: 1, recovery: null },
      { depth: expect.closeTo(-0.1, 15), start: day("2021-01-05"), trough: day("2021-01-05"), end: day("2021-01-07"), length: 3, toTrough: 1, recovery: 2 },
    ]);
  });

  it("rolls Sharpe and volatility over a quarter of a year of bars, 0 Sharpe where equity stands still", () => {
    expect([rollingWindow(252), rollingWindow(52), rollingWindow(12)]).toEqual([63, 13, 12]);
    const n = 100;
    const equity = [100_000];
    for (let i = 1; i < n; i++) equity.push(i < 70 ? equity[i - 1] : equity[i - 1] * (1 + 0.01 * Math.sin(i)));
    const t0 = day("2021-01-01");
    const report = smallReport({ equity: { time: equity.map((_, i) => t0 + i * 86_400_000), equity, drawdown: equity.map(() => 0) }, periodsPerYear: 252 });
    const { rolling } = analyzeReport(report, null);
    const r = returnsOf(equity);
    expect(rolling.window).toBe(63);
    expect(rolling.time.length).toBe(r.length - 63 + 1);
    expect(rolling.time[0]).toBe(report.equity.time[63]);
    expect(rolling.sharpe[0]).toBe(0);
    expect(rolling.volatility[0]).toBe(0);
    // The last window, by hand.
    const w = Array.from(r.slice(-63));
    const mean = w.reduce((a, b) => a + b, 0) / 63;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 62);
    expect(rolling.volatility.at(-1)).toBeCloseTo(sd * Math.sqrt(252), 14);
    expect(rolling.sharpe.at(-1)).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
  });
});
