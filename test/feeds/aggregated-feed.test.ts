// Five-minute bars from Alpaca's trade stream (the local Alpaca-protocol
// server): a quiet symbol's bar closes on the clock, not at its next trade.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { AggregatedFeed } from "../../src/feeds/aggregated-feed.ts";
import { AlpacaMarketData } from "../../src/feeds/alpaca-data.ts";
import type { MarketEvent } from "../../src/feeds/market-data.ts";
import { parseTimeframe } from "../../src/feeds/timeframe.ts";
import { ManualClock } from "../../src/net/timers.ts";
import { AlpacaServer, KEY } from "../protocol-servers/alpaca.ts";
import { until } from "../net/helpers.ts";

const START = Date.UTC(2026, 0, 5, 14, 30);
let server: AlpacaServer;
beforeAll(async () => {
  server = await AlpacaServer.start();
});
afterAll(() => server.close());

const trade = (S: string, at: number, p: number, s: number) => ({ T: "t", S, i: at, x: "V", p, s, t: new Date(at).toISOString() });

describe("AggregatedFeed", () => {
  it("turns a trade stream into 5-minute bars, closing a quiet symbol's bar at its window's end plus the grace", async () => {
    const clock = new ManualClock(START);
    const alpaca = new AlpacaMarketData({ credentials: KEY, restUrl: server.restUrl, streamUrl: server.dataStreamUrl, WebSocket, timers: clock });
    const feed = new AggregatedFeed(alpaca, parseTimeframe("5m"), { timers: clock, graceMs: 2000 });
    const events: MarketEvent[] = [];
    feed.subscribe({ bars: ["AAPL"], trades: ["MSFT"] }, { onEvent: (e) => events.push(e) });
    await until(() => server.subscriptionsOf()?.trades.has("AAPL") === true, "the upstream subscription");
    expect(server.subscriptionsOf()).toEqual({ trades: new Set(["MSFT", "AAPL"]), quotes: new Set(), bars: new Set() });
    // One batch, MSFT last: once its trade is through, so are the AAPL ones.
    server.publish([trade("AAPL", START + 1000, 190, 10), trade("AAPL", START + 60_000, 191, 5), trade("AAPL", START + 299_000, 189.5, 5), trade("MSFT", START + 2000, 420, 1)]);
    await until(() => events.length === 1, "the MSFT trade passed through");
    expect(events[0]).toMatchObject({ kind: "trade", trade: { symbol: "MSFT", price: 420 } });
    expect(clock.pendingDelays).toEqual([5 * 60_000 + 2000]);
    clock.advance(5 * 60_000 + 1999);
    expect(events).toHaveLength(1); // still within the grace
    clock.advance(1);
    expect(events[1]).toEqual({
      kind: "bar", symbol: "AAPL", timeframe: { amount: 5, unit: "minute" },
      bar: { time: START + 5 * 60_000, open: 190, high: 191, low: 189.5, close: 189.5, volume: 20 },
    });
    feed.close();
    await until(() => server.connections === 0, "closed");
  });
});
