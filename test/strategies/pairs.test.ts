// The pairs strategy on a seeded cointegrated pair: it finds the hedge
// ratio, trades both legs together in the ratio, and reads no bar ahead.
import { describe, expect, it } from "vitest";
import { runStrategyBacktest, strategyAndConfig } from "../../src/backtest/job.ts";
import type { BacktestReport } from "../../src/backtest/types.ts";
import type { BarSeries } from "../../src/core/data.ts";
import type { Fill } from "../../src/core/orders.ts";
import { syntheticPair } from "../../src/data/synthetic.ts";
import { getStrategy } from "../../src/strategies/index.ts";

const BETA = 1.5;
// alpha -3 puts A near 50 when B is near 100, so whole shares round each leg by well under 1%.
const [A, B] = syntheticPair({ n: 1500, seed: 11, beta: BETA, alpha: -3 });

/** Runs pairs on the two legs and keeps every fill. */
function run(params: Record<string, number | boolean>, legs: [BarSeries, BarSeries] = [A, B]): { report: BacktestReport; fills: Fill[] } {
  const fills: Fill[] = [];
  const report = runStrategyBacktest(legs, { strategy: "pairs", params }, { onEvent: (e) => void (e.type === "fill" && fills.push(e.fill)) });
  return { report, fills };
}

const hedgeRatios = (r: BacktestReport) => r.trades.filter((t) => t.symbol === "A").map((t) => Number(/hedge ratio ([\d.]+)/.exec(t.entryReason)![1]));

function cut(s: BarSeries, n: number): BarSeries {
  const head = (a: Float64Array) => a.slice(0, n);
  return { symbol: s.symbol, time: head(s.time), open: head(s.open), high: head(s.high), low: head(s.low), close: head(s.close), volume: head(s.volume) };
}

describe("pairs trading", () => {
  it.each([
    ["rolling OLS", { lookback: 120 }, 0.1],
    ["a Kalman filter", { kalman: true }, 0.15],
  ])("estimates the known hedge ratio with %s", (_name, params, tolerance) => {
    const ratios = hedgeRatios(run(params).report).sort((a, b) => a - b);
    expect(ratios.length).toBeGreaterThan(10);
    expect(Math.abs(ratios[ratios.length >> 1] - BETA)).toBeLessThan(tolerance);
  });

  it("enters and exits both legs on the same bar, opposite sides, dollars in the hedge ratio", () => {
    const { report, fills } = run({});
    const a = report.trades.filter((t) => t.symbol === "A");
    const b = report.trades.filter((t) => t.symbol === "B");
    expect(a.length).toBeGreaterThan(10);
    expect(b.map((t) => [t.entryTime, t.exitTime])).toEqual(a.map((t) => [t.entryTime, t.exitTime]));
    for (const [i, ta] of a.entries()) {
      const tb = b[i];
      expect(tb.side).toBe(ta.side === "long" ? "short" : "long");
      // Sized at the last closes, filled at the next opens (the same prices here, but for slippage): the dollar ratio is the hedge ratio.
      const ratio = (tb.quantity * tb.entryPrice) / (ta.quantity * ta.entryPrice);
      expect(Math.abs(ratio / hedgeRatios(report)[i] - 1), `trade ${i}`).toBeLessThan(0.01);
      // One decision moved both legs.
      expect(tb.entryReason).toBe(ta.entryReason);
    }
    // Every fill time has a fill of each leg.
    const times = new Map<number, Set<string>>();
    for (const f of fills) times.set(f.time, (times.get(f.time) ?? new Set()).add(f.symbol));
    for (const [time, symbols] of times) expect([...symbols].sort(), new Date(time).toISOString()).toEqual(["A", "B"]);
    expect(report.rejections).toEqual([]);
    expect(report.finalEquity).toBeGreaterThan(report.initialCash);
  });

  it("reads no bar ahead: on the series cut at a bar, every trade closed before it is the same", () => {
    for (const params of [{ kalman: false }, { kalman: true }]) {
      const full = run(params).report;
      const n = 900;
      const head = run(params, [cut(A, n), cut(B, n)]).report;
      const closedBefore = (r: BacktestReport) => r.trades.filter((t) => t.exitTime < A.time[n - 1]);
      expect(closedBefore(full).length).toBeGreaterThan(5);
      expect(closedBefore(head)).toEqual(closedBefore(full));
    }
  });

  it("waits for the Engle–Granger test to reject before any entry, unless told not to", () => {
    const gated = run({ testWindow: 400 }).report;
    expect(gated.trades[0].entryTime).toBeGreaterThan(A.time[399]);
    expect(gated.trades[0].entryReason).toMatch(/Engle–Granger -\d+\.\d\d < -3\.\d\d \(5%\)$/);
    const free = run({ testWindow: 400, requireCointegration: false }).report;
    expect(free.trades[0].entryTime).toBeLessThan(A.time[399]);
  });

  it("refuses what it cannot run, naming the field", () => {
    const def = getStrategy("pairs");
    expect(() => def.create({})).toThrow(/pairs trades two series together/);
    expect(() => strategyAndConfig({ strategy: "pairs" })).toThrow(/pairs needs two aligned series, the pair's legs, which this front end does not supply/);
    expect(() => runStrategyBacktest(A, { strategy: "pairs" })).toThrow("pairs trades exactly two series (the pair's legs), got 1");
    expect(() => run({ exitZ: 2 })).toThrow("pairs: exitZ (2) must be below entryZ (2)");
    expect(() => run({ stopZ: 1.5 })).toThrow("pairs: stopZ (1.5) must be above entryZ (2)");
    expect(() => run({ significance: 0.02 })).toThrow("pairs: significance must be one of 0.01, 0.05, 0.1 (MacKinnon's tables), got 0.02");
    expect(() => runStrategyBacktest([A, B], { strategy: "pairs", sizing: { method: "kelly" } })).toThrow(/pairs sizes its positions itself/);
    expect(() => runStrategyBacktest([A, B], { strategy: "momentum,pairs", combine: { method: "vote" } })).toThrow(/^pairs trades a whole book of series and cannot be combined/);
  });
});
