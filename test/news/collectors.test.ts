// The news collectors against a local server speaking Alpaca's news API and
// serving RSS 2.0 and Atom documents: pagination, bad keys, 429s, malformed
// answers and feeds; symbol tagging and de-duplication across sources.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewsArticle } from "../../src/news/article.ts";
import { AlpacaNews } from "../../src/news/alpaca-news.ts";
import { dedupe } from "../../src/news/dedupe.ts";
import { fetchFeed, parseFeed, parseRfc822 } from "../../src/news/rss.ts";
import { SymbolTagger } from "../../src/news/symbols.ts";
import { AuthError, ProtocolError, RateLimitedError } from "../../src/net/errors.ts";
import { ManualClock } from "../../src/net/timers.ts";
import { outcome, until } from "../net/helpers.ts";
import { KEY, NewsServer, rawNews } from "../protocol-servers/news.ts";

const DAY0 = Date.UTC(2026, 0, 5, 13, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
let server: NewsServer;

beforeAll(async () => {
  server = await NewsServer.start();
  // 120 articles, one every 10 minutes; every third about MSFT as well as AAPL.
  for (let i = 0; i < 120; i++) {
    server.news.push(rawNews(1000 + i, iso(DAY0 + i * 600_000), `Headline number ${i}`, i % 3 === 0 ? ["AAPL", "MSFT"] : ["AAPL"], `<p>Summary &amp; more ${i}</p>`));
  }
});
afterAll(() => server.close());

const alpaca = (clock = new ManualClock(DAY0), credentials = KEY) =>
  new AlpacaNews({ credentials, restUrl: server.base, timers: clock, random: () => 0.5 });

describe("Alpaca news over REST", () => {
  it("reads every page in time order (50 a page, next_page_token), with the vendor's fields", async () => {
    server.requests.length = 0;
    const got = await alpaca().articles({ symbols: ["AAPL"], start: DAY0, end: DAY0 + 200 * 600_000 });
    expect(got).toHaveLength(120);
    expect(got.map((a) => a.time)).toEqual(Array.from({ length: 120 }, (_, i) => DAY0 + i * 600_000));
    expect(got[3]).toEqual({
      id: "1003", source: "alpaca:benzinga", headline: "Headline number 3", summary: "Summary & more 3", url: "https://www.benzinga.com/news/1003",
      author: "Benzinga Newsdesk", time: DAY0 + 3 * 600_000, updated: DAY0 + 3 * 600_000, symbols: ["AAPL", "MSFT"],
    });
    const pages = server.requests.filter((r) => r.path === "/v1beta1/news");
    expect(pages).toHaveLength(3);
    const first = new URLSearchParams(pages[0].query);
    expect(Object.fromEntries(first)).toEqual({ symbols: "AAPL", start: "2026-01-05T13:00:00.000Z", end: "2026-01-06T22:20:00.000Z", limit: "50", sort: "asc" });
    expect(new URLSearchParams(pages[1].query).get("page_token")).toBe(Buffer.from("50").toString("base64"));
  });

  it("filters by symbol and time on the server, and stops at maxArticles", async () => {
    const msft = await alpaca().articles({ symbols: ["MSFT"], start: DAY0 + 600_000 });
    expect(msft.map((a) => a.id)).toEqual(Array.from({ length: 39 }, (_, i) => String(1003 + 3 * i)));
    server.requests.length = 0;
    const few = await alpaca().articles({ symbols: ["AAPL"], maxArticles: 7 });
    expect(few.map((a) => a.id)).toEqual(["1000", "1001", "1002", "1003", "1004", "1005", "1006"]);
    expect(new URLSearchParams(server.requests[0].query).get("limit")).toBe("7");
  });

  it("refused keys are an AuthError naming the settings", async () => {
    const bad = alpaca(new ManualClock(DAY0), { keyId: "nope", secret: "nope" });
    const e = (await outcome(bad.articles({ symbols: ["AAPL"] }))).error;
    expect(e).toBeInstanceOf(AuthError);
    expect((e as Error).message).toBe("Alpaca news: GET /v1beta1/news answered HTTP 401: request is not authorized: check the key id and secret (NT_ALPACA_KEY_ID, NT_ALPACA_SECRET)");
  });

  it("waits out a 429 for as long as Retry-After says, on the injected clock; gives up on a wait too long", async () => {
    const clock = new ManualClock(DAY0);
    server.rateLimit(1, { "retry-after": "7" });
    const p = outcome(alpaca(clock).articles({ symbols: ["AAPL"], maxArticles: 2 }));
    await until(() => clock.pendingDelays.includes(7000), "the Retry-After wait");
    clock.advance(7000);
    expect((await p).value?.map((a) => a.id)).toEqual(["1000", "1001"]);
    server.rateLimit(1, { "retry-after": "3600" });
    const e = (await outcome(alpaca(clock).articles({ symbols: ["AAPL"] }))).error;
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as Error).message).toContain("rate limited (HTTP 429): rate limit exceeded (the service asks to wait 3600 s)");
  });

  it("a malformed article is a ProtocolError naming the page, the article and the field", async () => {
    server.news.push({ ...rawNews(5000, "2027-01-01T00:00:00Z", "x", ["ZZZ"]), created_at: "yesterday" });
    try {
      const e = (await outcome(alpaca().articles({ symbols: ["ZZZ"] }))).error;
      expect(e).toBeInstanceOf(ProtocolError);
      expect((e as Error).message).toBe('Alpaca news, page 1, article 1: created_at must be an RFC 3339 time, got "yesterday"');
    } finally {
      server.news.pop();
    }
    server.news.push({ ...rawNews(5001, "2027-01-01T00:00:00Z", "x", ["ZZZ"]), symbols: "ZZZ" });
    try {
      // The server cannot filter an article whose symbols are not a list; it sends it, and the client names the field.
      const e = (await outcome(alpaca().articles({ symbols: ["QQQ"], start: Date.UTC(2027, 0, 1) }))).error;
      expect((e as Error).message).toMatch(/^Alpaca news, page 1, article \d+: symbols must be an array of tickers, got "ZZZ"$/);
    } finally {
      server.news.pop();
    }
  });
});

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Markets Wire</title>
  <link>https://wire.example/</link>
  <atom:link href="https://wire.example/rss" rel="self" type="application/rss+xml"/>
  <item>
    <title>Apple beats estimates as iPhone sales jump</title>
    <link>https://wire.example/a1</link>
    <description><![CDATA[<p>Shares of <b>Apple</b> rose 4% &amp; more after hours.</p>]]></description>
    <pubDate>Mon, 05 Jan 2026 09:30:00 -0500</pubDate>
    <guid isPermaLink="false">wire-a1</guid>
    <dc:creator>Jane Roe</dc:creator>
  </item>
  <item>
    <title>$msft cuts 1,000 jobs; Pineapple growers unaffected</title>
    <link>https://wire.example/a2</link>
    <description>Microsoft &lt;i&gt;trims&lt;/i&gt; staff.</description>
    <pubDate>Tue, 6 Jan 2026 16:00 GMT</pubDate>
  </item>
  <item>
    <title>Undated story</title>
    <link>https://wire.example/a3</link>
  </item>
  <item>
    <title>Badly dated story</title>
    <pubDate>yesterday afternoon</pubDate>
  </item>
  <item>
    <description>No title at all</description>
    <pubDate>Tue, 06 Jan 2026 17:00:00 GMT</pubDate>
  </item>
</channel>
</rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Company Filings</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2026-01-06T18:30:02Z</updated>
  <entry>
    <title type="html">Tesla &lt;em&gt;misses&lt;/em&gt; delivery forecast</title>
    <link rel="alternate" href="https://filings.example/t1"/>
    <link rel="related" href="https://filings.example/t1/related"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <published>2026-01-06T14:05:00-05:00</published>
    <updated>2026-01-06T18:30:02Z</updated>
    <summary>Deliveries of TSLA fell short.</summary>
    <author><name>Filings Desk</name></author>
  </entry>
  <entry>
    <title>Apple files 10-Q</title>
    <link href="https://filings.example/a9"/>
    <id>tag:filings.example,2026:a9</id>
    <updated>2026-01-07T12:00:00Z</updated>
    <content type="html">&lt;p&gt;Quarterly report.&lt;/p&gt;</content>
  </entry>
</feed>`;

const tagger = new SymbolTagger({ symbols: ["AAPL", "MSFT", "TSLA"], aliases: { AAPL: ["Apple"], MSFT: ["Microsoft"] } });

describe("RSS 2.0 and Atom feeds", () => {
  it("reads an RSS 2.0 feed over HTTP: title, link, time, plain-text summary, author, tagged symbols; bad items skipped by name", async () => {
    server.documents.set("/markets.rss", { type: "application/rss+xml", text: RSS });
    const feed = await fetchFeed(`${server.base}/markets.rss`, { tagger });
    expect(feed.title).toBe("Markets Wire");
    expect(feed.articles).toEqual([
      {
        id: "wire-a1", source: "Markets Wire", headline: "Apple beats estimates as iPhone sales jump", summary: "Shares of Apple rose 4% & more after hours.",
        url: "https://wire.example/a1", author: "Jane Roe", time: Date.UTC(2026, 0, 5, 14, 30), symbols: ["AAPL"],
      },
      {
        id: "https://wire.example/a2", source: "Markets Wire", headline: "$msft cuts 1,000 jobs; Pineapple growers unaffected", summary: "Microsoft trims staff.",
        url: "https://wire.example/a2", time: Date.UTC(2026, 0, 6, 16, 0), symbols: ["MSFT"],
      },
    ]);
    expect(feed.skipped).toEqual([
      `feed ${server.base}/markets.rss: item 3: ("Undated story") has no <pubDate>`,
      `feed ${server.base}/markets.rss: item 4: ("Badly dated story"): <pubDate> is not an RFC 822 date: "yesterday afternoon"`,
      `feed ${server.base}/markets.rss: item 5: has no <title>`,
    ]);
  });

  it("reads an Atom feed: the alternate link, published before updated, html titles as text", () => {
    const feed = parseFeed(ATOM, "filings.atom", tagger);
    expect(feed.title).toBe("Company Filings");
    expect(feed.articles).toEqual([
      {
        id: "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", source: "Company Filings", headline: "Tesla misses delivery forecast", summary: "Deliveries of TSLA fell short.",
        url: "https://filings.example/t1", author: "Filings Desk", time: Date.UTC(2026, 0, 6, 19, 5), updated: Date.UTC(2026, 0, 6, 18, 30, 2), symbols: ["TSLA"],
      },
      {
        id: "tag:filings.example,2026:a9", source: "Company Filings", headline: "Apple files 10-Q", summary: "Quarterly report.",
        url: "https://filings.example/a9", time: Date.UTC(2026, 0, 7, 12), updated: Date.UTC(2026, 0, 7, 12), symbols: ["AAPL"],
      },
    ]);
    expect(feed.skipped).toEqual([]);
  });

  it("a malformed document is an error naming the source and where it breaks; so is a document that is not a feed", async () => {
    const broken = RSS.replace("<title>Undated story</title>", "<title>Undated story</titel>");
    expect(() => parseFeed(broken, "broken.rss")).toThrow(ProtocolError);
    expect(() => parseFeed(broken, "broken.rss")).toThrow(/^feed broken\.rss: not well-formed XML at line 22, column \d+: .*'title'/);
    expect(() => parseFeed("<html><body>Service unavailable</body></html>", "x.rss")).toThrow("feed x.rss: neither RSS 2.0 (<rss>) nor Atom (<feed>): the root element is <html>");
    expect(() => parseFeed("<rss version=\"2.0\"><item/></rss>", "y.rss")).toThrow("feed y.rss: <rss> has no <channel>");
    server.documents.set("/broken.rss", { type: "application/rss+xml", text: broken });
    await expect(fetchFeed(`${server.base}/broken.rss`)).rejects.toThrow(`feed ${server.base}/broken.rss: not well-formed XML at line 22`);
    server.documents.set("/json", { type: "application/json", text: "{\"items\": []}" });
    await expect(fetchFeed(`${server.base}/json`)).rejects.toThrow(`feed ${server.base}/json: expected an RSS or Atom document, got JSON`);
    await expect(fetchFeed(`${server.base}/missing.rss`, { retry: { retries: 0, baseMs: 1, maxMs: 1, maxServerWaitMs: 0 } })).rejects.toThrow("answered HTTP 404");
  });

  it("reads RFC 822 dates with every zone form, and refuses what is not one", () => {
    expect(parseRfc822("Mon, 05 Jan 2026 14:30:00 GMT")).toBe(Date.UTC(2026, 0, 5, 14, 30));
    expect(parseRfc822("5 Jan 2026 09:30 EST")).toBe(Date.UTC(2026, 0, 5, 14, 30));
    expect(parseRfc822("Sun, 05 Jul 2026 10:30:15 PDT")).toBe(Date.UTC(2026, 6, 5, 17, 30, 15));
    expect(parseRfc822("Mon, 05 Jan 26 20:00:00 +0530")).toBe(Date.UTC(2026, 0, 5, 14, 30));
    expect(parseRfc822("Fri, 31 Dec 99 23:59:59 Z")).toBe(Date.UTC(1999, 11, 31, 23, 59, 59));
    for (const bad of ["2026-01-05T14:30:00Z", "31 Feb 2026 10:00 GMT", "05 Foo 2026 10:00 GMT", "05 Jan 2026 25:00 GMT", "05 Jan 2026 10:00 XYZ", ""]) {
      expect(parseRfc822(bad), bad).toBeNaN();
    }
  });
});

describe("symbol tagging", () => {
  it("finds cashtags in any case, tickers in capitals as words, aliases as written", () => {
    expect(tagger.tag("$aapl and $MSFT")).toEqual(["AAPL", "MSFT"]);
    expect(tagger.tag("TSLA: deliveries")).toEqual(["TSLA"]);
    expect(tagger.tag("tsla in lower case is not a ticker")).toEqual([]);
    expect(tagger.tag("Apple's results; Pineapple prices; APPLE shouting")).toEqual(["AAPL"]);
    expect(tagger.tag("pineapple and apple")).toEqual([]);
    expect(tagger.tag("MSFTX is another fund")).toEqual([]);
    const one = new SymbolTagger({ symbols: ["F", "BRK.B"], aliases: { F: ["Ford Motor", "Ford"] } });
    expect(one.tag("A deal for F? Ford Motor says no")).toEqual(["F"]);
    expect(one.tag("A is an article, not Agilent; F alone is no tag")).toEqual([]);
    expect(one.tag("$f and BRK.B")).toEqual(["F", "BRK.B"]);
  });

  it("names a bad ticker or an alias for a symbol not listed", () => {
    expect(() => new SymbolTagger({ symbols: ["aapl"] })).toThrow('symbols: "aapl" is not a ticker');
    expect(() => new SymbolTagger({ symbols: ["AAPL"], aliases: { MSFT: ["Microsoft"] } })).toThrow("aliases.MSFT: MSFT is not among the symbols to tag (AAPL)");
    expect(() => new SymbolTagger({ symbols: ["AAPL"], aliases: { AAPL: [" "] } })).toThrow("aliases.AAPL[0] must be a name");
  });
});

describe("de-duplication across sources", () => {
  const article = (over: Partial<NewsArticle>): NewsArticle => ({ id: "x", source: "s", headline: "h", summary: "", time: DAY0, symbols: [], ...over });

  it("one story per id, link or normalized headline within the window; the earliest kept, symbols merged", () => {
    const got = dedupe([
      article({ id: "1", source: "alpaca:benzinga", headline: "Apple Beats Estimates!", time: DAY0 + 60_000, symbols: ["AAPL"] }),
      article({ id: "wire-a1", source: "Markets Wire", headline: "apple beats estimates", time: DAY0, symbols: [] }),
      article({ id: "wire-a1", source: "Markets Wire", headline: "Apple beats estimates (updated)", time: DAY0 + 120_000, symbols: ["MSFT"] }),
      article({ id: "2", source: "other", headline: "Different words", url: "https://x/1", time: DAY0 + 1 }),
      article({ id: "3", source: "third", headline: "Other words again", url: "https://x/1", time: DAY0 + 2, symbols: ["TSLA"] }),
      // The same headline three days on is a new story.
      article({ id: "9", source: "alpaca:benzinga", headline: "Apple beats estimates", time: DAY0 + 3 * 86_400_000 }),
      // The same id from another source is another story.
      article({ id: "1", source: "Markets Wire", headline: "Unrelated", time: DAY0 + 5 }),
    ]);
    expect(got.map((a) => [a.id, a.source, a.time, a.symbols])).toEqual([
      ["wire-a1", "Markets Wire", DAY0, ["AAPL", "MSFT"]],
      ["2", "other", DAY0 + 1, ["TSLA"]],
      ["1", "Markets Wire", DAY0 + 5, []],
      ["9", "alpaca:benzinga", DAY0 + 3 * 86_400_000, []],
    ]);
  });

  it("collected from both collectors, the same story appears once", async () => {
    server.news.push(rawNews(7000, "2026-01-05T14:30:00Z", "Apple beats estimates as iPhone sales jump", ["AAPL"]));
    try {
      const fromAlpaca = await alpaca().articles({ symbols: ["AAPL"], start: Date.UTC(2026, 0, 5, 14, 29), end: Date.UTC(2026, 0, 5, 14, 31) });
      const fromFeed = (await fetchFeed(`${server.base}/markets.rss`, { tagger })).articles;
      expect(fromAlpaca.map((a) => a.id)).toEqual(["1009", "7000"]);
      const all = dedupe([...fromAlpaca, ...fromFeed]);
      expect(all.map((a) => a.headline)).toEqual(["Headline number 9", "Apple beats estimates as iPhone sales jump", "$msft cuts 1,000 jobs; Pineapple growers unaffected"]);
    } finally {
      server.news.pop();
    }
  });
});
