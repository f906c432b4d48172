// Cases a review found wrong once; each pins the corrected behaviour.
import { describe, expect, it } from "vitest";
import { Backtest, runBacktest } from "../../src/backtest/engine.ts";
import { rebalanceSchedule } from "../../src/backtest/rebalance.ts";
import { riskChecks } from "../../src/risk/limits.ts";
import { noShortSelling, sufficientCash } from "../../src/risk/pretrade.ts";
import { bars, scripted } from "./stubs.ts";

const free = { slippageBps: 0, commissionPerShare: 0 };
const still = (p: number): [number, number, number, number] => [p, p, p, p];

describe("backtest regressions", () => {
  it("fills only one protective exit when both trigger in one bar: the stop", () => {
    const path = bars([still(100), still(100), [100, 110, 90, 100], still(100)]);
    const bt = new Backtest(path, scripted({ 0: "long" }), { ...free, initialCash: 1_000, stopLossPct: 0.05, takeProfitPct: 0.05 });
    const r = bt.run();
    expect(bt.snapshot().fills.map((f) => `${f.side} ${f.quantity}@${f.price}`)).toEqual(["buy 10@100", "sell 10@95"]);
    expect(bt.snapshot().positions).toEqual([]);
    expect(bt.snapshot().openOrders).toEqual([]);
    expect(r.finalEquity).toBe(950);
  });

  it("pays for covering a short before opening the long, within cash", () => {
    const path = bars([still(100), still(100), still(100), still(150), still(150)]);
    const bt = new Backtest(path, scripted({ 0: "short", 2: "long" }), { ...free, initialCash: 100_000, allowShort: true });
    bt.run();
    // Short 1000 @100; at 150 covering costs 150,000 and leaves 50,000 of equity for 333 units.
    expect(bt.snapshot().fills.map((f) => `${f.side} ${f.quantity}@${f.price}`)).toEqual(["sell 1000@100", "buy 1000@150", "buy 333@150"]);
    expect(Number(bt.snapshot().cash)).toBe(50);
  });

  it("still closes a position on a reversal when the sizer gives the new side nothing", () => {
    const path = bars([still(100), still(100), still(90), still(90)]);
    const sizer = { name: "none-short", fraction: (_h: unknown, d: string) => (d === "long" ? 1 : 0) };
    const bt = new Backtest(path, scripted({ 0: "long", 2: "short" }), { ...free, initialCash: 1_000, allowShort: true, sizer });
    bt.run();
    expect(bt.snapshot().fills.map((f) => `${f.side} ${f.quantity}`)).toEqual(["buy 10", "sell 10"]);
    expect(bt.snapshot().positions).toEqual([]);
  });

  it("lets the exit of a reversal through when a breaker denies the new position", () => {
    const path = bars([still(100), still(100), still(85), still(85), still(60)]);
    const r = runBacktest(path, scripted({ 0: "long", 2: "short" }), {
      ...free, initialCash: 10_000, allowShort: true, checks: [sufficientCash, ...riskChecks({ maxDrawdown: 0.1 })],
    });
    expect(r.trades.map((t) => [t.side, t.exitPrice])).toEqual([["long", 85]]);
    expect(r.rejections.map((x) => x.rule)).toEqual(["maxDrawdown"]);
    expect(r.finalEquity).toBe(8_500);
  });

  it("checks a batch of rebalance orders together against the gross exposure limit", () => {
    const series = ["A", "B", "C"].map((s) => bars([still(100), still(100), still(100)], s));
    const r = runBacktest(series, null, {
      ...free, initialCash: 30_000, rebalance: rebalanceSchedule({ every: 10, method: "equal" }),
      checks: [noShortSelling, sufficientCash, ...riskChecks({ maxGrossExposure: 0.5 })],
    });
    // Each leg is a third of equity: the first passes, the second would make 0.67 and is denied, so is the third.
    expect(r.rejections.map((x) => `${x.symbol} ${x.rule}`)).toEqual(["B maxGrossExposure", "C maxGrossExposure"]);
  });

  it("keeps protective stops through a rebalance and exits on them", () => {
    const a = bars([still(100), still(100), still(100), still(100), [100, 100, 50, 50], still(40)], "A");
    const bt = new Backtest([a], null, {
      ...free, initialCash: 1_000, stopLossPct: 0.05, rebalance: rebalanceSchedule({ every: 2, weights: { A: 0.5 } }),
    });
    bt.run();
    // Rebalances on bars 0 and 2 keep the stop; it exits at 95 on bar 4, and bar 4's rebalance buys back in at 40.
    expect(bt.snapshot().fills.map((f) => `${f.side} ${f.quantity}@${f.price}`)).toEqual(["buy 5@100", "sell 5@95", "buy 9@40"]);
  });

  it("refuses settings that cannot be right", () => {
    const two = [bars([still(1)], "A"), bars([still(1)], "B")];
    expect(() => new Backtest(two, scripted({}))).toThrow(/several series need a strategy factory/);
    expect(() => new Backtest(two[0], scripted({}), { slippageBps: 20_000 })).toThrow(/slippageBps must be a number in \[0, 10000\), got 20000/);
    const report = new Backtest(two[0], scripted({}), { initialCash: 500 }).report();
    expect([report.finalEquity, report.totalReturn, report.maxDrawdown]).toEqual([500, 0, 0]);
  });
});
