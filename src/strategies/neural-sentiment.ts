import type { Bar } from "../core/data.ts";
import { StrategyError } from "../core/errors.ts";
import { reasonText, type Direction, type Signal } from "../core/signal.ts";
import type { ScoredArticle } from "../news/article.ts";
import { articlesAbout, SentimentTrend } from "../news/trend.ts";
import { checkForecastParams, FORECAST_PARAMS, percent, WalkForwardForecaster, type ForecasterOptions } from "./neural-forecast.ts";
import { resolveParams } from "./params.ts";
import type { Strategy, StrategyContext, StrategyDefinition, StrategyParams } from "./strategy.ts";

const DAY_MS = 86_400_000;

/**
 * Trades when the news and the network agree: long while the neural
 * forecast (neural-forecast's walk-forward NHITS, its confidence at least
 * minConfidence) predicts a rise and the symbol's sentiment is at least
 * minSentiment; short, if allowed, while both point down; flat otherwise.
 *
 * The sentiment is the decayed mean of the scores of the articles about
 * the symbol (tagged with it, or with no symbol) published strictly before
 * the bar's close: weights halve every halfLifeDays, with `prior` weight of
 * neutral so that few or old articles count for less. An article dated at
 * or after a bar's close never reaches that bar.
 *
 * The position is sized by the geometric mean of the two confidences: the
 * forecast's, and the sentiment's strength, |sentiment| / fullSentiment
 * capped at 1.
 */
export const neuralSentiment: StrategyDefinition = {
  name: "neural-sentiment",
  description: "long (or short) while the neural forecast and the symbol's news sentiment, from articles published before each bar, agree; sized by both confidences",
  params: [
    ...FORECAST_PARAMS,
    { name: "halfLifeDays", type: "number", default: 3, min: 0.01, max: 3650, description: "days for an article's weight in the sentiment to halve" },
    { name: "prior", type: "number", default: 1, min: 0, max: 1000, description: "weight of a neutral pseudo-article pulling sparse or old news towards 0" },
    { name: "minSentiment", type: "number", default: 0.1, min: 0, max: 1, description: "trade only while |sentiment| is at least this, on the forecast's side" },
    { name: "fullSentiment", type: "number", default: 0.5, min: 0.01, max: 1, description: "|sentiment| at which the news side is fully confident" },
    { name: "allowShort", type: "boolean", default: false, description: "go short when both point down" },
  ],
  inputs: { news: true, why: "news (timestamped headlines or scores)" },
  create(given, data) {
    const p = resolveParams("neural-sentiment", this.params, given);
    checkForecastParams("neural-sentiment", p);
    if (data?.news === undefined) {
      throw new StrategyError("neural-sentiment needs news: give a news file (nt backtest --news FILE) or `news` in the request", { field: "news" });
    }
    return new NeuralSentiment(p, data.news);
  },
};

interface Params {
  horizon: number; minConfidence: number; halfLifeDays: number; prior: number; minSentiment: number; fullSentiment: number; allowShort: boolean;
}

class NeuralSentiment implements Strategy {
  readonly name = "neural-sentiment";
  private readonly p: Params;
  private readonly forecaster: WalkForwardForecaster;
  private trend?: SentimentTrend;
  private state: Direction = "flat";

  constructor(params: StrategyParams, private readonly news: readonly ScoredArticle[]) {
    this.p = params as unknown as Params;
    this.forecaster = new WalkForwardForecaster(params as unknown as ForecasterOptions);
  }

  onBar(bar: Bar, ctx: StrategyContext): Signal | null {
    const { p } = this;
    // The symbol is known from the first bar on.
    this.trend ??= new SentimentTrend(articlesAbout(this.news, ctx.symbol), { halfLifeMs: p.halfLifeDays * DAY_MS, prior: p.prior });
    const sentiment = this.trend.at(bar.time);
    const reading = this.forecaster.update(bar.close);
    if (reading === null) return null;
    const { forecast, confidence: forecastConfidence } = reading;
    const strength = Math.min(1, Math.abs(sentiment) / p.fullSentiment);
    const agree = forecastConfidence >= p.minConfidence && Math.abs(sentiment) >= p.minSentiment && sentiment !== 0 && Math.sign(forecast) === Math.sign(sentiment);
    const want: Direction = !agree ? "flat" : forecast > 0 ? "long" : p.allowShort ? "short" : "flat";
    if (want === this.state) return null;
    this.state = want;
    const confidence = Math.sqrt(forecastConfidence * strength);
    return {
      symbol: ctx.symbol,
      time: bar.time,
      direction: want,
      confidence,
      sizeFactor: confidence,
      reason: reasonText`forecast ${percent(Math.expm1(forecast))} over ${p.horizon} bars (confidence ${forecastConfidence.toFixed(2)}), sentiment ${
        sentiment >= 0 ? "+" : ""}${sentiment.toFixed(2)} from ${this.trend.seen} articles (strength ${strength.toFixed(2)})`,
    };
  }
}
