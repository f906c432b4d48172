import { describe, expect, it } from "vitest";
import { ExecutionError } from "../../src/core/errors.ts";
import { createOrder } from "../../src/core/orders.ts";

describe("orders", () => {
  it("builds a frozen order with Decimal quantity and prices", () => {
    const o = createOrder({ symbol: "SPY", side: "buy", type: "stopLimit", quantity: "10.5", stopPrice: 101, limitPrice: "101.25", timeInForce: "gtc" }, "o1", 5);
    expect(o.quantity.toString()).toBe("10.5");
    expect(o.limitPrice!.toString()).toBe("101.25");
    expect(o.stopPrice!.toString()).toBe("101");
    expect(Object.isFrozen(o)).toBe(true);
    expect(createOrder({ symbol: "SPY", side: "sell", quantity: 1 }, "o2", 0)).toMatchObject({ type: "market", timeInForce: "day" });
  });

  it("names the field that is wrong", () => {
    const bad = (req: object, field: string, msg: RegExp) => {
      let err: unknown;
      try {
        createOrder({ symbol: "SPY", side: "buy", quantity: 1, ...req } as never, "o", 0);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ExecutionError);
      expect((err as ExecutionError).field).toBe(field);
      expect((err as Error).message).toMatch(msg);
    };
    bad({ quantity: -5 }, "quantity", /order quantity must be a positive number, got -5/);
    bad({ quantity: "abc" }, "quantity", /must be a number/);
    bad({ quantity: Infinity }, "quantity", /positive number/);
    bad({ side: "hold" }, "side", /must be "buy" or "sell"/);
    bad({ type: "limit" }, "limitPrice", /is required for limit orders/);
    bad({ type: "market", stopPrice: 3 }, "stopPrice", /is not allowed on market orders/);
    bad({ type: "stop", stopPrice: 0 }, "stopPrice", /positive/);
    bad({ timeInForce: "week" }, "timeInForce", /unknown time in force/);
    bad({ symbol: "" }, "symbol", /required/);
  });
});
