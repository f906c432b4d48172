import type { SymbolId } from "../core/data.ts";
import type { ScoredArticle } from "./article.ts";

/** How a symbol's sentiment is smoothed over time. */
export interface TrendOptions {
  /** Time for an article's weight to halve (ms). */
  readonly halfLifeMs: number;
  /**
   * Weight of a neutral (0) pseudo-article always present, so that old or
   * few articles pull towards neutral: one article of weight 1 reads as
   * half its score when prior is 1.
   */
  readonly prior: number;
}

/** The articles about `symbol`: tagged with it, or tagged with nothing (market-wide news). */
export function articlesAbout(articles: readonly ScoredArticle[], symbol: SymbolId): ScoredArticle[] {
  return articles.filter((a) => a.symbols.length === 0 || a.symbols.includes(symbol));
}

/**
 * The sentiment at each time in `times`: the exponentially decayed mean of
 * the scores of the articles published strictly before it, weights halving
 * every halfLifeMs, with `prior` weight of neutral (0 with no article and
 * no prior). No article at or after a time counts towards it. Plain and direct (every article at every time):
 * the reference SentimentTrend is checked against.
 */
export function sentimentSeries(articles: readonly Pick<ScoredArticle, "time" | "score">[], times: ArrayLike<number>, options: TrendOptions): Float64Array {
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) {
    let sum = 0;
    let weight = 0;
    for (const a of articles) {
      if (!(a.time < times[i])) continue;
      const w = 0.5 ** ((times[i] - a.time) / options.halfLifeMs);
      sum += w * a.score;
      weight += w;
    }
    out[i] = weight + options.prior > 0 ? sum / (weight + options.prior) : 0;
  }
  return out;
}

/**
 * sentimentSeries as a running state, for a strategy fed one bar at a
 * time: `at(t)` for non-decreasing t decays the sums to t and takes in the
 * articles published before t, each in O(1) amortized.
 */
export class SentimentTrend {
  private readonly articles: Pick<ScoredArticle, "time" | "score">[];
  private next = 0;
  private sum = 0;
  private weight = 0;
  private last = Number.NEGATIVE_INFINITY;

  constructor(articles: readonly Pick<ScoredArticle, "time" | "score">[], private readonly options: TrendOptions) {
    this.articles = [...articles].sort((a, b) => a.time - b.time);
  }

  at(time: number): number {
    if (time < this.last) throw new RangeError(`SentimentTrend.at: time ${time} is before the previous ${this.last}`);
    if (this.weight > 0) {
      const decay = 0.5 ** ((time - this.last) / this.options.halfLifeMs);
      this.sum *= decay;
      this.weight *= decay;
    }
    this.last = time;
    const { articles } = this;
    while (this.next < articles.length && articles[this.next].time < time) {
      const a = articles[this.next++];
      const w = 0.5 ** ((time - a.time) / this.options.halfLifeMs);
      this.sum += w * a.score;
      this.weight += w;
    }
    return this.weight + this.options.prior > 0 ? this.sum / (this.weight + this.options.prior) : 0;
  }

  /** Articles taken in so far (published before the last time asked). */
  get seen(): number {
    return this.next;
  }
}
