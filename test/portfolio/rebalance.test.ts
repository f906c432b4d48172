import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/core/money.ts";
import { rebalanceOrders } from "../../src/portfolio/rebalance.ts";

const simple = (orders: ReturnType<typeof rebalanceOrders>) =>
  orders.map((o) => `${o.side} ${new Decimal(o.quantity).toString()} ${o.symbol}`);

describe("rebalanceOrders", () => {
  it("moves the book to the target weights, sells first", () => {
    // Equity 100,000: AAA 60% at 50 -> 1200 (hold 1000), BBB 30% at 200 -> 150 (hold 200), CCC 10% at 25 -> 400 (hold 0).
    const orders = rebalanceOrders({
      positions: { AAA: 1000, BBB: 200 },
      prices: { AAA: 50, BBB: 200, CCC: 25 },
      equity: 100_000,
      targets: { AAA: 0.6, BBB: 0.3, CCC: 0.1 },
    });
    expect(simple(orders)).toEqual(["sell 50 BBB", "buy 200 AAA", "buy 400 CCC"]);
    expect(orders.every((o) => o.type === "market" && o.tag === "rebalance")).toBe(true);
  });

  it("closes positions without a target and handles shorts", () => {
    const orders = rebalanceOrders({
      positions: { OLD: 30, SHRT: -10 },
      prices: { OLD: 10, SHRT: 100, NEW: 20 },
      equity: 10_000,
      targets: { SHRT: -0.2, NEW: 0.5 },
    });
    // SHRT target -0.2 * 10000 / 100 = -20: sell 10 more; OLD closed; NEW 250.
    expect(simple(orders)).toEqual(["sell 30 OLD", "sell 10 SHRT", "buy 250 NEW"]);
  });

  it("skips trades worth less than minTradeValue and rounds targets toward zero to quantityStep", () => {
    const orders = rebalanceOrders({
      positions: { AAA: 100, BBB: 10 },
      prices: { AAA: 33, BBB: 7 },
      equity: 10_000,
      targets: { AAA: 0.5, BBB: 0.0075 },
      minTradeValue: 50,
      quantityStep: 1,
    });
    // AAA: 5000 / 33 = 151.5 -> 151, buy 51 (1683 worth); BBB: 75 / 7 = 10.7 -> 10, no trade.
    expect(simple(orders)).toEqual(["buy 51 AAA"]);
    const small = rebalanceOrders({ positions: { AAA: 150 }, prices: { AAA: 33 }, equity: 10_000, targets: { AAA: 0.5 }, minTradeValue: 50, quantityStep: 1 });
    expect(small).toEqual([]); // 1 share = 33 < 50
    const fractional = rebalanceOrders({ positions: {}, prices: { AAA: 3 }, equity: 10, targets: { AAA: 1 } });
    expect(new Decimal(fractional[0].quantity).times(3).toNumber()).toBeCloseTo(10, 15);
    const lots = rebalanceOrders({ positions: {}, prices: { AAA: 1 }, equity: 1000, targets: { AAA: 0.555 }, quantityStep: 100 });
    expect(simple(lots)).toEqual(["buy 500 AAA"]);
  });

  it("returns no orders when the book is on target", () => {
    expect(rebalanceOrders({ positions: { A: 10, B: 0 }, prices: { A: 10, B: 5 }, equity: 200, targets: { A: 0.5 } })).toEqual([]);
  });

  it("rejects bad input, naming the field", () => {
    const base = { positions: { A: 1 }, prices: { A: 10 }, equity: 100, targets: { A: 0.5 } };
    expect(() => rebalanceOrders({ ...base, prices: {} })).toThrow(/no price for A/);
    expect(() => rebalanceOrders({ ...base, prices: { A: 0 } })).toThrow(/prices.A must be > 0/);
    expect(() => rebalanceOrders({ ...base, equity: -5 })).toThrow(/equity must be > 0/);
    expect(() => rebalanceOrders({ ...base, targets: { A: NaN } })).toThrow(/targets.A must be a finite weight/);
    expect(() => rebalanceOrders({ ...base, positions: { A: "x" } })).toThrow(/positions.A must be a number/);
    expect(() => rebalanceOrders({ ...base, minTradeValue: -1 })).toThrow(/minTradeValue must be >= 0/);
    expect(() => rebalanceOrders({ ...base, quantityStep: -1 })).toThrow(/quantityStep must be >= 0/);
  });
});
