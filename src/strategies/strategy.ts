import type { Bar, BarHistory, SymbolId } from "../core/data.ts";
import type { SettingSpec } from "../core/settings.ts";
import type { Signal } from "../core/signal.ts";
import type { ScoredArticle } from "../news/article.ts";

/**
 * What a strategy may see on each bar: the bars up to and including now, and
 * its own position. It cannot see the future: `history.at(i)` for i beyond the
 * current bar throws.
 */
export interface StrategyContext {
  readonly symbol: SymbolId;
  readonly history: BarHistory;
  /** Signed quantity currently held (negative is short). */
  readonly position: number;
}


/** A running strategy instance: stateful, fed one bar at a time. */
export interface Strategy {
  readonly name: string;
  /** Called once per bar after it closes; returns a signal or null for no change. */
  onBar(bar: Bar, ctx: StrategyContext): Signal | null;
}

export type ParamValue = number | boolean;
export type StrategyParams = Record<string, ParamValue>;

/** One parameter of a strategy, for validation, the CLI, the API and the web form. */
export interface ParamSpec extends SettingSpec {
  readonly default: ParamValue;
}

/** What a strategy needs beyond one series of bars, so a front end that cannot supply it can say so. */
export interface StrategyInputs {
  /** News articles (the request's `news`, `nt backtest --news FILE`). */
  readonly news?: boolean;
  /** The need in words, e.g. "news (timestamped headlines or scores)". */
  readonly why: string;
}

/** What a strategy is built from besides its parameters, as its inputs declare. */
export interface StrategyData {
  /** Scored articles, in any order; a strategy reads only those published before each bar's close. */
  readonly news?: readonly ScoredArticle[];
}

/** A strategy family: its metadata and a factory that validates parameters. */
export interface StrategyDefinition {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** Present when it needs more than one series of bars: a request that lacks it, or gives it to another strategy, is refused. */
  readonly inputs?: StrategyInputs;
  /** Builds an instance; throws StrategyError naming the bad parameter (`params.fast`). Values must have their types (see resolveParams). */
  create(params?: Readonly<Record<string, unknown>>, data?: StrategyData): Strategy;
}
