import { describe, expect, it } from "vitest";
import type { OrderEvent } from "../../src/core/events.ts";
import { Decimal } from "../../src/core/money.ts";
import { createOrder, type Fill } from "../../src/core/orders.ts";
import { applyOrderEvent, avgFillPrice, initialOrderState, isTerminal, isWorking, leavesQuantity, type OrderState } from "../../src/execution/order-state.ts";

const order = createOrder({ symbol: "X", side: "buy", quantity: 10, type: "limit", limitPrice: 100 }, "o1", 0);
const fill = (quantity: number, price: number, tradeId = `t${quantity}`): Fill => ({
  orderId: "o1", tradeId, symbol: "X", side: "buy", quantity: new Decimal(quantity), price: new Decimal(price), commission: new Decimal(0), time: 1,
});
const run = (...events: OrderEvent[]): OrderState => events.reduce(applyOrderEvent, initialOrderState(order, 0));
const submitted: OrderEvent = { type: "submitted", orderId: "o1", time: 0, order };
const accepted: OrderEvent = { type: "accepted", orderId: "o1", time: 1 };

describe("order state machine", () => {
  it("walks submitted → accepted → partially filled → filled, averaging the fill price", () => {
    const s = run(submitted, accepted, { type: "partiallyFilled", orderId: "o1", time: 2, fill: fill(4, 99) }, { type: "filled", orderId: "o1", time: 3, fill: fill(6, 100) });
    expect(s.status).toBe("filled");
    expect(avgFillPrice(s)!.toString()).toBe("99.6");
    expect(leavesQuantity(s).toNumber()).toBe(0);
    expect(isTerminal(s)).toBe(true);
  });

  it("is pure: applying an event returns a new state and leaves the old one as it was", () => {
    const a = run(submitted);
    const b = applyOrderEvent(a, accepted);
    expect(a.status).toBe("submitted");
    expect(b.status).toBe("accepted");
  });

  it("goes through pendingCancel to cancelled, and back when the cancel is refused", () => {
    const pending = run(submitted, accepted, { type: "pendingCancel", orderId: "o1", time: 2 });
    expect([pending.status, isWorking(pending)]).toEqual(["pendingCancel", false]);
    expect(applyOrderEvent(pending, { type: "cancelled", orderId: "o1", time: 3 }).status).toBe("cancelled");
    expect(applyOrderEvent(pending, { type: "cancelRejected", orderId: "o1", time: 3, reason: "too late" }).status).toBe("accepted");
    // The fill that beat the cancel still counts.
    expect(applyOrderEvent(pending, { type: "filled", orderId: "o1", time: 3, fill: fill(10, 100) }).status).toBe("filled");
  });

  it("ends in denied, rejected or expired, and applies a replace's new values", () => {
    expect(run({ type: "denied", orderId: "o1", time: 0, order, rule: "r", reason: "no" }).status).toBe("denied");
    expect(run(submitted, { type: "rejected", orderId: "o1", time: 1, reason: "no" }).status).toBe("rejected");
    expect(run(submitted, accepted, { type: "expired", orderId: "o1", time: 2 }).status).toBe("expired");
    const r = run(submitted, accepted, { type: "replaced", orderId: "o1", time: 2, changes: { quantity: new Decimal(5), limitPrice: new Decimal(98) } });
    expect([r.status, r.order.quantity.toNumber(), r.order.limitPrice!.toNumber()]).toEqual(["accepted", 5, 98]);
  });

  it("refuses transitions that cannot happen, naming them", () => {
    expect(() => run(submitted, accepted, { type: "cancelled", orderId: "o1", time: 2 }, { type: "filled", orderId: "o1", time: 3, fill: fill(10, 100) }))
      .toThrow(/o1: filled is not allowed when cancelled/);
    expect(() => run(submitted, { type: "filled", orderId: "o1", time: 1, fill: fill(11, 100) })).toThrow(/exceed its quantity 10/);
    expect(() => run(submitted, { type: "filled", orderId: "o1", time: 1, fill: fill(4, 100) })).toThrow(/"filled" after 4 of 10/);
    expect(() => run(accepted)).toThrow(/accepted is not allowed when initialized/);
  });
});
