import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/core/money.ts";
import type { Fill } from "../../src/core/orders.ts";
import { applyFill, flatPosition, unrealizedPnl, type Position } from "../../src/core/position.ts";

const fill = (side: "buy" | "sell", quantity: string, price: string, commission = "0"): Fill => ({
  orderId: "o", tradeId: "t", symbol: "X", side, quantity: new Decimal(quantity), price: new Decimal(price), commission: new Decimal(commission), time: 0,
});

function run(...fills: Fill[]): { pos: Position; realized: string[] } {
  let pos = flatPosition("X");
  const realized: string[] = [];
  for (const f of fills) {
    const r = applyFill(pos, f);
    pos = r.position;
    realized.push(r.realized.toString());
  }
  return { pos, realized };
}

describe("positions", () => {
  it("averages entries and realizes P&L exactly in decimal", () => {
    const { pos, realized } = run(fill("buy", "3", "10.1"), fill("buy", "1", "10.5"), fill("sell", "2", "10.3", "0.02"));
    expect(pos.quantity.toString()).toBe("2");
    expect(pos.avgPrice.toString()).toBe("10.2");
    expect(realized).toEqual(["0", "0", "0.2"]);
    expect(pos.realizedPnl.toString()).toBe("0.2");
    expect(pos.commissions.toString()).toBe("0.02");
    expect(unrealizedPnl(pos, "10.35").toString()).toBe("0.3");
  });

  it("handles shorts and flips through zero", () => {
    const { pos, realized } = run(fill("sell", "5", "20"), fill("buy", "8", "18"));
    // Covering 5 short at 18 realizes +10; the other 3 open a long at 18.
    expect(realized).toEqual(["0", "10"]);
    expect(pos.quantity.toString()).toBe("3");
    expect(pos.avgPrice.toString()).toBe("18");
    expect(unrealizedPnl(run(fill("sell", "5", "20")).pos, "21").toString()).toBe("-5");
  });

  it("returns to a zero average price when flat", () => {
    const { pos } = run(fill("buy", "0.1", "0.3"), fill("sell", "0.1", "0.2"));
    expect(pos.quantity.isZero()).toBe(true);
    expect(pos.avgPrice.isZero()).toBe(true);
    expect(pos.realizedPnl.toString()).toBe("-0.01");
  });
});
