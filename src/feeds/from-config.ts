import { requireAlpacaCredentials, requirePolygonKey, type AppConfig } from "../config/app-config.ts";
import type { Fetch } from "../net/http.ts";
import type { Timers } from "../net/timers.ts";
import type { WebSocketConstructor } from "../net/websocket.ts";
import { AlpacaMarketData } from "./alpaca-data.ts";
import type { MarketData } from "./market-data.ts";
import { PolygonMarketData } from "./polygon.ts";

/** What a runtime hands in: its WebSocket (Node 20: the `ws` package's), and optionally fetch and timers. */
export interface FeedDeps {
  readonly WebSocket: WebSocketConstructor;
  readonly fetch?: Fetch;
  readonly timers?: Timers;
}

/**
 * A live market-data feed by name ("alpaca" or "polygon") with the keys and
 * endpoints of AppConfig; a missing key is a ConfigError naming the
 * settings to set (as `nt trade --feed alpaca` needs).
 */
export function liveFeed(name: "alpaca" | "polygon", config: AppConfig, deps: FeedDeps): MarketData {
  if (name === "alpaca") {
    return new AlpacaMarketData({
      credentials: requireAlpacaCredentials(config), restUrl: config.alpaca.dataUrl, streamUrl: config.alpaca.streamUrl, feed: config.alpaca.feed, ...deps,
    });
  }
  return new PolygonMarketData({ apiKey: requirePolygonKey(config), restUrl: config.polygon.restUrl, streamUrl: config.polygon.streamUrl, ...deps });
}
