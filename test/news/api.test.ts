// News through the HTTP API: POST /backtest with a body's news runs
// neural-sentiment as the engine does in-process; bad news items are a 400
// naming the field in the body.
import { describe, expect, it } from "vitest";
import { createApp, loadKernels } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { barRows, expectedBacktest, sp500, sp500Csv } from "../api/fixtures.ts";
import { wasmBytes } from "../helpers.ts";

async function app() {
  return createApp({
    config: loadAppConfig({ env: { NT_API_TOKEN: "news-test-token-0123456" } }),
    kernels: await loadKernels({ indicators: wasmBytes("indicators"), risk: wasmBytes("risk"), solver: wasmBytes("solver") }),
    samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
    app: { name: "neural-trader-engine", version: "0.0.0-test" },
  });
}

const PARAMS = { trainBars: 300, retrainEvery: 250, epochs: 3, errorWindow: 20, minConfidence: 0.1, halfLifeDays: 30, minSentiment: 0.05, allowShort: true };
const NEWS = [
  { time: "2001-04-20T13:00:00Z", headline: "Stocks rally as the Fed cuts rates again" },
  { time: "2001-06-14T20:00:00Z", headline: "Tech stocks slide on profit warnings", symbols: ["SPX"] },
  { time: "2001-10-11T14:00:00Z", headline: "Stocks recover", score: 0.6 },
  { time: "2002-03-05T15:00:00Z", headline: "Manufacturing expands for first time in 18 months" },
  { time: "2002-06-26T13:00:00Z", headline: "Accounting scandal widens, stocks tumble" },
];

describe("news in the API", () => {
  it("POST /backtest runs neural-sentiment with the body's news, as the engine does in-process", async () => {
    const engine = await app();
    try {
      const bars = barRows(sp500, 800);
      const res = await engine.fetch(new Request("http://x/backtest", {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ bars, symbol: "SPX", strategy: "neural-sentiment", params: PARAMS, news: NEWS }),
      }));
      expect(res.status).toBe(200);
      const body = await res.json();
      const series = { ...sp500, time: sp500.time.slice(0, 800), open: sp500.open.slice(0, 800), high: sp500.high.slice(0, 800), low: sp500.low.slice(0, 800), close: sp500.close.slice(0, 800), volume: sp500.volume.slice(0, 800) };
      const expected = expectedBacktest(series, { strategy: "neural-sentiment", params: PARAMS, news: NEWS as never }) as { trades: unknown[] };
      expect(expected.trades.length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(body), (k, v) => (["elapsedMs", "barsPerSecond"].includes(k) ? undefined : v))).toEqual(expected);
      const catalogue = await (await engine.fetch(new Request("http://x/strategies"))).json();
      expect(catalogue.strategies.find((s: { name: string }) => s.name === "neural-sentiment").needs).toBe("news (timestamped headlines or scores)");
    } finally {
      engine.close();
    }
  }, 60_000);

  it("a bad news item, news for a strategy that reads none, or none for one that needs it: a 400 naming the field", async () => {
    const engine = await app();
    try {
      const post = async (body: object) => {
        const res = await engine.fetch(new Request("http://x/backtest", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sample: "sp500", ...body }) }));
        return [res.status, (await res.json()).error];
      };
      expect(await post({ strategy: "neural-sentiment", news: [{ time: "2001-04-20T13:00:00Z", headline: "x" }, { time: "2001-04-21", score: "high" }] }))
        .toEqual([400, expect.objectContaining({ field: "news[1].score", message: expect.stringContaining('news[1].score must be a number from -1 to 1, got "high"') })]);
      expect(await post({ strategy: "neural-sentiment", news: [{ headline: "x", when: 1 }] }))
        .toEqual([400, expect.objectContaining({ field: "news[0].when" })]);
      expect(await post({ strategy: "momentum", news: [] })).toEqual([400, expect.objectContaining({ field: "news", message: expect.stringContaining("momentum takes no news") })]);
      expect(await post({ strategy: "neural-sentiment" })).toEqual([400, expect.objectContaining({ field: "news" })]);
    } finally {
      engine.close();
    }
  });
});
