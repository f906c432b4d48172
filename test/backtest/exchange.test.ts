import { describe, expect, it } from "vitest";
import { SimulatedExchange } from "../../src/backtest/exchange.ts";
import type { Bar } from "../../src/core/data.ts";
import { createOrder, type OrderRequest } from "../../src/core/orders.ts";

const bar = (open: number, high: number, low: number, close: number): Bar => ({ time: 0, open, high, low, close, volume: 1 });
const noCosts = { slippageBps: 0, commissionPerShare: 0, commissionPerOrder: 0 };
const DAY = 86_400_000;
const at = (time: number, b: Bar): Bar => ({ ...b, time });

function fillAt(req: Partial<OrderRequest>, b: Bar, costs = noCosts): number | null {
  const ex = new SimulatedExchange(costs);
  ex.submit(createOrder({ symbol: "X", side: "buy", quantity: 1, ...req }, "o1", 0), 0);
  const { executions } = ex.match(b, 1);
  return executions.length ? executions[0].price.toNumber() : null;
}

describe("simulated exchange", () => {
  it("fills market orders at the next bar's open, with slippage against the trader", () => {
    expect(fillAt({}, bar(100, 105, 95, 101))).toBe(100);
    expect(fillAt({}, bar(100, 105, 95, 101), { ...noCosts, slippageBps: 10 })).toBeCloseTo(100.1, 12);
    expect(fillAt({ side: "sell" }, bar(100, 105, 95, 101), { ...noCosts, slippageBps: 10 })).toBeCloseTo(99.9, 12);
  });

  it("does not fill an order on the bar it was placed on", () => {
    const ex = new SimulatedExchange(noCosts);
    ex.submit(createOrder({ symbol: "X", side: "buy", quantity: 1 }, "o1", 0), 5);
    expect(ex.match(bar(100, 101, 99, 100), 5).executions).toHaveLength(0);
    expect(ex.match(bar(100, 101, 99, 100), 6).executions).toHaveLength(1);
  });

  it("fills limits at the limit when the range crosses it, at the open when it gaps through", () => {
    expect(fillAt({ type: "limit", limitPrice: 97 }, bar(100, 105, 95, 101))).toBe(97);
    expect(fillAt({ type: "limit", limitPrice: 97 }, bar(96, 99, 94, 98))).toBe(96);
    expect(fillAt({ type: "limit", limitPrice: 90 }, bar(100, 105, 95, 101))).toBeNull();
    expect(fillAt({ side: "sell", type: "limit", limitPrice: 104 }, bar(100, 105, 95, 101))).toBe(104);
  });

  it("fills stops at the stop when touched, at the open on a gap, with slippage", () => {
    expect(fillAt({ type: "stop", stopPrice: 103 }, bar(100, 105, 95, 101))).toBe(103);
    expect(fillAt({ type: "stop", stopPrice: 103 }, bar(106, 108, 104, 107))).toBe(106);
    expect(fillAt({ side: "sell", type: "stop", stopPrice: 96 }, bar(100, 105, 95, 101), { ...noCosts, slippageBps: 100 })).toBeCloseTo(95.04, 12);
    expect(fillAt({ type: "stop", stopPrice: 110 }, bar(100, 105, 95, 101))).toBeNull();
  });

  it("fills a stop-limit only when the trigger price satisfies the limit", () => {
    expect(fillAt({ type: "stopLimit", stopPrice: 103, limitPrice: 104 }, bar(100, 105, 95, 101))).toBe(103);
    expect(fillAt({ type: "stopLimit", stopPrice: 103, limitPrice: 102 }, bar(100, 105, 95, 101))).toBeNull();
  });

  it("expires day orders when their day ends, keeps GTC, and gives IOC only the open", () => {
    const ex = new SimulatedExchange(noCosts);
    ex.submit(createOrder({ symbol: "X", side: "buy", quantity: 1, type: "limit", limitPrice: 50 }, "day", 0), 0);
    ex.submit(createOrder({ symbol: "X", side: "buy", quantity: 1, type: "limit", limitPrice: 50, timeInForce: "gtc" }, "gtc", 0), 0);
    ex.submit(createOrder({ symbol: "X", side: "buy", quantity: 1, type: "limit", limitPrice: 97, timeInForce: "ioc" }, "ioc", 0), 0);
    const first = ex.match(at(DAY, bar(100, 105, 95, 101)), 1);
    expect(first.executions).toHaveLength(0);
    expect(first.expired.map((o) => o.id)).toEqual(["ioc"]);
    const second = ex.match(at(2 * DAY, bar(52, 53, 49, 50)), 2);
    expect(second.expired.map((o) => o.id)).toEqual(["day"]);
    expect(second.executions.map((e) => [e.order.id, e.price.toNumber()])).toEqual([["gtc", 50]]);
  });

  it("keeps a day order through the rest of its session on intraday bars", () => {
    const ex = new SimulatedExchange(noCosts);
    ex.submit(createOrder({ symbol: "X", side: "buy", quantity: 1, type: "limit", limitPrice: 90 }, "day", 0), 0);
    const hour = 3_600_000;
    expect(ex.match(at(DAY + 14 * hour, bar(100, 101, 99, 100)), 1).executions).toHaveLength(0);
    expect(ex.match(at(DAY + 15 * hour, bar(95, 96, 89, 92)), 2).executions.map((e) => e.price.toNumber())).toEqual([90]);
    ex.submit(createOrder({ symbol: "X", side: "buy", quantity: 1, type: "limit", limitPrice: 80 }, "day2", 0), 2);
    expect(ex.match(at(DAY + 16 * hour, bar(92, 93, 91, 92)), 3).expired).toEqual([]);
    expect(ex.match(at(2 * DAY + 14 * hour, bar(70, 71, 69, 70)), 4).expired.map((o) => o.id)).toEqual(["day2"]);
  });

  it("charges commission per share plus per order", () => {
    const ex = new SimulatedExchange({ slippageBps: 0, commissionPerShare: 0.01, commissionPerOrder: 1 });
    expect(ex.commission(createOrder({ symbol: "X", side: "buy", quantity: 250 }, "o", 0).quantity).toNumber()).toBe(3.5);
  });
});
