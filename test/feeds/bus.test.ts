import { describe, expect, it } from "vitest";
import type { Quote, Tick } from "../../src/core/data.ts";
import { Decimal } from "../../src/core/money.ts";
import { EventBus, publishMarketEvent } from "../../src/feeds/bus.ts";
import { QueueOverflowError } from "../../src/feeds/stream.ts";

const tick = (price: number, time = 0): Tick => ({ symbol: "AAPL", time, price, size: 1 });
const quote = (symbol: string, bidPrice: number): Quote => ({ symbol, time: 0, bidPrice, bidSize: 1, askPrice: bidPrice + 0.01, askSize: 1 });

describe("EventBus", () => {
  it("carries ticks, bars, signals, orders and fills; a slow consumer never holds up the publisher", async () => {
    const bus = new EventBus();
    const slow = bus.consume("tick", { capacity: 100 });
    const fast: number[] = [];
    bus.stream("tick").map((t) => t.price).subscribe((p) => fast.push(p));
    const start = performance.now();
    for (let i = 0; i < 100_000; i++) bus.publish("tick", tick(i));
    expect(performance.now() - start).toBeLessThan(2000);
    expect(fast).toHaveLength(100_000);
    expect(slow.length).toBe(100);
    expect(slow.dropped).toBe(99_900);
    expect(slow.shift()!.price).toBe(99_900);

    const bars = bus.consume("bar");
    publishMarketEvent(bus, { kind: "bar", symbol: "AAPL", bar: { time: 60_000, open: 1, high: 2, low: 1, close: 2, volume: 10 } });
    publishMarketEvent(bus, { kind: "trade", trade: tick(5) });
    expect(bars.shift()?.symbol).toBe("AAPL");
    expect(slow.shift()).toBeDefined();

    const fills = bus.consume("fill", { capacity: 1 });
    const fill = { orderId: "o1", tradeId: "t1", symbol: "AAPL", side: "buy" as const, quantity: new Decimal(1), price: new Decimal("187.25"), commission: new Decimal(0), time: 1 };
    bus.publish("fill", fill);
    expect(await fills.next()).toEqual({ value: fill, done: false });
    bus.publish("signal", { symbol: "AAPL", time: 1, direction: "long", confidence: 1, reason: "test" });
  });

  it("uses the stated policies: quotes conflate per symbol, fills fail loudly rather than drop", async () => {
    const bus = new EventBus();
    const quotes = bus.consume("quote", { capacity: 10 });
    bus.publish("quote", quote("AAPL", 1));
    bus.publish("quote", quote("MSFT", 2));
    bus.publish("quote", quote("AAPL", 3));
    expect([quotes.shift()?.bidPrice, quotes.shift()?.bidPrice, quotes.shift()]).toEqual([3, 2, undefined]);

    const fills = bus.consume("fill", { capacity: 1 });
    const fill = { orderId: "o1", tradeId: "t1", symbol: "AAPL", side: "buy" as const, quantity: new Decimal(1), price: new Decimal(1), commission: new Decimal(0), time: 1 };
    bus.publish("fill", fill);
    bus.publish("fill", fill);
    await expect(fills.next()).rejects.toThrow(QueueOverflowError);
  });
});
