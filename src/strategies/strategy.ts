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

/** What a strategy reads besides bars and parameters, given with the request (news for neural-sentiment). */
export interface StrategyInputs {
  /** Scored articles, in any order; a strategy reads only those published before each bar's close. */
  readonly news?: readonly ScoredArticle[];
}

/** A strategy family: its metadata and a factory that validates parameters. */
export interface StrategyDefinition {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** The inputs it needs besides bars; a request that gives others, or lacks these, is refused. */
  readonly inputs?: readonly (keyof StrategyInputs)[];
  /** Builds an instance; throws StrategyError naming the bad parameter (`params.fast`). Values must have their types (see resolveParams). */
  create(params?: Readonly<Record<string, unknown>>, inputs?: StrategyInputs): Strategy;
}
