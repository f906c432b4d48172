import { describe, expect, it } from "vitest";
import { Backtest, runBacktest } from "../../src/backtest/engine.ts";
import { StrategyError, ConfigError } from "../../src/core/errors.ts";
import type { Strategy } from "../../src/strategies/strategy.ts";
import { bars, scripted } from "./stubs.ts";

const costs = { slippageBps: 0, commissionPerShare: 0.01, commissionPerOrder: 1 };
const path = bars([
  [100, 101, 99, 100],
  [100, 102, 99, 101],
  [102, 104, 101, 103],
  [103, 106, 102, 105],
  [104, 105, 100, 101],
]);

describe("backtest engine", () => {
  it("fills at the next open, caps a buy to the cash at fill, and books exact cash and P&L", () => {
    const r = runBacktest(path, scripted({ 1: "long", 3: "flat" }), { initialCash: 10_000, ...costs });
    // Signal on bar 1 (close 101) sizes 99 units; at bar 2's open of 102 cash pays for 98.
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0];
    expect([t.side, t.quantity, t.entryPrice, t.exitPrice]).toEqual(["long", 98, 102, 104]);
    expect(t.commission).toBeCloseTo(3.96, 10);
    expect(t.pnl).toBeCloseTo(192.04, 10);
    expect(r.equity.equity).toEqual([10_000, 10_000, 2.02 + 98 * 103, 2.02 + 98 * 105, 10_192.04].map((v) => expect.closeTo(v, 9)));
    expect(r.finalEquity).toBeCloseTo(10_192.04, 9);
    expect(r.totalReturn).toBeCloseTo(0.019204, 12);
    expect(r.totalCommission).toBeCloseTo(3.96, 12);
    expect(r.exposure).toBeCloseTo(2 / 5, 12);
    expect(r.winRate).toBe(1);
    // The cut is reported as a resize with its cause in figures, not as a risk rejection.
    expect(r.rejections).toEqual([]);
    expect(r.resized).toEqual([{
      time: path.time[2], symbol: "TEST", orderId: "o1", requested: 99, filled: 98, price: 102, lastClose: 101,
      reason: "buy 99 sized at the last close 101.00 filled at 102.00 (+0.99%): cash covered 98",
    }]);
    const eq = r.equity.equity;
    const rets = eq.slice(1).map((e, i) => e / eq[i] - 1);
    const mean = rets.reduce((a, b) => a + b, 0) / rets.length;
    const sd = Math.sqrt(rets.reduce((a, b) => a + (b - mean) ** 2, 0) / (rets.length - 1));
    expect(r.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 10);
    const down = Math.sqrt(rets.reduce((a, b) => a + Math.min(b, 0) ** 2, 0) / rets.length);
    expect(r.sortino).toBeCloseTo((mean / down) * Math.sqrt(252), 10);
    expect(r.maxDrawdown).toBeCloseTo(1 - 10_192.04 / (2.02 + 98 * 105), 12);
  });

  it("exits through a protective stop at the stop price and records the trade", () => {
    const drop = bars([
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [99, 99.5, 94, 95],
      [95, 96, 94, 95],
    ]);
    const r = runBacktest(drop, scripted({ 0: "long" }), { initialCash: 10_000, slippageBps: 0, commissionPerShare: 0, stopLossPct: 0.05 });
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0].entryPrice).toBe(100);
    expect(r.trades[0].exitPrice).toBe(95);
    expect(r.trades[0].exitReason).toBe("protective");
    expect(r.trades[0].pnl).toBeCloseTo(-5 * 100, 9);
  });

  it("takes profit with a limit and cancels the sibling stop", () => {
    const rise = bars([
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [101, 111, 100, 110],
      [110, 111, 80, 85],
    ]);
    const r = runBacktest(rise, scripted({ 0: "long" }), {
      initialCash: 1_000, slippageBps: 0, commissionPerShare: 0, stopLossPct: 0.1, takeProfitPct: 0.05,
    });
    expect(r.trades.map((t) => [t.entryPrice, t.exitPrice])).toEqual([[100, 105]]);
    expect(r.finalEquity).toBeCloseTo(1_050, 9);
  });

  it("records denied orders with their rule and reason", () => {
    const r = runBacktest(path, scripted({ 1: "short" }), { initialCash: 10_000, ...costs });
    expect(r.trades).toHaveLength(0);
    expect(r.rejections).toHaveLength(1);
    expect(r.rejections[0].rule).toBe("noShortSelling");
    expect(r.rejections[0].reason).toMatch(/short selling is disabled/);
  });

  it("goes short when allowed and profits from a fall", () => {
    const fall = bars([[100, 100, 100, 100], [100, 100, 100, 100], [90, 90, 90, 90], [80, 80, 80, 80]]);
    const r = runBacktest(fall, scripted({ 0: "short", 2: "flat" }), { initialCash: 1_000, allowShort: true, slippageBps: 0, commissionPerShare: 0 });
    expect(r.trades.map((t) => [t.side, t.quantity, t.entryPrice, t.exitPrice, t.pnl])).toEqual([["short", 10, 100, 80, 200]]);
    expect(r.finalEquity).toBe(1_200);
  });

  it("shows a strategy only the bars up to now: peeking ahead fails the run", () => {
    const seen: number[] = [];
    const honest: Strategy = {
      name: "honest",
      onBar(bar, ctx) {
        expect(ctx.history.at(ctx.history.length - 1)).toEqual(bar);
        seen.push(ctx.history.length);
        return null;
      },
    };
    runBacktest(path, honest);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const peeker: Strategy = {
      name: "peeker",
      onBar(_bar, ctx) {
        const tomorrow = ctx.history.at(ctx.history.length);
        return { symbol: ctx.symbol, time: tomorrow.time, direction: tomorrow.close > _bar.close ? "long" : "flat", confidence: 1, reason: "peek" };
      },
    };
    expect(() => runBacktest(path, peeker)).toThrow(StrategyError);
    expect(() => runBacktest(path, peeker)).toThrow(/cannot look ahead/);
  });

  it("streams bars, signals, orders and fills in order, and steps like a paper session", () => {
    const events: string[] = [];
    const bt = new Backtest(path, scripted({ 1: "long", 3: "flat" }), {
      initialCash: 10_000, ...costs, onEvent: (e) => events.push(e.type === "bar" ? `bar@${e.bar.close}` : e.type),
    });
    bt.step();
    bt.step();
    bt.step();
    const snap = bt.snapshot();
    expect(snap.barsDone).toBe(3);
    expect(snap.positions).toEqual([{ symbol: "TEST", quantity: "98", avgPrice: "102", unrealizedPnl: "98", realizedPnl: "0" }]);
    expect(snap.cash).toBe("2.02");
    expect(bt.run().finalEquity).toBeCloseTo(10_192.04, 9);
    expect(events).toEqual([
      "bar@100", "bar@101", "signal", "order", "bar@103", "fill", "resized", "bar@105", "signal", "order", "bar@101", "fill",
    ]);
  });

  it("rejects bad settings, naming them", () => {
    expect(() => runBacktest(path, scripted({}), { initialCash: -1 })).toThrow(ConfigError);
    expect(() => runBacktest(path, scripted({}), { positionFraction: 1.5 })).toThrow(/positionFraction/);
    expect(() => runBacktest(path, scripted({}), { stopLossPct: 2 })).toThrow(/stopLossPct/);
    expect(() => runBacktest(bars([]), scripted({}))).toThrow(/empty/);
  });
});
