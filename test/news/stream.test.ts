// Alpaca's real-time news stream against the local news server: handshake,
// articles, malformed elements, bad keys, and a drop mid-stream with the
// articles published meanwhile read back from REST, each delivered once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import type { NewsArticle } from "../../src/news/article.ts";
import { AlpacaNewsStream, type NewsStreamStatus } from "../../src/news/alpaca-news-stream.ts";
import { AuthError, ProtocolError } from "../../src/net/errors.ts";
import { ManualClock } from "../../src/net/timers.ts";
import type { WebSocketConstructor } from "../../src/net/websocket.ts";
import { until } from "../net/helpers.ts";
import { KEY, NewsServer, rawNews } from "../protocol-servers/news.ts";

const T0 = Date.UTC(2026, 0, 5, 14, 30);
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
let server: NewsServer;
let stream: AlpacaNewsStream | undefined;

beforeAll(async () => void (server = await NewsServer.start()));
afterAll(() => server.close());
afterEach(async () => {
  stream?.close();
  stream = undefined;
  await until(() => server.streamConnections === 0, "earlier connections to close");
});

function open(clock: ManualClock, symbols: string[], credentials = KEY, restUrl: string | undefined = server.base) {
  const articles: NewsArticle[] = [];
  const errors: Error[] = [];
  const fatal: boolean[] = [];
  const statuses: NewsStreamStatus[] = [];
  stream = new AlpacaNewsStream({ credentials, streamUrl: server.streamUrl, restUrl, WebSocket: WebSocket as unknown as WebSocketConstructor, timers: clock, random: () => 0.5 }, symbols);
  stream.start({ onArticle: (a) => articles.push(a), onError: (e, f) => void (errors.push(e), fatal.push(f)), onStatus: (s) => statuses.push(s) });
  return { articles, errors, fatal, statuses };
}

describe("Alpaca news stream", () => {
  it("connects, authenticates, subscribes and delivers the articles about its symbols", async () => {
    const r = open(new ManualClock(T0), ["AAPL"]);
    await until(() => server.subscribedClients === 1, "the subscription");
    expect(server.received.slice(-2)).toEqual([{ action: "auth", key: KEY.keyId, secret: KEY.secret }, { action: "subscribe", news: ["AAPL"] }]);
    server.publish([rawNews(1, iso(T0), "Apple beats estimates", ["AAPL"], "<p>Shares rise.</p>"), rawNews(2, iso(T0 + 1000), "Tesla recalls cars", ["TSLA"])]);
    await until(() => r.articles.length === 1, "one article");
    expect(r.articles[0]).toEqual({
      id: "1", source: "alpaca:benzinga", headline: "Apple beats estimates", summary: "Shares rise.", url: "https://www.benzinga.com/news/1",
      author: "Benzinga Newsdesk", time: T0, updated: T0, symbols: ["AAPL"],
    });
    expect(r.statuses).toEqual([{ state: "connecting" }, { state: "live" }]);
  });

  it("reports a malformed message or element and keeps reading", async () => {
    const r = open(new ManualClock(T0), ["*"]);
    await until(() => server.subscribedClients === 1, "the subscription");
    server.sendRaw("not json");
    server.sendRaw(JSON.stringify([{ T: "n", id: 3, headline: "x", created_at: "soon", symbols: [] }, { T: "n", ...rawNews(4, iso(T0), "Fine", []) }]));
    await until(() => r.articles.length === 1 && r.errors.length === 2, "an article and two errors");
    expect(r.errors.every((e) => e instanceof ProtocolError)).toBe(true);
    expect(r.fatal).toEqual([false, false]);
    expect(r.errors.map((e) => e.message)).toEqual([
      'Alpaca news stream sent a malformed message, skipped: not JSON: "not json"',
      'Alpaca news stream, element 0: created_at must be an RFC 3339 time, got "soon"',
    ]);
    expect(r.articles[0].id).toBe("4");
  });

  it("ends on bad keys with an AuthError naming the settings, and no reconnect", async () => {
    const clock = new ManualClock(T0);
    const r = open(clock, ["*"], { keyId: "wrong", secret: "wrong" });
    await until(() => r.statuses.at(-1)?.state === "closed", "the stream to close");
    expect(r.errors[0]).toBeInstanceOf(AuthError);
    expect(r.fatal).toEqual([true]);
    expect(r.errors[0].message).toBe('Alpaca news stream error 402: authentication failed: check the key id and secret (NT_ALPACA_KEY_ID, NT_ALPACA_SECRET) (server said: "auth failed")');
    expect(clock.pending).toBe(0);
  });

  it("after a drop it reconnects, resubscribes, and reads what it missed from REST, each article once", async () => {
    const clock = new ManualClock(T0);
    const r = open(clock, ["MSFT"]);
    await until(() => server.subscribedClients === 1, "the subscription");
    server.publish([rawNews(10, iso(T0), "Microsoft one", ["MSFT"])]);
    await until(() => r.articles.length === 1, "the first article");
    server.dropStreamClients();
    await until(() => r.statuses.at(-1)?.state === "reconnecting" && clock.pending > 0, "the reconnect timer");
    // Published while away: into the archive only.
    server.news.push(rawNews(11, iso(T0 + 60_000), "Microsoft two", ["MSFT"]), rawNews(12, iso(T0 + 120_000), "Microsoft three", ["MSFT"]));
    clock.advance(clock.nextAt! - clock.now());
    await until(() => r.articles.length === 3, "the missed articles");
    server.publish([rawNews(13, iso(T0 + 180_000), "Microsoft four", ["MSFT"])]);
    await until(() => r.articles.length === 4, "the next live article");
    expect(r.articles.map((a) => a.id)).toEqual(["10", "11", "12", "13"]);
    const recovery = server.requests.filter((q) => q.path === "/v1beta1/news").at(-1)!;
    expect(new URLSearchParams(recovery.query).get("start")).toBe(new Date(T0).toISOString());
    expect(r.statuses.map((s) => s.state)).toEqual(["connecting", "live", "reconnecting", "live"]);
  });
});
