// neural-sentiment: the neural forecast and the news agree, on the bundled
// S&P 500 and a hand-made news file. Checked against a second implementation
// of its rule (the forecaster run on its own, the sentiment by the direct
// formula), by hand on a few bars, and for look-ahead by moving an article.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/engine.ts";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { checkBacktestRequest } from "../../src/backtest/request.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { StrategyError } from "../../src/core/errors.ts";
import type { Direction, Signal } from "../../src/core/signal.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import type { ScoredArticle } from "../../src/news/article.ts";
import { articlesAbout, sentimentSeries } from "../../src/news/trend.ts";
import { getStrategy } from "../../src/strategies/index.ts";
import { type ForecastReading, WalkForwardForecaster } from "../../src/strategies/neural-forecast.ts";
import { resolveParams } from "../../src/strategies/params.ts";
import type { Strategy } from "../../src/strategies/strategy.ts";
import { root } from "../helpers.ts";

const sp500 = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });
const N = 1000;
const series: BarSeries = {
  ...sp500, time: sp500.time.slice(0, N), open: sp500.open.slice(0, N), high: sp500.high.slice(0, N), low: sp500.low.slice(0, N),
  close: sp500.close.slice(0, N), volume: sp500.volume.slice(0, N),
};
/** Small fits, as in the neural-forecast tests, so a run takes about a second. */
const PARAMS = { trainBars: 300, retrainEvery: 250, epochs: 3, errorWindow: 20, minConfidence: 0.1, halfLifeDays: 30, prior: 1, minSentiment: 0.05, fullSentiment: 0.5, allowShort: true };

const at = (iso: string) => Date.parse(iso);
const article = (id: string, time: string, score: number, headline: string, symbols: string[] = []): ScoredArticle =>
  ({ id, source: "hand-made", headline, summary: "", time: at(time), symbols, score });

/** Market-wide news (no symbols) and news about SPX, 2001-2003; one about another symbol, which SPX never reads. */
const NEWS: ScoredArticle[] = [
  article("1", "2001-04-20T13:00:00Z", 0.6, "Stocks rally as the Fed cuts rates again"),
  article("2", "2001-05-02T15:00:00Z", 0.5, "Factory orders rebound"),
  article("3", "2001-06-14T20:00:00Z", -0.6, "Tech stocks slide on profit warnings"),
  article("4", "2001-06-20T12:00:00Z", -0.5, "Consumer confidence drops"),
  article("5", "2001-09-17T21:00:00Z", -0.9, "Stocks plunge as markets reopen"),
  article("6", "2001-10-11T14:00:00Z", 0.6, "Stocks recover losses of September"),
  article("7", "2002-01-15T16:00:00Z", -0.4, "Earnings disappoint at big banks", ["SPX"]),
  article("8", "2002-03-05T15:00:00Z", 0.6, "Manufacturing expands for first time in 18 months"),
  article("9", "2002-06-26T13:00:00Z", -0.8, "Accounting scandal widens, stocks tumble"),
  article("10", "2002-07-08T18:00:00Z", -0.6, "Investors flee stocks as fraud fears grow", ["SPX"]),
  article("11", "2002-08-01T14:00:00Z", 0.4, "Stocks climb on bargain hunting"),
  article("12", "2002-10-15T20:00:00Z", 0.7, "Stocks surge as earnings beat forecasts"),
  article("13", "2002-12-03T15:00:00Z", -0.3, "Retail sales weaker than hoped"),
  article("14", "2003-03-18T20:00:00Z", 0.6, "Stocks rally for fifth day"),
  article("15", "2003-04-15T14:00:00Z", 0.5, "Profits beat estimates at industrial giants"),
  article("16", "2003-06-10T16:00:00Z", 0.4, "Jobless claims fall"),
  article("17", "2003-08-12T13:00:00Z", -0.4, "Bond yields spike, hitting stocks"),
  article("18", "2003-10-15T20:00:00Z", 0.6, "Stocks advance on strong earnings"),
  article("99", "2002-10-16T14:00:00Z", -1, "Apple falls on weak outlook", ["AAPL"]),
];

interface Seen { index: number; signal: Signal }

function signals(news: readonly ScoredArticle[], params: Record<string, unknown> = PARAMS): Seen[] {
  const strategy = getStrategy("neural-sentiment").create(params, { news });
  const out: Seen[] = [];
  const spy: Strategy = {
    name: strategy.name,
    onBar(bar, ctx) {
      const s = strategy.onBar(bar, ctx);
      if (s) out.push({ index: ctx.history.length - 1, signal: s });
      return s;
    },
  };
  runBacktest(series, spy);
  return out;
}

/**
 * The rule again, from its parts: the forecaster's readings on the closes
 * (run on its own), the sentiment by the direct formula at every bar time,
 * and the agreement written out.
 */
/** The forecaster's reading after each bar, run on its own (null before it has one). */
function readings(): (ForecastReading | null)[] {
  const forecaster = new WalkForwardForecaster(resolveParams("neural-sentiment", getStrategy("neural-sentiment").params, PARAMS) as never);
  return Array.from(series.close, (c) => forecaster.update(c));
}

function reference(news: readonly ScoredArticle[]): { index: number; direction: Direction; confidence: number }[] {
  const forecasts = readings();
  const sentiment = sentimentSeries(articlesAbout(news, "SPX"), series.time, { halfLifeMs: PARAMS.halfLifeDays * 86_400_000, prior: PARAMS.prior });
  const out: { index: number; direction: Direction; confidence: number }[] = [];
  let state: Direction = "flat";
  for (let i = 0; i < N; i++) {
    const r = forecasts[i];
    if (!r) continue;
    const s = sentiment[i];
    let want: Direction = "flat";
    if (r.confidence >= PARAMS.minConfidence && r.forecast > 0 && s >= PARAMS.minSentiment) want = "long";
    if (r.confidence >= PARAMS.minConfidence && r.forecast < 0 && s <= -PARAMS.minSentiment) want = "short";
    if (want !== state) out.push({ index: i, direction: want, confidence: Math.sqrt(r.confidence * Math.min(1, Math.abs(s) / PARAMS.fullSentiment)) });
    state = want;
  }
  return out;
}

describe("neural-sentiment strategy", () => {
  it("signals exactly where the forecast and the sentiment agree, sized by both confidences", () => {
    const got = signals(NEWS);
    const want = reference(NEWS);
    expect(got.length).toBeGreaterThan(6);
    expect(got.map((g) => [g.index, g.signal.direction])).toEqual(want.map((w) => [w.index, w.direction]));
    // The running sentiment and the direct one agree to rounding, not to the last bit.
    got.forEach((g, i) => expect(g.signal.confidence).toBeCloseTo(want[i].confidence, 12));
    for (const { signal } of got) expect(signal.sizeFactor).toBe(signal.confidence);
    expect(new Set(got.map((g) => g.signal.direction))).toEqual(new Set(["long", "short", "flat"]));
  }, 60_000);

  it("matches a hand computation on a few bars", () => {
    const got = signals(NEWS);
    const forecasts = readings();
    const signalAt = (date: string) => {
      const index = series.time.indexOf(at(`${date}T00:00:00Z`));
      return { index, signal: got.find((g) => g.index === index)?.signal, forecast: forecasts[index]! };
    };
    // 2001-06-14 (the bar stamped at midnight): two articles before it, +0.6 on 04-20 13:00 and +0.5 on 05-02 15:00,
    // 54.458 and 42.375 days old, half-life 30 days, prior 1: sentiment 0.21588 (worked out in Python):
    // (0.6 * 0.5^(54.458/30) + 0.5 * 0.5^(42.375/30)) / (0.5^(54.458/30) + 0.5^(42.375/30) + 1).
    const june14 = signalAt("2001-06-14");
    expect(june14.forecast.forecast).toBeGreaterThan(0);
    expect(june14.forecast.confidence).toBeGreaterThanOrEqual(0.1);
    expect(june14.signal?.direction).toBe("long");
    expect(june14.signal?.confidence).toBeCloseTo(Math.sqrt(june14.forecast.confidence * (0.2158800477440919 / 0.5)), 12);
    expect(june14.signal?.reason).toMatch(/, sentiment \+0\.22 from 2 articles \(strength 0\.43\)$/);
    // 2001-06-15: the -0.6 article of 06-14 20:00, 4 hours old, now counts: sentiment -0.09374, against the rising forecast: out.
    const june15 = signalAt("2001-06-15");
    expect(june15.forecast.forecast).toBeGreaterThan(0);
    expect(june15.signal?.direction).toBe("flat");
    expect(june15.signal?.reason).toMatch(/, sentiment -0\.09 from 3 articles \(strength 0\.19\)$/);
    expect(june15.signal?.confidence).toBeCloseTo(Math.sqrt(june15.forecast.confidence * (0.0937402216581654 / 0.5)), 12);
    // 2002-03-04: eight articles in, the sentiment -0.09509 and the forecast falling: short.
    const march4 = signalAt("2002-03-04");
    expect(march4.forecast.forecast).toBeLessThan(0);
    expect(march4.signal?.direction).toBe("short");
    expect(march4.signal?.confidence).toBeCloseTo(Math.sqrt(Math.min(1, march4.forecast.confidence) * (0.09508525358148283 / 0.5)), 12);
    // 2002-03-06: the +0.6 article of 03-05 15:00 lifts it to +0.19720 while the forecast still falls: out.
    const march6 = signalAt("2002-03-06");
    expect(march6.forecast.forecast).toBeLessThan(0);
    expect(march6.signal?.direction).toBe("flat");
    expect(march6.signal?.reason).toMatch(/, sentiment \+0\.20 from 8 articles/);
  }, 60_000);

  it("no look-ahead: an article dated after a bar never affects that bar or any before it", () => {
    const without = NEWS.filter((a) => a.id !== "8");
    const base = signals(without);
    // Article 8 (+0.6) moved from 2002-03-05 to exactly the close of bar 600 (2002-05-28): a bar stamped at the
    // article's time does not read it either.
    const moved = signals([...without, { ...NEWS.find((a) => a.id === "8")!, time: series.time[600] }]);
    const upTo = (s: Seen[], k: number) => s.filter((g) => g.index <= k);
    expect(upTo(base, 600).length).toBeGreaterThan(4);
    expect(upTo(moved, 600)).toEqual(upTo(base, 600));
    // It does change what comes after (the comparison above could otherwise pass vacuously)...
    expect(moved.filter((g) => g.index > 600)).not.toEqual(base.filter((g) => g.index > 600));
    // ...and in its true place it changes the signals from the bar after 2002-03-05 on, and none before.
    const original = signals(NEWS);
    const march5 = series.time.indexOf(at("2002-03-05T00:00:00Z"));
    expect(upTo(original, march5)).toEqual(upTo(base, march5));
    expect(original.filter((g) => g.index > march5)).not.toEqual(base.filter((g) => g.index > march5));
  }, 60_000);

  it("reads only the news about its symbol or about no symbol in particular", () => {
    // The AAPL article of 2002-10-16 (-1) is not SPX's: without it nothing changes.
    expect(signals(NEWS.filter((a) => a.id !== "99"))).toEqual(signals(NEWS));
  }, 60_000);

  it("runs in a backtest from a request whose news is plain JSON, scored by the word list where it has no score", () => {
    const news = NEWS.map(({ time, headline, symbols, score }, i) => ({ time: new Date(time).toISOString(), headline, symbols, ...(i % 2 ? { score } : {}) }));
    const report = runStrategyBacktest(series, { strategy: "neural-sentiment", params: PARAMS, news: news as never });
    expect(report.trades.length).toBeGreaterThan(0);
    expect(report.trades.every((t) => /sentiment [+-]\d\.\d\d from \d+ articles/.test(t.entryReason ?? ""))).toBe(true);
  }, 60_000);

  it("needs news, and news is for it alone; errors name the field", () => {
    const failure = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(StrategyError);
        return [(e as StrategyError).field, (e as Error).message];
      }
      return null;
    };
    const needs = "neural-sentiment needs news: give a news file (nt backtest --news FILE) or `news` in the request";
    expect(failure(() => getStrategy("neural-sentiment").create(PARAMS))).toEqual(["news", needs]);
    expect(failure(() => checkBacktestRequest({ strategy: "neural-sentiment" }))).toEqual(["news", needs]);
    expect(failure(() => checkBacktestRequest({ strategy: "momentum", news: [] }))).toEqual(["news", "momentum takes no news; only neural-sentiment does"]);
    expect(() => checkBacktestRequest({ strategy: "neural-sentiment", news: [{ time: "later", headline: "x" }] })).toThrow("news[0].time must be epoch milliseconds");
    expect(failure(() => getStrategy("neural-sentiment").create({ window: 64, horizon: 16, trainBars: 90 }, { news: [] }))).toEqual([
      "params.trainBars", "neural-sentiment: trainBars (90) must be at least 102 to fit windows of 64 + 16 with a 20% validation split",
    ]);
  });
});
