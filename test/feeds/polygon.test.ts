// The Polygon client against the local Polygon-protocol server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { FeedStatus, MarketEvent } from "../../src/feeds/market-data.ts";
import { PolygonMarketData } from "../../src/feeds/polygon.ts";
import { parseTimeframe } from "../../src/feeds/timeframe.ts";
import { AuthError, ProtocolError } from "../../src/net/errors.ts";
import { ManualClock } from "../../src/net/timers.ts";
import { minuteAggs, POLYGON_KEY, PolygonServer } from "../protocol-servers/polygon.ts";
import { outcome, until } from "../net/helpers.ts";

const START = Date.UTC(2026, 0, 5, 14, 30);
let server: PolygonServer;
let feed: PolygonMarketData | undefined;

beforeAll(async () => {
  server = await PolygonServer.start();
  server.aggs.set("AAPL", minuteAggs(START, 120, 190));
  server.nbbo.set("AAPL", { T: "AAPL", P: 190.12, S: 3, p: 190.1, s: 2, t: 1_767_623_401_123_456_789, x: 11, X: 19, y: 1_767_623_401_123_000_000, q: 1 });
});
afterAll(() => server.close());
afterEach(async () => {
  feed?.close();
  feed = undefined;
  server.nextUrlBase = undefined;
  await until(() => server.connections === 0, "earlier connections to close");
});

function open(clock: ManualClock, extra: Partial<ConstructorParameters<typeof PolygonMarketData>[0]> = {}) {
  feed = new PolygonMarketData({ apiKey: POLYGON_KEY, restUrl: server.restUrl, streamUrl: server.streamUrl, WebSocket, timers: clock, random: () => 0.5, ...extra });
  return feed;
}

function recorder() {
  const events: MarketEvent[] = [];
  const errors: Error[] = [];
  const statuses: FeedStatus[] = [];
  return { events, errors, statuses, listener: { onEvent: (e: MarketEvent) => events.push(e), onError: (e: Error) => errors.push(e), onStatus: (s: FeedStatus) => statuses.push(s) } };
}

describe("Polygon REST", () => {
  it("follows next_url through every page of aggregates, sending the key as a header only", async () => {
    server.requests.length = 0;
    const bars = await open(new ManualClock(START)).historicalBars({ symbol: "AAPL", timeframe: parseTimeframe("1m"), start: START, end: START + 119 * 60_000, pageSize: 50 });
    expect(bars.time.length).toBe(120);
    expect(bars.time[0]).toBe(START + 60_000);
    expect(bars.close[119]).toBe(server.aggs.get("AAPL")![119].c);
    const pages = server.requests.filter((r) => r.path.startsWith("/v2/aggs"));
    expect(pages.map((p) => p.query)).toEqual(["?adjusted=true&sort=asc&limit=50", "?cursor=50&limit=50", "?cursor=100&limit=50"]);
    expect(pages.every((p) => !p.query.includes("apiKey"))).toBe(true);
  });

  it("refuses to follow a next_url to another origin (the key would go with it)", async () => {
    server.nextUrlBase = "http://evil.example";
    const { error } = await outcome(open(new ManualClock(START)).historicalBars({ symbol: "AAPL", timeframe: parseTimeframe("1m"), start: START, end: START + 119 * 60_000, pageSize: 50 }));
    expect((error as Error).message).toContain('next_url points to another origin ("http://evil.example/v2/aggs');
  });

  it("reads the last NBBO quote (nanosecond time), and says what failed", async () => {
    const f = open(new ManualClock(START));
    expect(await f.latestQuote("AAPL")).toEqual({ symbol: "AAPL", time: 1_767_623_401_123, bidPrice: 190.1, bidSize: 2, askPrice: 190.12, askSize: 3 });
    await expect(f.latestQuote("ZZZZ")).rejects.toThrow("Polygon: GET /v2/last/nbbo/ZZZZ answered HTTP 404: Data not found.");
    const bad = new PolygonMarketData({ apiKey: "wrong", restUrl: server.restUrl, streamUrl: server.streamUrl });
    await expect(bad.latestQuote("AAPL")).rejects.toThrow("answered HTTP 401: Unknown API Key");
    await expect(f.historicalBars({ symbol: "AAPL", timeframe: parseTimeframe("5m"), start: START, end: START + 1 })).rejects.toThrow(
      "answered HTTP 400: this server serves 1/minute aggregates, got 5/minute",
    );
  });

  it("waits out a 429's Retry-After on its clock", async () => {
    const clock = new ManualClock(START);
    server.rateLimit(1, { "retry-after": "4" });
    const p = outcome(open(clock).latestQuote("AAPL"));
    await until(() => clock.pendingDelays.includes(4000), "the wait");
    clock.advance(4000);
    expect((await p).value?.bidPrice).toBe(190.1);
  });
});

describe("Polygon stream", () => {
  it("authenticates, subscribes AM/T/Q and delivers aggregates, trades and quotes", async () => {
    const f = open(new ManualClock(START));
    const r = recorder();
    f.subscribe({ trades: ["MSFT"], quotes: ["MSFT"], bars: ["AAPL"] }, r.listener);
    await until(() => server.paramsOf()?.has("AM.AAPL") === true, "the subscription");
    expect(server.received).toContainEqual({ action: "auth", params: POLYGON_KEY });
    expect(server.received).toContainEqual({ action: "subscribe", params: "T.MSFT,Q.MSFT,AM.AAPL" });
    server.publish([
      { ev: "T", sym: "MSFT", x: 4, i: "12345", z: 3, p: 114.125, s: 100, c: [0, 12], t: 1536036818784, q: 3 },
      { ev: "Q", sym: "MSFT", bx: 4, bp: 114.125, bs: 100, ax: 7, ap: 114.128, as: 160, c: 0, i: [604], t: 1536036818784, q: 50385480, z: 3 },
    ]);
    server.publishAggs("AAPL", 0, 1);
    await until(() => r.events.length === 3, "three events");
    expect(r.events).toEqual([
      { kind: "trade", trade: { symbol: "MSFT", time: 1536036818784, price: 114.125, size: 100 } },
      { kind: "quote", quote: { symbol: "MSFT", time: 1536036818784, bidPrice: 114.125, bidSize: 100, askPrice: 114.128, askSize: 160 } },
      { kind: "bar", symbol: "AAPL", bar: { time: START + 60_000, open: 190, high: 190.02, low: 190 - 0.05 - 0.02, close: 189.95, volume: 500 }, timeframe: { amount: 1, unit: "minute" } },
    ]);
  });

  it("after a drop mid-stream: reconnects, resubscribes, recovers missed aggregates from REST and drops repeats", async () => {
    const clock = new ManualClock(START + 9.5 * 60_000);
    const f = open(clock);
    const r = recorder();
    f.subscribe({ bars: ["AAPL"] }, r.listener);
    await until(() => server.paramsOf()?.has("AM.AAPL") === true, "the subscription");
    server.publishAggs("AAPL", 0, 4);
    await until(() => r.events.length === 4, "four bars");
    server.drop();
    await until(() => clock.pending > 0 && r.statuses.at(-1)?.state === "reconnecting", "the reconnect timer");
    clock.advance(clock.nextAt! - clock.now());
    await until(() => server.paramsOf()?.has("AM.AAPL") === true, "the resubscription");
    server.publishAggs("AAPL", 8, 12);
    await until(() => r.events.length === 12, "twelve bars");
    expect(r.events.map((e) => (e as { bar: { time: number } }).bar.time)).toEqual(Array.from({ length: 12 }, (_, i) => START + (i + 1) * 60_000));
  });

  it("bad key: auth_failed ends the feed with a clear error; malformed events are skipped and reported", async () => {
    const clock = new ManualClock(START);
    const r = recorder();
    open(clock, { apiKey: "wrong" }).subscribe({ trades: ["AAPL"] }, r.listener);
    await until(() => r.statuses.at(-1)?.state === "closed", "closed");
    expect(r.errors[0]).toBeInstanceOf(AuthError);
    expect(r.errors[0].message).toBe('Polygon stream: authentication failed: check the API key (NT_POLYGON_KEY) (server said: "authentication failed")');
    expect(clock.pending).toBe(0);
    feed!.close();
    await until(() => server.connections === 0, "closed connection");

    const g = open(new ManualClock(START));
    const s = recorder();
    g.subscribe({ trades: ["AAPL"] }, s.listener);
    await until(() => server.paramsOf()?.has("T.AAPL") === true, "the subscription");
    server.sendRaw("[{");
    server.sendRaw(JSON.stringify([{ ev: "T", sym: "AAPL", p: null, s: 1, t: 1 }, { ev: "T", sym: "AAPL", p: 10, s: 1, t: 2 }]));
    await until(() => s.events.length === 1 && s.errors.length === 2, "one trade, two errors");
    expect(s.errors.every((e) => e instanceof ProtocolError)).toBe(true);
    expect(s.errors[1].message).toBe('Polygon stream sent a malformed message, skipped: element 0 (ev="T"): p must be a number, got null');
  });
});
