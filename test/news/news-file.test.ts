// News files and a request's news: JSON and CSV read into checked records,
// scored when they give no score, and errors naming the file, row or field.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { checkNews, newsTime, parseNewsText, scoredArticles } from "../../src/news/news-file.ts";
import { scoreArticle } from "../../src/news/sentiment.ts";

describe("news files", () => {
  it("reads a JSON array: times as ISO 8601, epoch ms or RFC 822; a missing score is the headline's", () => {
    const records = parseNewsText(JSON.stringify([
      { time: "2020-01-02T15:30:00Z", headline: "Acme beats estimates", symbols: ["ACME"], id: "a1", source: "wire" },
      { time: 1577980800000, headline: "Acme faces probe", summary: "Regulators open an investigation.", score: -0.9 },
      { time: "Fri, 03 Jan 2020 10:00:00 -0500", headline: "Markets calm" },
      { time: "2020-01-06", headline: "Acme names CFO", url: "https://x/1", author: "Desk" },
    ]), "news.json");
    expect(records.map((r) => [r.id, r.source, r.time, r.symbols, r.score])).toEqual([
      ["a1", "wire", Date.UTC(2020, 0, 2, 15, 30), ["ACME"], undefined],
      ["2", "news.json", Date.UTC(2020, 0, 2, 16), [], -0.9],
      ["3", "news.json", Date.UTC(2020, 0, 3, 15), [], undefined],
      ["4", "news.json", Date.UTC(2020, 0, 6), [], undefined],
    ]);
    const scored = scoredArticles(records);
    expect(scored.map((a) => a.score)).toEqual([0.5, -0.9, 0, 0]);
    expect(scored[3]).toEqual({ id: "4", source: "news.json", headline: "Acme names CFO", summary: "", url: "https://x/1", author: "Desk", time: Date.UTC(2020, 0, 6), symbols: [], score: 0 });
  });

  it("reads Alpaca's own answer ({news: [...]}, created_at, numeric ids)", () => {
    const records = parseNewsText(JSON.stringify({
      news: [{ id: 24843171, headline: "Stocks slide as recession fears grow", summary: "", author: "Benzinga", created_at: "2022-01-05T22:00:37Z", updated_at: "2022-01-05T22:00:38Z", url: "", symbols: ["SPY"], source: "benzinga", images: [], content: "" }],
      next_page_token: null,
    }), "alpaca.json");
    expect(scoredArticles(records)).toEqual([{
      id: "24843171", source: "benzinga", headline: "Stocks slide as recession fears grow", summary: "", author: "Benzinga",
      time: Date.UTC(2022, 0, 5, 22, 0, 37), symbols: ["SPY"], score: scoreArticle({ headline: "Stocks slide as recession fears grow", summary: "" }),
    }]);
  });

  it("reads JSON lines, as nt news stream writes them: the same records as the JSON array of the same items", () => {
    const items = [
      { time: "2020-01-02T15:30:00Z", headline: "Acme beats estimates", symbols: ["ACME"], id: "a1", source: "wire", score: 0.5 },
      { time: 1577980800000, headline: "Acme faces probe", id: "a2", source: "wire", score: -0.9 },
    ];
    const lines = `${items.map((i) => JSON.stringify(i)).join("\n")}\n\n`;
    const read = (text: string) => scoredArticles(parseNewsText(text, "news.jsonl"));
    expect(read(lines)).toEqual(read(JSON.stringify(items)));
    expect(parseNewsText(lines, "news.jsonl")[1].where).toEqual({ field: "line 2.time", source: "news.jsonl" });
    // One line is one item, not Alpaca's answer; so is one item pretty-printed.
    expect(read(JSON.stringify(items[0]))).toEqual(read(JSON.stringify([items[0]])));
    expect(read(JSON.stringify(items[0], null, 2))).toEqual(read(JSON.stringify([items[0]])));
  });

  it("reads CSV with a header of news fields, quoted cells, symbols in one cell", () => {
    const csv = 'time,headline,symbols,score,label\n2020-01-02T15:30:00Z,"Acme beats, again",ACME WID,,positive\n2020-01-03,Plain news,,0.1,neutral\n\n';
    const records = parseNewsText(csv, "news.csv");
    expect(records.map((r) => [r.id, r.headline, r.symbols, r.score, r.label, r.time])).toEqual([
      ["row 1", "Acme beats, again", ["ACME", "WID"], undefined, "positive", Date.UTC(2020, 0, 2, 15, 30)],
      ["row 2", "Plain news", [], 0.1, "neutral", Date.UTC(2020, 0, 3)],
    ]);
    // Semicolon-separated files are read too.
    expect(parseNewsText("headline;symbols\nAcme rallies;ACME,WID\n", "x.csv")[0].symbols).toEqual(["ACME", "WID"]);
  });

  it("names the file and the row, or the item and the field, at fault", () => {
    const fails = (text: string, source = "n.csv") => {
      try {
        parseNewsText(text, source);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error("no error");
    };
    expect(fails("time,headline,mood\n")).toBe('n.csv, row 0: column 3 "mood" is not a news field; expected some of time, created_at, updated, updated_at, id, source, headline, summary, content, url, author, symbols, score, label, images');
    expect(fails("time,symbols\n2020-01-02,A\n")).toBe("n.csv, row 0: the header needs a headline or a score column");
    expect(fails("time,headline\n2020-01-02,ok\nyesterday,bad\n")).toBe('n.csv, row 2: time must be epoch milliseconds or an ISO 8601 time such as 2020-03-02T14:30:00Z (with its zone), got "yesterday"');
    expect(fails("time,headline,score\n2020-01-02,ok,1.5\n")).toBe("n.csv, row 1: score must be a number from -1 to 1, got 1.5");
    expect(fails("time,headline,score\n2020-01-02,ok,high\n")).toBe('n.csv, row 1: score must be a number from -1 to 1, got "high"');
    expect(fails("time,headline\n2020-01-02,ok,extra\n")).toBe("n.csv, row 1: has 3 cells; the header has 2");
    expect(fails("time,headline,label\n2020-01-02,ok,good\n")).toBe('n.csv, row 1: label must be one of positive, negative, neutral, got "good"');
    expect(fails("[1, 2", "n.json")).toMatch(/^n\.json: not valid JSON: /);
    expect(fails('{"items": []}', "n.json")).toBe('n.json: expected a JSON array of news items, an object with one under "news", or JSON lines of news items');
    expect(fails('{"time": 1, "headline": "a"}\n\n{"time": 2, "headline": "b"\n', "n.jsonl")).toMatch(/^n\.jsonl: line 3 is not valid JSON: /);
    expect(fails('{"time": 1, "headline": "a"}\n{"time": 2, "headline": "b", "mood": 1}\n', "n.jsonl")).toMatch(/^n\.jsonl: line 2\.mood is not a known field/);
    // A broken pretty-printed document is named as one, where JSON.parse stopped, not as a bad first line.
    expect(fails('{\n  "news": [\n    {"time": 1, "headline": "a"}\n', "n.json")).toMatch(/^n\.json: not valid JSON: .*position/);
    expect(fails('{\n  "time": 1,\n  "headline": "a",\n', "n.json")).toMatch(/^n\.json: not valid JSON: /);
    expect(fails('[{"time": "2020-01-02T10:00:00", "headline": "x"}]', "n.json")).toMatch(/^n\.json: \[0\]\.time must be epoch milliseconds or an ISO 8601 time .*\(with its zone\)/);
    expect(fails('{"news": [{"headline": "x", "symbol": "A"}]}', "n.json")).toBe("n.json: news[0].symbol is not a known field; expected one of time, created_at, updated, updated_at, id, source, headline, summary, content, url, author, symbols, score, label, images");
    expect(() => scoredArticles(parseNewsText("headline\nAcme rallies\n", "h.csv"))).toThrow("h.csv, row 1: time is missing: a backtest places each article in time (epoch ms or ISO 8601)");
  });

  it("checks a request's news with errors naming the path in the body", () => {
    const fieldOf = (value: unknown) => {
      try {
        checkNews(value);
      } catch (e) {
        return [(e as ConfigError).field, (e as Error).message];
      }
      return null;
    };
    expect(fieldOf("x")).toEqual(["news", 'news must be an array of news items, got "x"']);
    expect(fieldOf([{ time: 1, headline: "a" }, 7])).toEqual(["news[1]", "news[1] must be an object, got 7"]);
    expect(fieldOf([{ time: 1, headline: "a", symbols: "AAPL" }])).toEqual(["news[0].symbols", 'news[0].symbols must be an array of tickers, got "AAPL"']);
    expect(fieldOf([{ headline: "a" }])).toEqual(["news[0].time", "news[0].time is missing: a backtest places each article in time (epoch ms or ISO 8601)"]);
    expect(fieldOf([{ time: 1 }])).toEqual(["news[0].headline", "news[0].headline is missing: give a headline to score, or a score"]);
    expect(fieldOf([{ time: 1, score: 2 }])).toEqual(["news[0].score", "news[0].score must be a number from -1 to 1, got 2"]);
    expect(fieldOf([{ created_at: "soon", headline: "a" }])).toEqual(["news[0].created_at", 'news[0].time must be epoch milliseconds or an ISO 8601 time such as 2020-03-02T14:30:00Z (with its zone), got "soon"']);
    expect(checkNews([{ time: 5, headline: "Acme beats estimates" }])).toEqual([{ id: "1", source: "request", headline: "Acme beats estimates", summary: "", time: 5, symbols: [], score: 0.5 }]);
  });

  it("reads times in every accepted form, and only those", () => {
    const at = { field: "t" };
    expect(newsTime("2020-01-02T10:00:00+02:00", "t", at)).toBe(Date.UTC(2020, 0, 2, 8));
    expect(newsTime("2020-01-02 10:00:00.5Z", "t", at)).toBe(Date.UTC(2020, 0, 2, 10, 0, 0, 500));
    for (const bad of ["2020-01-02T10:00", "02/01/2020", Number.NaN, null, "2020-13-45"]) expect(() => newsTime(bad, "t", at), String(bad)).toThrow(ConfigError);
  });
});
