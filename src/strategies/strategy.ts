import type { Bar, BarHistory, SymbolId } from "../core/data.ts";
import type { SettingSpec } from "../core/settings.ts";
import type { DroppedSignal, Signal } from "../core/signal.ts";
import type { Holdings } from "../data/holdings.ts";
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
  /** Signals it received and did not act on, with why (a combination of strategies, src/signals); the report lists them. */
  readonly dropped?: readonly DroppedSignal[];
}

/** What a book strategy sees at each moment: every symbol's bars up to and including now (the future throws). */
export interface BookContext {
  /** Epoch ms of the moment's bars. */
  readonly time: number;
  /** Every symbol of the run, in the order its series were given. */
  readonly histories: ReadonlyMap<SymbolId, BarHistory>;
}

/** Target weights for the whole book: signed fractions of equity per symbol (a symbol left out is closed), and why. */
export interface BookTargets {
  readonly weights: Readonly<Record<SymbolId, number>>;
  readonly reason: string;
}

/**
 * A strategy that trades several aligned series together (pairs, mirror):
 * once per moment, after every symbol's bar has closed, it sees all their
 * histories and may ask for new target weights for the whole book, which the
 * engine scales by the position fraction and trades at the next open, all
 * legs in one batch (sells first). Null keeps what is held.
 */
export interface BookStrategy {
  readonly name: string;
  onBars(ctx: BookContext): BookTargets | null;
}

/** What a book strategy is built from besides its parameters. */
export interface BookData {
  /** The symbols of the series it will see, in order. */
  readonly symbols: readonly SymbolId[];
  /** The holdings snapshot file (the request's `holdings`), when one was given. */
  readonly holdings?: Holdings;
}

/** What a strategy needs beyond one series of bars, so a front end that cannot supply it can say so. */
export interface StrategyInputs {
  /** Exactly this many aligned series (pairs: 2); absent: as many as the data names. */
  readonly series?: number;
  /** A holdings snapshot file (the request's `holdings`, `nt backtest --holdings`). */
  readonly holdings?: boolean;
  /** It holds short positions whatever allowShort says (a pair's short leg). */
  readonly shortSelling?: boolean;
  /** News articles (the request's `news`, `nt backtest --news FILE`). */
  readonly news?: boolean;
  /** The need in words, e.g. "two aligned series (the pair's legs)", "news (timestamped headlines or scores)". */
  readonly why: string;
}

export type ParamValue = number | boolean;
export type StrategyParams = Record<string, ParamValue>;

/** One parameter of a strategy, for validation, the CLI, the API and the web form. */
export interface ParamSpec extends SettingSpec {
  readonly default: ParamValue;
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
  /** Present when it needs more than one series of bars, a holdings file or news: a request that lacks it, or gives it to another strategy, is refused. */
  readonly inputs?: StrategyInputs;
  /**
   * Builds an instance; throws StrategyError naming the bad parameter
   * (`params.fast`). Values must have their types (see resolveParams). A
   * book strategy has no per-symbol instance: its create throws, saying what it needs.
   */
  create(params?: Readonly<Record<string, unknown>>, data?: StrategyData): Strategy;
  /** Builds a book strategy (present exactly when the strategy is one), checking its data against its inputs. */
  createBook?(params: Readonly<Record<string, unknown>>, data: BookData): BookStrategy;
}
