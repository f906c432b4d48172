// Feeds and the broker built from AppConfig, pointed at the local servers by
// the same settings a user sets (NT_ALPACA_*, NT_POLYGON_*).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { alpacaBroker } from "../../src/brokers/alpaca/from-config.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { ConfigError } from "../../src/core/errors.ts";
import { liveFeed } from "../../src/feeds/from-config.ts";
import { AlpacaServer, KEY } from "../protocol-servers/alpaca.ts";
import { POLYGON_KEY, PolygonServer } from "../protocol-servers/polygon.ts";

let alpaca: AlpacaServer;
let polygon: PolygonServer;
beforeAll(async () => {
  [alpaca, polygon] = await Promise.all([AlpacaServer.start(), PolygonServer.start()]);
  alpaca.quotes.set("AAPL", { t: "2026-01-05T15:00:00Z", ap: 2, as: 1, bp: 1, bs: 1 });
  polygon.nbbo.set("AAPL", { P: 2, S: 1, p: 1, s: 1, t: 1e18 });
});
afterAll(() => Promise.all([alpaca.close(), polygon.close()]));

describe("feeds and broker from AppConfig", () => {
  it("build the Alpaca and Polygon clients from the settings, or say which settings are missing", async () => {
    const config = loadAppConfig({
      env: {
        NT_ALPACA_KEY_ID: KEY.keyId, NT_ALPACA_SECRET: KEY.secret, NT_ALPACA_DATA_URL: alpaca.restUrl, NT_ALPACA_TRADING_URL: alpaca.restUrl,
        NT_ALPACA_STREAM_URL: alpaca.dataStreamUrl, NT_POLYGON_KEY: POLYGON_KEY, NT_POLYGON_URL: polygon.restUrl, NT_POLYGON_STREAM_URL: polygon.streamUrl,
      },
    });
    expect((await liveFeed("alpaca", config, { WebSocket }).latestQuote("AAPL")).askPrice).toBe(2);
    expect((await liveFeed("polygon", config, { WebSocket }).latestQuote("AAPL")).askPrice).toBe(2);
    const broker = alpacaBroker(config, { WebSocket });
    expect((await broker.account()).currency).toBe("USD");
    await broker.connect(); // the trade_updates stream, derived from the trading URL (ws://.../stream)
    await broker.disconnect();
    expect(() => liveFeed("alpaca", loadAppConfig(), { WebSocket })).toThrow(ConfigError);
    expect(() => liveFeed("polygon", loadAppConfig(), { WebSocket })).toThrow("Polygon needs an API key: set NT_POLYGON_KEY");
    expect(() => alpacaBroker(loadAppConfig(), { WebSocket })).toThrow("Alpaca needs an API key: set NT_ALPACA_KEY_ID and NT_ALPACA_SECRET");
  });
});
