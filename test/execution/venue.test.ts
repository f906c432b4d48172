import { describe, expect, it } from "vitest";
import type { Bar } from "../../src/core/data.ts";
import type { VenueEvent } from "../../src/core/events.ts";
import { Decimal } from "../../src/core/money.ts";
import { createOrder, type OrderRequest } from "../../src/core/orders.ts";
import { SimulatedVenue, type CostModel } from "../../src/execution/venue.ts";

const DAY = 86_400_000;
const bar = (open: number, high: number, low: number, close: number, time = DAY, volume = 1_000): Bar => ({ time, open, high, low, close, volume });
const noCosts: CostModel = { slippageBps: 0, commissionPerShare: 0, commissionPerOrder: 0 };
const order = (req: Partial<OrderRequest>, id = "o1") => createOrder({ symbol: "X", side: "buy", quantity: 1, ...req }, id, 0);

function venue(costs: Partial<CostModel> & { initialCash?: number; maxParticipation?: number } = {}) {
  const v = new SimulatedVenue({ ...noCosts, initialCash: 1_000_000, ...costs });
  const events: VenueEvent[] = [];
  v.subscribe((e) => events.push(e));
  const seen = () => events.map((e) => `${e.type} ${e.orderId}${"fill" in e ? ` ${e.fill.quantity}@${e.fill.price}` : ""}`);
  return { v, events, seen };
}

/** The price the order fills at on one bar after it arrives, or null. */
function fillAt(req: Partial<OrderRequest>, b: Bar, costs: Partial<CostModel> = {}): number | null {
  const { v, events } = venue(costs);
  v.submit(order(req));
  v.onBar("X", b);
  const fill = events.find((e) => e.type === "filled" || e.type === "partiallyFilled");
  return fill && "fill" in fill ? fill.fill.price.toNumber() : null;
}

describe("simulated venue", () => {
  it("fills market orders at the next bar's open, with slippage against the trader", () => {
    expect(fillAt({}, bar(100, 105, 95, 101))).toBe(100);
    expect(fillAt({}, bar(100, 105, 95, 101), { slippageBps: 10 })).toBeCloseTo(100.1, 12);
    expect(fillAt({ side: "sell" }, bar(100, 105, 95, 101), { slippageBps: 10 })).toBeCloseTo(99.9, 12);
  });

  it("is keyed by time: an order matches only data stamped after it arrived", () => {
    const { v, seen } = venue();
    v.onBar("X", bar(100, 101, 99, 100, 5 * DAY));
    v.submit(order({}));
    v.onBar("X", bar(100, 101, 99, 100, 5 * DAY));
    expect(seen()).toEqual(["accepted o1"]);
    v.onBar("X", bar(100, 101, 99, 100, 6 * DAY));
    expect(seen()).toEqual(["accepted o1", "filled o1 1@100"]);
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
    expect(fillAt({ side: "sell", type: "stop", stopPrice: 96 }, bar(100, 105, 95, 101), { slippageBps: 100 })).toBeCloseTo(95.04, 12);
    expect(fillAt({ type: "stop", stopPrice: 110 }, bar(100, 105, 95, 101))).toBeNull();
  });

  it("fills a stop-limit only when the trigger price satisfies the limit, else rests it as a limit", () => {
    expect(fillAt({ type: "stopLimit", stopPrice: 103, limitPrice: 104 }, bar(100, 105, 95, 101))).toBe(103);
    expect(fillAt({ type: "stopLimit", stopPrice: 103, limitPrice: 102 }, bar(100, 105, 95, 101))).toBeNull();
    const { v, seen } = venue();
    v.submit(order({ type: "stopLimit", stopPrice: 103, limitPrice: 102, timeInForce: "gtc" }));
    v.onBar("X", bar(100, 105, 95, 101, DAY));
    v.onBar("X", bar(101, 102, 100, 101, 2 * DAY));
    expect(seen()).toEqual(["accepted o1", "filled o1 1@101"]);
  });

  it("expires day orders when their day ends, keeps GTC, gives IOC only the open, and says so in events", () => {
    const { v, seen } = venue();
    v.submit(order({ type: "limit", limitPrice: 50 }, "day"));
    v.submit(order({ type: "limit", limitPrice: 50, timeInForce: "gtc" }, "gtc"));
    v.submit(order({ type: "limit", limitPrice: 97, timeInForce: "ioc" }, "ioc"));
    v.onBar("X", bar(100, 105, 95, 101, DAY));
    expect(seen().slice(3)).toEqual(["expired ioc"]);
    v.onBar("X", bar(52, 53, 49, 50, 2 * DAY));
    expect(seen().slice(4)).toEqual(["expired day", "filled gtc 1@50"]);
  });

  it("keeps a day order through the rest of its session on intraday bars", () => {
    const { v, seen } = venue();
    const hour = 3_600_000;
    v.submit(order({ type: "limit", limitPrice: 90 }, "day"));
    v.onBar("X", bar(100, 101, 99, 100, DAY + 14 * hour));
    v.onBar("X", bar(95, 96, 89, 92, DAY + 15 * hour));
    v.submit(order({ type: "limit", limitPrice: 80 }, "day2"));
    v.onBar("X", bar(92, 93, 91, 92, DAY + 16 * hour));
    v.onBar("X", bar(70, 71, 69, 70, 2 * DAY + 14 * hour));
    expect(seen()).toEqual(["accepted day", "filled day 1@90", "accepted day2", "expired day2"]);
  });

  it("charges commission per share plus once per order", () => {
    const v = new SimulatedVenue({ slippageBps: 0, commissionPerShare: 0.01, commissionPerOrder: 1, initialCash: 0 });
    expect(v.commission(new Decimal(250)).toNumber()).toBe(3.5);
    expect(v.commission(new Decimal(250), false).toNumber()).toBe(2.5);
  });

  it("caps a buy to the cash at the fill price and cancels the rest (rule cashAtFill); rejects when nothing is affordable", () => {
    const { v, events, seen } = venue({ initialCash: 1_000, commissionPerShare: 0 });
    v.submit(order({ quantity: 12 }, "big"));
    v.onBar("X", bar(100, 100, 100, 100));
    expect(seen()).toEqual(["accepted big", "partiallyFilled big 10@100", "cancelled big"]);
    expect(events.at(-1)).toMatchObject({ rule: "cashAtFill", reason: "order big filled 10 of 12 @ 100.0000: cash covered no more" });
    v.submit(order({ quantity: 1 }, "none"));
    v.onBar("X", bar(100, 100, 100, 100, 2 * DAY));
    expect(events.at(-1)).toMatchObject({ type: "rejected", rule: "cashAtFill", reason: "order none (buy 1 @ 100.0000) exceeds cash at fill" });
    expect(v.cashBalance.toNumber()).toBe(0);
  });

  it("sells before buys in one pass, across symbols, so the sale pays for the purchase", () => {
    const { v, seen } = venue({ initialCash: 0 });
    v.onBars([{ symbol: "A", bar: bar(10, 10, 10, 10) }, { symbol: "B", bar: bar(10, 10, 10, 10) }]);
    // Hold 10 B bought on credit of a fill, by seeding a position: sell short is allowed at the venue.
    v.submit(createOrder({ symbol: "A", side: "buy", quantity: 5 }, "buyA", 0));
    v.submit(createOrder({ symbol: "B", side: "sell", quantity: 5 }, "sellB", 0));
    v.onBars([{ symbol: "A", bar: bar(10, 10, 10, 10, 2 * DAY) }, { symbol: "B", bar: bar(10, 10, 10, 10, 2 * DAY) }]);
    expect(seen()).toEqual(["accepted buyA", "accepted sellB", "filled sellB 5@10", "filled buyA 5@10"]);
  });

  it("makes an order list one-cancels-other, and a reduce-only exit never flips the position", () => {
    const { v, seen } = venue();
    v.submit(order({ quantity: 10 }, "entry"));
    v.onBar("X", bar(100, 100, 100, 100, DAY));
    const exit = { side: "sell" as const, quantity: 10, timeInForce: "gtc" as const, orderListId: "L1", reduceOnly: true };
    v.submit(order({ side: "sell", quantity: 3 }, "trim"));
    v.submit(order({ ...exit, type: "stop", stopPrice: 95 }, "stop"));
    v.submit(order({ ...exit, type: "limit", limitPrice: 105 }, "tp"));
    // The bar touches both exits. The trim sells first; the stop then sells only the 7 left and the
    // rest of it is cancelled with the position gone; the take-profit, its list sibling, is cancelled.
    v.onBar("X", bar(100, 110, 90, 100, 2 * DAY));
    expect(seen().slice(5)).toEqual(["filled trim 3@100", "partiallyFilled stop 7@95", "cancelled tp", "cancelled stop"]);
    expect(v.position("X").toNumber()).toBe(0);
  });

  it("fills at most a share of each bar's volume when asked, the rest waiting for the next bar", () => {
    const { v, seen } = venue({ maxParticipation: 0.1 });
    v.submit(order({ quantity: 150, timeInForce: "gtc" }));
    v.onBar("X", bar(100, 100, 100, 100, DAY, 1_000));
    v.onBar("X", bar(101, 101, 101, 101, 2 * DAY, 400));
    v.onBar("X", bar(102, 102, 102, 102, 3 * DAY, 1_000));
    expect(seen()).toEqual(["accepted o1", "partiallyFilled o1 100@100", "partiallyFilled o1 40@101", "filled o1 10@102"]);
  });

  it("matches trades and quotes: buys at the ask, sells at the bid", () => {
    const { v, seen } = venue();
    v.submit(order({ type: "limit", limitPrice: 100 }, "buy"));
    v.submit(order({ side: "sell", type: "limit", limitPrice: 101 }, "sell"));
    v.onQuote({ symbol: "X", time: DAY, bidPrice: 99, bidSize: 10, askPrice: 100.5, askSize: 10 });
    v.onQuote({ symbol: "X", time: DAY + 1, bidPrice: 101.5, bidSize: 10, askPrice: 99.5, askSize: 10 });
    expect(seen().slice(2)).toEqual(["filled sell 1@101.5", "filled buy 1@99.5"]);
    v.submit(order({}, "mkt"));
    v.onTrade({ symbol: "X", time: DAY + 2, price: 98, size: 5 });
    expect(seen().at(-1)).toBe("filled mkt 1@98");
  });

  it("dedups submits by client order id, refuses late cancels and replaces, and reports orders, positions and cash", async () => {
    const { v, seen } = venue();
    v.submit(order({ type: "limit", limitPrice: 90, timeInForce: "gtc" }));
    v.submit(order({ type: "limit", limitPrice: 90, timeInForce: "gtc" }));
    v.replace("o1", { limitPrice: new Decimal(99) });
    v.onBar("X", bar(100, 100, 98, 99));
    v.cancel("o1");
    v.cancel("nope");
    expect(seen()).toEqual(["accepted o1", "replaced o1", "filled o1 1@99", "cancelRejected o1", "cancelRejected nope"]);
    const report = await v.order("o1");
    expect([report?.status, report?.filledQuantity.toString(), report?.avgFillPrice?.toString(), report?.fills?.length]).toEqual(["filled", "1", "99", 1]);
    expect(await v.openOrders()).toEqual([]);
    expect((await v.positions()).map((p) => `${p.symbol} ${p.quantity}@${p.avgPrice}`)).toEqual(["X 1@99"]);
    expect((await v.account()).cash.toNumber()).toBe(1_000_000 - 99);
  });
});
