// Per-symbol sentiment over time: the decayed mean by hand, the running form
// against the direct one, and no article counting at or before its own time.
import { describe, expect, it } from "vitest";
import { Random } from "../../src/core/random.ts";
import type { ScoredArticle } from "../../src/news/article.ts";
import { articlesAbout, SentimentTrend, sentimentSeries } from "../../src/news/trend.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 2);
const opts = { halfLifeMs: DAY, prior: 1 };

describe("sentiment over time", () => {
  it("is the decayed mean of the scores published strictly before, with a neutral prior, worked by hand", () => {
    const articles = [{ time: T0, score: 0.8 }, { time: T0 + DAY / 2, score: -0.4 }];
    const times = [T0 - 1, T0, T0 + 1, T0 + DAY];
    // At T0 + 1 day: the first article is one half-life old (weight 1/2), the second half of one (weight 1/sqrt 2).
    // One ms after the first: its weight is 2^(-1 ms / 1 day), a hair under 1, so the mean a hair under 0.8 / 2.
    const w = 2 ** (-1 / DAY);
    const expected = [0, 0, (0.8 * w) / (w + 1), (0.5 * 0.8 - Math.SQRT1_2 * 0.4) / (0.5 + Math.SQRT1_2 + 1)];
    const direct = sentimentSeries(articles, times, opts);
    expected.forEach((e, i) => expect(direct[i]).toBeCloseTo(e, 12));
    const trend = new SentimentTrend(articles, opts);
    expected.forEach((e, i) => expect(trend.at(times[i])).toBeCloseTo(e, 12));
  });

  it("the running form agrees with the direct one on random articles and times", () => {
    const rng = new Random(7);
    const articles = Array.from({ length: 400 }, () => ({ time: T0 + Math.floor(rng.uniform() * 200) * DAY / 4, score: 2 * rng.uniform() - 1 }));
    const times = Array.from({ length: 300 }, (_, i) => T0 + i * DAY / 6);
    for (const o of [opts, { halfLifeMs: 5 * DAY, prior: 0.25 }, { halfLifeMs: DAY / 24, prior: 3 }]) {
      const direct = sentimentSeries(articles, times, o);
      const trend = new SentimentTrend(articles, o);
      times.forEach((t, i) => expect(Math.abs(trend.at(t) - direct[i]), `time ${i}`).toBeLessThan(1e-12));
      expect(trend.seen).toBe(articles.filter((a) => a.time < times.at(-1)!).length);
    }
  });

  it("refuses to go back in time", () => {
    const trend = new SentimentTrend([], opts);
    trend.at(T0 + DAY);
    expect(() => trend.at(T0)).toThrow(RangeError);
  });

  it("a symbol's articles are those tagged with it and those tagged with nothing", () => {
    const a = (id: string, symbols: string[]): ScoredArticle => ({ id, source: "s", headline: id, summary: "", time: T0, symbols, score: 0 });
    const all = [a("1", ["AAPL"]), a("2", ["MSFT"]), a("3", []), a("4", ["MSFT", "AAPL"])];
    expect(articlesAbout(all, "AAPL").map((x) => x.id)).toEqual(["1", "3", "4"]);
  });
});
