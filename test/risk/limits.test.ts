import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/engine.ts";
import { createOrder } from "../../src/core/orders.ts";
import { DailyLossBreaker, riskChecks } from "../../src/risk/limits.ts";
import { noShortSelling, sufficientCash, type PreTradeContext } from "../../src/risk/pretrade.ts";
import { bars, scripted } from "../backtest/stubs.ts";

const flat = (n: number, price = 100) => Array.from({ length: n }, () => [price, price, price, price] as [number, number, number, number]);
const free = { slippageBps: 0, commissionPerShare: 0, initialCash: 10_000 };
const withLimits = (limits: Parameters<typeof riskChecks>[0]) => ({ ...free, checks: [noShortSelling, sufficientCash, ...riskChecks(limits)] });

describe("pre-trade risk limits in the backtest", () => {
  it("denies a position above the quantity and notional limits, naming the rule", () => {
    const r = runBacktest(bars(flat(4)), scripted({ 1: "long" }), withLimits({ maxPositionQuantity: 50 }));
    expect(r.trades).toHaveLength(0);
    expect(r.rejections.map((x) => x.rule)).toEqual(["maxPositionQuantity"]);
    expect(r.rejections[0].reason).toMatch(/position 100, above maxPositionQuantity 50/);
    const n = runBacktest(bars(flat(4)), scripted({ 1: "long" }), withLimits({ maxPositionNotional: 5_000 }));
    expect(n.rejections.map((x) => x.rule)).toEqual(["maxPositionNotional"]);
  });

  it("denies exposure above the gross limit but lets a smaller position through", () => {
    const denied = runBacktest(bars(flat(4)), scripted({ 1: "long" }), withLimits({ maxGrossExposure: 0.5 }));
    expect(denied.rejections[0].reason).toMatch(/gross exposure to 100.00% of equity, above maxGrossExposure 50.00%/);
    const ok = runBacktest(bars(flat(4)), scripted({ 1: "long" }), { ...withLimits({ maxGrossExposure: 0.5 }), positionFraction: 0.5 });
    expect(ok.rejections).toHaveLength(0);
    expect(ok.exposure).toBeGreaterThan(0);
  });

  it("limits the rate of orders that add exposure over a sliding window, never exits", () => {
    const plan = scripted({ 0: "long", 1: "flat", 2: "long", 3: "flat", 6: "long" });
    const r = runBacktest(bars(flat(8)), plan, withLimits({ maxOrderRate: { count: 1, windowMs: 3 * 86_400_000 } }));
    expect(r.rejections.map((x) => [x.rule, new Date(x.time).getUTCDate()])).toEqual([["maxOrderRate", 3]]);
    // Bar 3's flat is then a no-op (nothing held); bar 6 is outside the window again.
    expect(r.trades).toHaveLength(1);
    expect(r.exposure).toBeGreaterThan(0);
  });

  it("trips the drawdown breaker, halts new entries with the reason, but lets the exit through", () => {
    const path = bars([
      [100, 100, 100, 100], [100, 100, 100, 100], [95, 95, 95, 95], [85, 85, 85, 85], [85, 85, 85, 85],
      [86, 86, 86, 86], [87, 87, 87, 87], [88, 88, 88, 88],
    ]);
    const r = runBacktest(path, scripted({ 0: "long", 4: "flat", 5: "long" }), withLimits({ maxDrawdown: 0.1 }));
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0].exitPrice).toBe(86);
    expect(r.rejections).toHaveLength(1);
    expect(r.rejections[0].rule).toBe("maxDrawdown");
    expect(r.rejections[0].reason).toMatch(/^circuit open: drawdown 15\.00% on 2020-01-04 exceeded maxDrawdown 10\.00%; new orders halted until reset$/);
  });

  it("resets the daily loss breaker when the next day starts", () => {
    const breaker = new DailyLossBreaker(0.02);
    const ctx: PreTradeContext = { time: 0, price: 100, cash: 10_000, equity: 10_000, position: 0, grossExposure: 0, netExposure: 0 };
    const buy = createOrder({ symbol: "X", side: "buy", quantity: 1 }, "o", 0);
    const day = (d: number, h = 0) => Date.UTC(2020, 0, d, h);
    breaker.observe(day(1, 10), 10_000);
    breaker.observe(day(2, 10), 10_000);
    breaker.observe(day(2, 11), 9_700);
    expect(breaker.check(buy, ctx)).toMatch(/loss of 3\.00% on 2020-01-02 exceeded maxDailyLoss 2\.00%/);
    breaker.observe(day(3, 10), 9_700);
    expect(breaker.check(buy, ctx)).toBeNull();
  });

  it("rejects nonsensical limits", () => {
    expect(() => riskChecks({ maxDrawdown: 1.5 })).toThrow(/maxDrawdown must be a number in \(0, 1\), got 1.5/);
    expect(() => riskChecks({ maxPositionQuantity: -3 })).toThrow(/maxPositionQuantity must be a number > 0, got -3/);
    expect(() => riskChecks({ maxOrderRate: { count: 2.5, windowMs: 1000 } })).toThrow(/maxOrderRate.count must be an integer >= 1, got 2.5/);
  });
});
