// Run by test/feeds/deno.test.ts under Deno: the same Alpaca clients with
// Deno's own fetch and WebSocket (no `ws` package), against the local
// Alpaca-protocol server the test started. Prints one JSON line of results.
import { AlpacaBroker } from "../../src/brokers/alpaca/broker.ts";
import { createOrder } from "../../src/core/orders.ts";
import type { VenueEvent } from "../../src/core/events.ts";
import { AlpacaMarketData } from "../../src/feeds/alpaca-data.ts";
import type { MarketEvent } from "../../src/feeds/market-data.ts";
import { parseTimeframe } from "../../src/feeds/timeframe.ts";

declare const Deno: { args: string[] };
const [restUrl, dataStreamUrl, tradingStreamUrl, keyId, secret, start] = Deno.args;
const credentials = { keyId, secret };

const feed = new AlpacaMarketData({ credentials, restUrl, streamUrl: dataStreamUrl, WebSocket: globalThis.WebSocket });
const bars = await feed.historicalBars({ symbol: "AAPL", timeframe: parseTimeframe("1m"), start: Number(start), end: Number(start) + 29 * 60_000, pageSize: 10 });
const trades: MarketEvent[] = [];
await new Promise<void>((resolve) => {
  feed.subscribe({ trades: ["AAPL"] }, {
    onEvent: (e) => {
      trades.push(e);
      if (trades.length === 2) resolve();
    },
    onStatus: (s) => s.state === "live" && console.log(JSON.stringify({ ready: true })),
  });
});
feed.close();

const broker = new AlpacaBroker({ credentials, tradingUrl: restUrl, streamUrl: tradingStreamUrl, WebSocket: globalThis.WebSocket });
const events: VenueEvent[] = [];
broker.subscribe((e) => events.push(e));
await broker.connect();
await broker.submit(createOrder({ symbol: "AAPL", side: "buy", quantity: "2" }, "deno-order-1", Date.now()));
while (!events.some((e) => e.type === "filled")) await new Promise((r) => setTimeout(r, 5));
await broker.disconnect();
console.log(JSON.stringify({
  bars: bars.time.length, firstClose: bars.time[0], trades: trades.map((e) => e.kind === "trade" && e.trade.price),
  events: events.map((e) => e.type), fillPrice: events.map((e) => ("fill" in e ? e.fill.price.toString() : null)).filter(Boolean),
}));
