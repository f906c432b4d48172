// The live bar feed (moments aligned across symbols, late and early bars
// dropped, waiting for the next bar) and the engine's care with orders a
// remote broker has not answered yet.
import { describe, expect, it } from "vitest";
import type { Bar } from "../../src/core/data.ts";
import type { VenueEvent } from "../../src/core/events.ts";
import { Decimal } from "../../src/core/money.ts";
import type { Order } from "../../src/core/orders.ts";
import type { ExecutionClient } from "../../src/execution/client.ts";
import { LiveBarFeed } from "../../src/execution/live-feed.ts";
import { SeriesFeed, TradingSession } from "../../src/execution/session.ts";
import { sessionSetup } from "../../src/backtest/job.ts";
import type { Strategy } from "../../src/strategies/strategy.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";

const bar = (time: number, close = 100): Bar => ({ time, open: close, high: close, low: close, close, volume: 1 });
const times = (feed: LiveBarFeed) => Array.from({ length: feed.length }, (_, i) => feed.at(i).map((u) => `${u.symbol}@${u.bar.time}`).join(" "));

describe("LiveBarFeed", () => {
  it("releases a moment once every symbol has reached it, with the symbols that have a bar there", () => {
    const feed = new LiveBarFeed(["A", "B"]);
    feed.push("A", bar(60));
    expect(feed.length).toBe(0);
    feed.push("B", bar(60));
    feed.push("A", bar(120));
    feed.push("A", bar(180));
    expect(times(feed)).toEqual(["A@60 B@60"]);
    // B skips 120 (no trades that minute): its bar at 180 releases 120 with A alone, then 180.
    feed.push("B", bar(180));
    expect(times(feed)).toEqual(["A@60 B@60", "A@120", "A@180 B@180"]);
  });

  it("drops bars before its start, repeats and late bars, and counts them", () => {
    const feed = new LiveBarFeed(["A"], 100);
    feed.push("A", bar(100));
    feed.push("A", bar(160));
    feed.push("A", bar(160));
    feed.push("A", bar(130));
    feed.push("B", bar(220));
    feed.push("A", bar(220));
    expect(times(feed)).toEqual(["A@160", "A@220"]);
    expect(feed.dropped).toBe(3);
  });

  it("wakes a waiter on the next moment and when it ends", async () => {
    const feed = new LiveBarFeed(["A"]);
    const grown = feed.grown();
    let woke = false;
    void grown.then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    feed.push("A", bar(60));
    await grown;
    const ended = feed.grown();
    feed.end(new Error("closed"));
    await ended;
    expect(feed.ended?.message).toBe("closed");
    await feed.grown(); // resolves at once once ended
  });
});

/** A broker that accepts orders and never fills them, like a remote one whose fills are still on the way. */
class SilentBroker implements ExecutionClient {
  readonly venue = "silent";
  readonly submitted: Order[] = [];
  readonly cancels: string[] = [];
  private listener: (e: VenueEvent) => void = () => {};
  submit(order: Order) {
    this.submitted.push(order);
    this.listener({ type: "accepted", orderId: order.id, time: order.createdAt });
  }
  cancel(id: string) {
    this.cancels.push(id);
  }
  replace() {}
  subscribe(l: (e: VenueEvent) => void) {
    this.listener = l;
    return () => {};
  }
  async openOrders() { return []; }
  async order() { return null; }
  async positions() { return []; }
  async account() { return { cash: new Decimal(100_000) }; }
}

describe("orders a broker has not filled yet", () => {
  it("are not cancelled and sent again when the strategy repeats its signal", async () => {
    const data = syntheticBars({ n: 10, seed: 3, symbol: "X" });
    const setup = sessionSetup({ strategy: "momentum" });
    const alwaysLong: Strategy = { name: "always-long", onBar: (b, ctx) => ({ symbol: ctx.symbol, time: b.time, direction: "long", confidence: 1, reason: "up" }) };
    const broker = new SilentBroker();
    const { session } = await TradingSession.open({ feed: new SeriesFeed([data]), strategy: () => alwaysLong, settings: setup.settings, client: broker });
    while (!session.done) session.step();
    expect(broker.submitted.map((o) => `${o.side} ${o.symbol}`)).toEqual(["buy X"]);
    expect(broker.cancels).toEqual([]);
  });
});
