// nt news score and nt news fetch (against the local news server), and
// nt backtest --strategy neural-sentiment --news FILE on the bundled data.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNewsText, scoredArticles } from "../../src/news/news-file.ts";
import { TABLE, tinyClassifier, VOCAB } from "../news/tiny-classifier.ts";
import { KEY, NewsServer, rawNews } from "../protocol-servers/news.ts";
import { nt } from "./capture.ts";

let server: NewsServer;
let dir: string;
beforeAll(async () => {
  server = await NewsServer.start();
  server.news.push(
    rawNews(1, "2026-01-05T14:30:00Z", "Northwind beats estimates, raises outlook", ["NWND"]),
    rawNews(2, "2026-01-06T14:30:00Z", "Northwind faces fraud probe", ["NWND"]),
    rawNews(3, "2026-01-07T14:30:00Z", "Globex names new CFO", ["GLBX"]),
  );
  server.documents.set("/wire.rss", {
    type: "application/rss+xml",
    text: `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
      <item><title>Northwind beats estimates, raises outlook</title><link>https://w/1</link><pubDate>Mon, 05 Jan 2026 15:00:00 GMT</pubDate></item>
      <item><title>Globex shares slump as $GLBX misses</title><link>https://w/2</link><pubDate>Tue, 06 Jan 2026 15:00:00 GMT</pubDate></item>
      <item><title>No date here</title></item>
    </channel></rss>`,
  });
  server.documents.set("/filings.atom", {
    type: "application/atom+xml",
    text: `<feed xmlns="http://www.w3.org/2005/Atom"><title>Filings</title>
      <entry><title>North Wind Traders cuts dividend</title><id>f1</id><updated>2026-01-08T12:00:00Z</updated><link href="https://f/1"/></entry></feed>`,
  });
  dir = mkdtempSync(join(tmpdir(), "nt-news-"));
  writeFileSync(join(dir, "nt.toml"), `[alpaca]\nkey_id = "${KEY.keyId}"\nsecret = "${KEY.secret}"\ndata_url = "${server.base}"\n`);
  writeFileSync(join(dir, "bad.toml"), `[alpaca]\nkey_id = "PKWRONG000000000"\nsecret = "wrong-secret-0123456789"\ndata_url = "${server.base}"\n`);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("nt news score", () => {
  it("scores each headline and, with a label column, reports the accuracy and the confusion matrix", async () => {
    const r = await nt("news", "score", "test/fixtures/headlines-holdout.csv", "--json");
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out);
    expect(body.articles).toHaveLength(123);
    expect(body.accuracy).toEqual({
      n: 123, right: 105, accuracy: 105 / 123,
      matrix: { positive: { positive: 31, neutral: 7, negative: 1 }, neutral: { positive: 3, neutral: 32, negative: 0 }, negative: { positive: 1, neutral: 6, negative: 42 } },
    });
    const text = await nt("news", "score", "test/fixtures/headlines-holdout.csv");
    expect(text.out).toContain("accuracy against the label column: 105 of 123 (85.4%)");
    expect(text.out).toContain("negative                1        6       42");
  });

  it("prints score, label and headline for a news file without labels", async () => {
    const r = await nt("news", "score", "data/sp500-news.csv");
    expect(r.code).toBe(0);
    expect(r.out.split("\n").slice(0, 3)).toEqual([
      "+0.50  positive  Nasdaq closes at record above 5000",
      "-0.67  negative  Stocks plunge as Nasdaq suffers worst week ever",
      "+0.71  positive  Fed cuts rates in surprise move, stocks soar",
    ]);
    const json = JSON.parse((await nt("news", "score", "data/sp500-news.csv", "--json")).out);
    expect(json.articles[2]).toMatchObject({ time: "2001-01-03T19:00:00.000Z", score: 2.5 / 3.5, label: "positive" });
    // "surprise" intensifies the rate cut two words before it; the comma keeps it from "stocks soar".
    expect(json.articles[2].hits).toEqual([{ words: "cuts rates", value: 1.5 }, { words: "stocks soar", value: 1 }]);
    expect(json.accuracy).toBeUndefined();
  });

  it("with --model and --vocab, scores with the user's ONNX classifier instead of the word list", async () => {
    writeFileSync(join(dir, "tiny.onnx"), tinyClassifier(TABLE));
    writeFileSync(join(dir, "vocab.txt"), VOCAB);
    writeFileSync(join(dir, "heads.csv"), "headline,label\nProfit beats,positive\nMisses,negative\n");
    const r = await nt("news", "score", join(dir, "heads.csv"), "--model", join(dir, "tiny.onnx"), "--vocab", join(dir, "vocab.txt"), "--json");
    expect(r.err).toBe("");
    const body = JSON.parse(r.out);
    // As worked out in test/news/onnx-sentiment.test.ts: logits [2.5, 0, 0] and [0, 2, 0.5].
    const p = Math.exp(2.5) / (Math.exp(2.5) + 2);
    expect(body.articles[0].score).toBeCloseTo(p - (1 - p) / 2, 6);
    expect(body.articles[1].score).toBeCloseTo((1 - Math.exp(2)) / (1 + Math.exp(2) + Math.exp(0.5)), 6);
    expect(body.articles[0].hits).toBeUndefined();
    expect(body.articles[0].probabilities).toHaveLength(3);
    expect(body.accuracy.right).toBe(2);
    expect((await nt("news", "score", join(dir, "heads.csv"), "--model", join(dir, "tiny.onnx"))).err).toContain("--model needs --vocab: the model's vocab.txt");
    const junk = await nt("news", "score", join(dir, "heads.csv"), "--model", join(dir, "heads.csv"), "--vocab", join(dir, "vocab.txt"));
    expect(junk.code).toBe(1);
    expect(junk.err).toMatch(/^nt news: .*heads\.csv: onnxruntime-web cannot load it as an ONNX model/);
  }, 60_000);

  it("usage errors exit 2, a bad file 1 with the row named", async () => {
    expect((await nt("news")).code).toBe(2);
    expect((await nt("news", "score")).err).toContain("nt news score takes one FILE");
    expect((await nt("news", "rate", "x")).err).toContain('unknown action "rate"; expected score, fetch or stream');
    writeFileSync(join(dir, "bad.csv"), "headline,score\nfine,0.5\nbad,2\n");
    const bad = await nt("news", "score", join(dir, "bad.csv"));
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(`nt news: ${join(dir, "bad.csv")}, row 2: score must be a number from -1 to 1, got 2\n`);
  });
});

describe("nt news fetch", () => {
  it("collects Alpaca news with the configured keys into a news file nt backtest reads", async () => {
    const out = join(dir, "alpaca.json");
    const r = await nt("news", "fetch", "--source", "alpaca", "--symbols", "NWND", "--from", "2026-01-01", "--to", "2026-01-31", "--config", join(dir, "nt.toml"), "--out", out);
    expect(r.err).toBe("");
    expect(r.out).toBe(`2 articles written to ${out}\n`);
    const file = JSON.parse(readFileSync(out, "utf8"));
    expect(file.map((a: { headline: string; score: number; time: string }) => [a.headline, a.time, a.score])).toEqual([
      ["Northwind beats estimates, raises outlook", "2026-01-05T14:30:00.000Z", 2 / 3],
      ["Northwind faces fraud probe", "2026-01-06T14:30:00.000Z", -2 / 3],
    ]);
    // The file reads back as a backtest's news, scores as written.
    expect(scoredArticles(parseNewsText(readFileSync(out, "utf8"), "alpaca.json")).map((a) => a.score)).toEqual([2 / 3, -2 / 3]);
    const query = new URLSearchParams(server.requests.filter((q) => q.path === "/v1beta1/news").at(-1)!.query);
    expect([query.get("symbols"), query.get("start"), query.get("end")]).toEqual(["NWND", "2026-01-01T00:00:00.000Z", "2026-01-31T00:00:00.000Z"]);
  });

  it("refused keys exit 1 with the settings to check", async () => {
    const r = await nt("news", "fetch", "--source", "alpaca", "--symbols", "NWND", "--config", join(dir, "bad.toml"));
    expect(r.code).toBe(1);
    expect(r.err).toBe("nt news: Alpaca news: GET /v1beta1/news answered HTTP 401: request is not authorized: check the key id and secret (NT_ALPACA_KEY_ID, NT_ALPACA_SECRET)\n");
  });

  it("collects RSS and Atom feeds, tags symbols by cashtag, ticker and alias, keeps one copy of a story, warns of skipped items", async () => {
    const r = await nt("news", "fetch", "--source", "rss", `${server.base}/wire.rss`, `${server.base}/filings.atom`, "--symbols", "NWND,GLBX", "--alias", "NWND=Northwind", "--alias", "NWND=North Wind Traders");
    expect(r.code).toBe(0);
    expect(r.err).toBe(`nt news: warning: feed ${server.base}/wire.rss: item 3: ("No date here") has no <pubDate>; skipped\n`);
    const file = JSON.parse(r.out);
    expect(file.map((a: { headline: string; symbols: string[]; source: string }) => [a.source, a.headline, a.symbols])).toEqual([
      ["Wire", "Northwind beats estimates, raises outlook", ["NWND"]],
      ["Wire", "Globex shares slump as $GLBX misses", ["GLBX"]],
      ["Filings", "North Wind Traders cuts dividend", ["NWND"]],
    ]);
    const twice = await nt("news", "fetch", "--source", "rss", `${server.base}/wire.rss`, `${server.base}/wire.rss`, "--symbols", "NWND", "--out", join(dir, "twice.json"));
    expect(twice.out).toBe(`2 articles written to ${join(dir, "twice.json")} (2 duplicates left out)\n`);
  });

  it("names what is wrong with the flags", async () => {
    const err = async (...argv: string[]) => {
      const r = await nt("news", "fetch", ...argv);
      expect(r.code).toBe(2);
      return r.err.split("\n")[0];
    };
    expect(await err("--symbols", "A")).toBe('nt news: --source must be alpaca or rss, got "nothing"');
    expect(await err("--source", "rss", "--symbols", "aapl", "http://x")).toBe('nt news: --symbols must be tickers in capitals separated by commas, got "aapl"');
    expect(await err("--source", "rss", "--symbols", "AAPL")).toBe("nt news: --source rss needs the feeds' URLs");
    expect(await err("--source", "rss", "--symbols", "AAPL", "--alias", "MSFT=Microsoft", "http://x")).toBe("nt news: --alias MSFT: MSFT is not among the symbols to tag (AAPL)");
    expect(await err("--source", "alpaca", "--symbols", "AAPL", "--from", "yesterday")).toBe('nt news: --from must be an ISO 8601 date or time with its zone, such as 2026-01-05 or 2026-01-05T14:30:00Z, got "yesterday"');
    expect(await err("--source", "alpaca", "--symbols", "AAPL", "--json")).toBe("nt news: --json belongs to nt news score; fetch writes JSON anyway");
  });
});

describe("nt backtest --strategy neural-sentiment --news FILE", () => {
  const FAST = ["--param", "trainBars=300", "--param", "retrainEvery=2000", "--param", "epochs=3", "--param", "errorWindow=20", "--param", "minConfidence=0.1", "--param", "halfLifeDays=10", "--param", "allowShort=true"];

  it("runs on the bundled S&P 500 with the sample news, and refuses news for a strategy that reads none", async () => {
    const r = await nt("backtest", "--strategy", "neural-sentiment", "--news", "data/sp500-news.csv", ...FAST, "--json");
    expect(r.err).toBe("");
    const report = JSON.parse(r.out);
    expect(report.trades.length).toBeGreaterThan(0);
    for (const t of report.trades) expect(t.entryReason).toMatch(/sentiment [+-]\d\.\d\d from \d+ articles/);
    const none = await nt("backtest", "--strategy", "neural-sentiment", ...FAST);
    expect(none.code).toBe(1);
    expect(none.err).toBe("nt backtest: neural-sentiment needs news: give a news file (nt backtest --news FILE) or `news` in the request\n");
    const extra = await nt("backtest", "--strategy", "momentum", "--news", "data/sp500-news.csv");
    expect(extra.code).toBe(1);
    expect(extra.err).toBe("nt backtest: momentum takes no news; only neural-sentiment does\n");
    writeFileSync(join(dir, "undated.csv"), "headline\nStocks rally\n");
    const undated = await nt("backtest", "--strategy", "neural-sentiment", "--news", join(dir, "undated.csv"), ...FAST);
    expect(undated.err).toBe(`nt backtest: ${join(dir, "undated.csv")}, row 1: time is missing: a backtest places each article in time (epoch ms or ISO 8601)\n`);
  }, 120_000);
});
