// The Alpaca market-data client against the local Alpaca-protocol server:
// REST bars with pagination, the latest quote, the stream's handshake,
// data, error codes, malformed messages and a disconnect mid-stream.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { AlpacaMarketData } from "../../src/feeds/alpaca-data.ts";
import type { FeedStatus, MarketEvent } from "../../src/feeds/market-data.ts";
import { parseTimeframe } from "../../src/feeds/timeframe.ts";
import { AuthError, ProtocolError, RateLimitedError, StreamError } from "../../src/net/errors.ts";
import { ManualClock } from "../../src/net/timers.ts";
import { AlpacaServer, KEY, minuteBars } from "../protocol-servers/alpaca.ts";
import { outcome, until } from "../net/helpers.ts";

const START = Date.UTC(2026, 0, 5, 14, 30);
let server: AlpacaServer;
let feed: AlpacaMarketData | undefined;

beforeAll(async () => {
  server = await AlpacaServer.start();
  server.bars.set("AAPL", minuteBars(START, 250, 190));
  server.bars.set("MSFT", minuteBars(START, 30, 420));
  server.quotes.set("AAPL", { t: "2026-01-05T15:00:01.123456789Z", ax: "V", ap: 190.12, as: 3, bx: "V", bp: 190.1, bs: 2, c: ["R"], z: "C" });
});
afterAll(() => server.close());
afterEach(async () => {
  feed?.close();
  feed = undefined;
  // Each test starts with no client of an earlier one still connected.
  await until(() => server.connections === 0, "earlier connections to close");
});

function open(clock: ManualClock, extra: Partial<ConstructorParameters<typeof AlpacaMarketData>[0]> = {}): AlpacaMarketData {
  feed = new AlpacaMarketData({
    credentials: KEY, restUrl: server.restUrl, streamUrl: server.dataStreamUrl, WebSocket, timers: clock, random: () => 0.5, ...extra,
  });
  return feed;
}

function recorder() {
  const events: MarketEvent[] = [];
  const errors: Error[] = [];
  const statuses: FeedStatus[] = [];
  return { events, errors, statuses, listener: { onEvent: (e: MarketEvent) => events.push(e), onError: (e: Error) => errors.push(e), onStatus: (s: FeedStatus) => statuses.push(s) } };
}

const barTimes = (events: MarketEvent[]) => events.filter((e) => e.kind === "bar").map((e) => (e as { bar: { time: number } }).bar.time);

describe("Alpaca market data over REST", () => {
  it("reads every page of historical bars (next_page_token), stamping each bar with its close", async () => {
    server.requests.length = 0;
    const bars = await open(new ManualClock(START)).historicalBars({
      symbol: "AAPL", timeframe: parseTimeframe("1Min"), start: START, end: START + 249 * 60_000, pageSize: 100,
    });
    expect(bars.time.length).toBe(250);
    expect(bars.time[0]).toBe(START + 60_000);
    expect(bars.time[249]).toBe(START + 250 * 60_000);
    expect(bars.open[0]).toBe(server.bars.get("AAPL")![0].o);
    const pages = server.requests.filter((r) => r.path === "/v2/stocks/AAPL/bars");
    expect(pages).toHaveLength(3);
    expect(pages[0].query).toContain("timeframe=1Min");
    expect(pages[0].query).not.toContain("page_token");
    expect(pages[1].query).toContain("page_token=");
  });

  it("waits out a 429 with Retry-After on the injected clock, then reads the latest quote", async () => {
    const clock = new ManualClock(START);
    server.rateLimit(1, { "retry-after": "3" });
    const p = outcome(open(clock).latestQuote("AAPL"));
    await until(() => clock.pendingDelays.includes(3000), "the Retry-After wait");
    clock.advance(3000);
    expect((await p).value).toEqual({ symbol: "AAPL", time: Date.parse("2026-01-05T15:00:01.123Z"), bidPrice: 190.1, bidSize: 2, askPrice: 190.12, askSize: 3 });
  });

  it("says clearly what failed: bad keys, a vendor error, exhausted 429s", async () => {
    const bad = new AlpacaMarketData({ credentials: { keyId: "nope", secret: "nope" }, restUrl: server.restUrl, streamUrl: server.dataStreamUrl });
    await expect(bad.latestQuote("AAPL")).rejects.toThrow("Alpaca market data: GET /v2/stocks/AAPL/quotes/latest answered HTTP 401: request is not authorized");
    const f = open(new ManualClock(START));
    await expect(f.historicalBars({ symbol: "AAPL", timeframe: parseTimeframe("5Min"), start: START, end: START + 1 })).rejects.toThrow(
      "answered HTTP 422: invalid timeframe (this server serves 1Min), got 5Min",
    );
    await expect(f.historicalBars({ symbol: "AAPL", timeframe: parseTimeframe("30s"), start: START, end: START + 1 })).rejects.toThrow("Alpaca has no second bars");
    server.rateLimit(1, { "retry-after": "3600" });
    await expect(f.latestQuote("AAPL")).rejects.toThrow(RateLimitedError);
  });
});

describe("Alpaca market data stream", () => {
  it("connects, authenticates, subscribes and delivers trades, quotes and bars from batched messages", async () => {
    const clock = new ManualClock(START);
    const f = open(clock);
    const r = recorder();
    f.subscribe({ trades: ["AAPL"], quotes: ["AAPL"], bars: ["AAPL", "MSFT"] }, r.listener);
    await until(() => server.subscriptionsOf()?.bars.has("MSFT") === true, "the subscription");
    expect(server.dataReceived.slice(-2)).toEqual([
      { action: "auth", key: KEY.keyId, secret: KEY.secret },
      { action: "subscribe", trades: ["AAPL"], quotes: ["AAPL"], bars: ["AAPL", "MSFT"] },
    ]);
    server.publish([
      { T: "t", i: 96921, S: "AAPL", x: "D", p: 126.55, s: 1, t: "2021-02-22T15:51:44.208Z", c: ["@", "I"], z: "C" },
      { T: "q", S: "AAPL", bx: "U", bp: 87.66, bs: 1, ax: "Q", ap: 87.68, as: 4, t: "2021-02-22T15:51:45.335689322Z", c: ["R"], z: "C" },
      { T: "b", S: "MSFT", o: 388.985, h: 389.13, l: 388.975, c: 389.12, v: 49378, t: "2021-02-22T19:15:00Z", n: 461, vw: 389.062639 },
      { T: "t", i: 1, S: "TSLA", x: "D", p: 1, s: 1, t: "2021-02-22T15:51:44.208Z" }, // not subscribed: the server filters it
    ]);
    await until(() => r.events.length === 3, "three events");
    expect(r.events).toEqual([
      { kind: "trade", trade: { symbol: "AAPL", time: Date.parse("2021-02-22T15:51:44.208Z"), price: 126.55, size: 1 } },
      { kind: "quote", quote: { symbol: "AAPL", time: Date.parse("2021-02-22T15:51:45.335Z"), bidPrice: 87.66, bidSize: 1, askPrice: 87.68, askSize: 4 } },
      { kind: "bar", symbol: "MSFT", bar: { time: Date.parse("2021-02-22T19:16:00Z"), open: 388.985, high: 389.13, low: 388.975, close: 389.12, volume: 49378 }, timeframe: { amount: 1, unit: "minute" } },
    ]);
    expect(r.statuses).toEqual([{ state: "connecting" }, { state: "live" }]);
  });

  it("reconnects after a drop mid-stream, resubscribes, and delivers every bar once: missed ones from REST, repeats dropped", async () => {
    // The clock reads 9.5 minutes in: REST history holds the bars of minutes 0-9.
    const clock = new ManualClock(START + 9.5 * 60_000);
    const f = open(clock);
    const r = recorder();
    const off = f.subscribe({ bars: ["AAPL"], trades: ["MSFT"] }, r.listener);
    await until(() => server.subscriptionsOf()?.bars.has("AAPL") === true, "the subscription");
    server.publishBars("AAPL", 0, 5); // minutes 0-4
    await until(() => r.events.length === 5, "five bars");
    server.dropDataClients();
    await until(() => clock.pending > 0 && r.statuses.at(-1)?.state === "reconnecting", "the reconnect timer");
    expect(r.statuses.at(-1)).toMatchObject({ state: "reconnecting", retryInMs: 375 });
    // Minutes 5-9 happen while we are away; on reconnect the server resends minute 9 and goes on.
    clock.advance(375);
    await until(() => server.subscriptionsOf()?.bars.has("AAPL") === true, "the resubscription");
    expect(server.subscriptionsOf()).toEqual({ trades: new Set(["MSFT"]), quotes: new Set(), bars: new Set(["AAPL"]) });
    server.publishBars("AAPL", 9, 14);
    await until(() => barTimes(r.events).length === 14, "fourteen bars");
    expect(barTimes(r.events)).toEqual(Array.from({ length: 14 }, (_, i) => START + (i + 1) * 60_000));
    const backfill = server.requests.filter((q) => q.path === "/v2/stocks/AAPL/bars").at(-1)!;
    expect(decodeURIComponent(backfill.query)).toContain(`start=${new Date(START + 5 * 60_000).toISOString()}`);
    expect(r.statuses.map((s) => s.state)).toEqual(["connecting", "live", "reconnecting", "live"]);
    off();
    await until(() => server.subscriptionsOf()?.bars.size === 0, "the unsubscription");
    expect(server.dataReceived.at(-1)).toEqual({ action: "unsubscribe", trades: ["MSFT"], bars: ["AAPL"] });
  });

  it("stops for good on bad credentials (402), naming the settings to check", async () => {
    const clock = new ManualClock(START);
    const f = open(clock, { credentials: { keyId: "wrong", secret: "wrong" } });
    const r = recorder();
    f.subscribe({ trades: ["AAPL"] }, r.listener);
    await until(() => r.statuses.at(-1)?.state === "closed", "the feed to close");
    expect(r.errors[0]).toBeInstanceOf(AuthError);
    expect(r.errors[0].message).toBe(
      'Alpaca market data stream error 402: authentication failed: check the key id and secret (NT_ALPACA_KEY_ID, NT_ALPACA_SECRET) (server said: "auth failed")',
    );
    expect(clock.pending).toBe(0); // no reconnect scheduled
  });

  it("reports malformed messages and keeps the connection: later data still arrives", async () => {
    const clock = new ManualClock(START);
    const f = open(clock);
    const r = recorder();
    f.subscribe({ trades: ["AAPL"] }, r.listener);
    await until(() => server.subscriptionsOf()?.trades.has("AAPL") === true, "the subscription");
    server.sendRawData("this is not json");
    server.sendRawData('{"T":"t"}');
    server.sendRawData(JSON.stringify([
      { T: "t", S: "AAPL", p: "126.55", s: 1, t: "2021-02-22T15:51:44.208Z" },
      { T: "t", S: "AAPL", p: 1, s: 1, t: "yesterday" },
      42,
      { T: "t", S: "AAPL", p: 127, s: 2, t: "2021-02-22T15:51:44Z" },
    ]));
    await until(() => r.events.length === 1 && r.errors.length === 5, "one trade and five errors");
    expect(r.errors.every((e) => e instanceof ProtocolError)).toBe(true);
    expect(r.errors.map((e) => e.message.replace("Alpaca market data stream sent a malformed message, skipped: ", ""))).toEqual([
      'not JSON: "this is not json"',
      "expected a JSON array of messages, got an object",
      'element 0 (T="t"): p must be a number, got "126.55"',
      'element 1 (T="t"): t is not a timestamp: "yesterday"',
      "element 2 is 42, not an object",
    ]);
    expect(r.events[0]).toEqual({ kind: "trade", trade: { symbol: "AAPL", time: Date.parse("2021-02-22T15:51:44Z"), price: 127, size: 2 } });
    expect(f.counts).toEqual({ data: 1, malformed: 5 });
    expect(server.authenticatedDataClients).toBe(1);
  });

  it("maps the server's error codes: 406 and 500 reconnect after a backoff, 405 is reported with the connection kept", async () => {
    const clock = new ManualClock(START);
    const f = open(clock);
    const r = recorder();
    f.subscribe({ quotes: ["AAPL"] }, r.listener);
    await until(() => server.authenticatedDataClients === 1 && r.statuses.at(-1)?.state === "live", "live");
    server.sendRawData(JSON.stringify([{ T: "error", code: 405, msg: "symbol limit exceeded" }]));
    await until(() => r.errors.length === 1, "the 405");
    expect(r.errors[0]).toMatchObject({ streamCode: 405, transient: false });
    expect(r.errors[0].message).toContain("symbol limit exceeded: the subscription has more symbols than the plan allows");
    server.sendRawData(JSON.stringify([{ T: "error", code: 500, msg: "internal error" }]));
    await until(() => r.statuses.at(-1)?.state === "reconnecting", "the reconnect");
    expect(r.errors[1]).toBeInstanceOf(StreamError);
    expect(r.errors[1]).toMatchObject({ streamCode: 500, transient: true });
    clock.advance(clock.nextAt! - clock.now());
    await until(() => r.statuses.at(-1)?.state === "live" && server.subscriptionsOf()?.quotes.has("AAPL") === true, "live and resubscribed");
    expect(server.authenticatedDataClients).toBe(1);
  });

  it("a second connection refused with 406 keeps retrying with growing backoff until the first goes away", async () => {
    server.connectionLimit = true;
    try {
      const first = open(new ManualClock(START));
      first.subscribe({ trades: ["AAPL"] }, recorder().listener);
      await until(() => server.authenticatedDataClients === 1, "the first connection");
      const clock = new ManualClock(START);
      const second = new AlpacaMarketData({ credentials: KEY, restUrl: server.restUrl, streamUrl: server.dataStreamUrl, WebSocket, timers: clock, random: () => 0.5 });
      const r = recorder();
      second.subscribe({ trades: ["AAPL"] }, r.listener);
      await until(() => r.errors.length === 1 && clock.pending > 0, "the 406");
      expect(r.errors[0].message).toContain("connection limit exceeded: another connection is already using this key");
      const delays: number[] = [];
      for (let i = 0; i < 2; i++) {
        await until(() => clock.pending > 0 && r.statuses.at(-1)?.state === "reconnecting", "reconnecting");
        delays.push((r.statuses.at(-1) as { retryInMs: number }).retryInMs);
        const before = r.errors.length;
        clock.advance(clock.nextAt! - clock.now());
        if (i === 0) await until(() => r.errors.length > before, "another 406");
      }
      expect(delays[1]).toBeGreaterThan(delays[0]);
      first.close();
      feed = second;
      await until(() => r.statuses.at(-1)?.state === "live", "the second connection to get in");
    } finally {
      server.connectionLimit = false;
    }
  });
});
