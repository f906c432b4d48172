import type { BarSeries, SymbolId } from "../core/data.ts";
import { StrategyError } from "../core/errors.ts";
import { parseHoldingsCsv, type Holdings } from "../data/holdings.ts";
import type { ScoredArticle } from "../news/article.ts";
import { riskChecks, type RiskLimits } from "../risk/limits.ts";
import { noShortSelling, sufficientCash } from "../risk/pretrade.ts";
import { kelly, volatilityTarget, type PositionSizer } from "../risk/sizing.ts";
import { MemoryFilter, memorySettings, type MemorySpec } from "../signals/memory-filter.ts";
import { combinationShorts, createCombination, type CombineSpec } from "../signals/spec.ts";
import { getStrategy } from "../strategies/index.ts";
import type { Strategy, StrategyParams } from "../strategies/strategy.ts";
import type { EngineSettings } from "../execution/engine.ts";
import type { VenueOptions } from "../execution/venue.ts";
import { Backtest, type BacktestConfig } from "./engine.ts";
import { engineSettings, resolveConfig, venueOptions, type RunSettings } from "./config.ts";
import { checkBacktestRequest } from "./request.ts";
import type { BacktestReport } from "./types.ts";

/** How new positions are sized, as plain data. */
export type SizingSpec =
  | { readonly method: "fixed"; readonly fraction: number }
  | { readonly method: "volTarget"; readonly target: number; readonly lookback?: number; readonly max?: number }
  | { readonly method: "kelly"; readonly scale?: number; readonly lookback?: number; readonly max?: number };

/**
 * A backtest as every front end asks for it, as plain data: strategy,
 * parameters, settings, limits, sizing. A JSON body of POST /backtest has
 * exactly these fields, so an error's field (config.initialCash) is a path
 * into what the client sent. checkBacktestRequest checks it.
 */
export interface BacktestRequest {
  /** A strategy's name, or several comma-separated with `combine` (a combination, src/signals). */
  readonly strategy: string;
  /** The strategy's parameters; a combination's are prefixed by strategy ("momentum.fast"). */
  readonly params?: Partial<StrategyParams>;
  /** How a combination's signals meet. */
  readonly combine?: CombineSpec;
  /** The memory filter around the strategy (or combination): reflexion on past decisions in similar situations (src/signals/memory-filter.ts). */
  readonly memory?: MemorySpec;
  /** The text of a holdings snapshot CSV (src/data/holdings.ts), for strategies that follow one (mirror). */
  readonly holdings?: string;
  readonly config?: RunSettings;
  readonly limits?: RiskLimits;
  readonly sizing?: SizingSpec;
  /** Scored articles, for strategies that read news (neural-sentiment); a body may send them unscored (checkNews). */
  readonly news?: readonly ScoredArticle[];
}

/** What a caller may hook into a run besides the request: an event stream, progress, a clock. */
export type RunHooks = Pick<BacktestConfig, "onEvent" | "onProgress" | "now">;

/**
 * Checks the request, resolves the strategy and runs it over one series,
 * or several aligned ones (a book strategy's, or one instance of the
 * strategy per symbol). Short selling is allowed exactly when the
 * strategy's own allowShort parameter says so (or a pair's short leg needs it).
 */
export function runStrategyBacktest(series: BarSeries | readonly BarSeries[], req: BacktestRequest, hooks: RunHooks = {}): BacktestReport {
  return strategyBacktest(series, req, hooks).run();
}

/** The same run, steppable (async jobs, paper sessions). */
export function strategyBacktest(series: BarSeries | readonly BarSeries[], req: BacktestRequest, extra: RunHooks = {}): Backtest {
  const list: readonly BarSeries[] = Array.isArray(series) ? series : [series as BarSeries];
  const [strategy, config] = strategyAndConfig(req, list.map((s) => s.symbol));
  // Several series: a fresh instance per symbol, so their indicator states stay apart.
  const choice = strategy !== null && list.length > 1 ? () => strategyAndConfig(req)[0]! : strategy;
  return new Backtest(list, choice, { ...config, ...extra });
}

/**
 * The strategy instance and engine settings a request describes, checked by
 * checkBacktestRequest. A book strategy (pairs, mirror) is no per-symbol
 * instance: the strategy is null and the settings carry it as `book`; it is
 * built for `symbols`, the run's series, which a front end that cannot give
 * them (one series, no symbols) is told it needs. `read.holdings` is the
 * request's holdings already parsed from its text (the page's worker read
 * the file; the page checks what it needs of them, firstPositions), used
 * instead of parsing the text again.
 */
export function strategyAndConfig(
  unchecked: BacktestRequest, symbols?: readonly SymbolId[], read: { readonly holdings?: Holdings } = {},
): [Strategy | null, BacktestConfig] {
  const req = checkBacktestRequest(unchecked);
  const params = req.params as StrategyParams;
  const sizing = req.sizing ? sizer(req.sizing) : undefined;
  const positionFraction = req.sizing?.method === "fixed" ? req.sizing.fraction : req.config?.positionFraction;
  const settings = (allowShort: boolean): BacktestConfig => ({
    ...req.config, positionFraction, params, allowShort, sizer: sizing,
    checks: [...(allowShort ? [] : [noShortSelling]), sufficientCash, ...riskChecks(req.limits ?? {})],
  });
  const filtered = (s: Strategy) => (req.memory ? new MemoryFilter(s, memorySettings(req.memory)) : s);
  if (req.combine) {
    const names = req.strategy.split(",");
    return [filtered(createCombination(names, params, req.combine)), settings(combinationShorts(names, params))];
  }
  const def = getStrategy(req.strategy);
  if (!def.createBook) return [filtered(def.create(params, { news: req.news })), settings(params.allowShort === true)];
  if (symbols === undefined) {
    throw new StrategyError(`${def.name} needs ${def.inputs?.why ?? "several series"}, which this front end does not supply; run it with nt backtest or POST /backtest`, { field: "strategy" });
  }
  if (sizing) throw new StrategyError(`${def.name} sizes its positions itself; give a fixed fraction (sizing.method "fixed", --fraction) instead of ${req.sizing!.method}`, { field: "sizing.method" });
  const holdings = read.holdings ?? (req.holdings === undefined ? undefined : parseHoldingsCsv(req.holdings, "holdings"));
  const book = def.createBook(params, { symbols, holdings });
  return [null, { ...settings(def.inputs?.shortSelling === true), book }];
}

function sizer(spec: SizingSpec): PositionSizer | undefined {
  switch (spec.method) {
    case "fixed": return undefined;
    case "volTarget": return volatilityTarget(spec);
    case "kelly": return kelly(spec);
  }
}

/**
 * What a paper or live session needs from a request: the strategy, the
 * engine's settings and the venue's costs, resolved exactly as a backtest
 * resolves them (so a paper run over a file fills as its backtest does), and
 * the checked request itself, which describes the run in its journal.
 */
export function sessionSetup(unchecked: BacktestRequest, extra: Pick<BacktestConfig, "onEvent"> = {}): {
  strategy: Strategy | null; settings: EngineSettings; venue: VenueOptions; request: BacktestRequest;
} {
  const request = checkBacktestRequest(unchecked);
  const [strategy, config] = strategyAndConfig(request);
  const resolved = resolveConfig({ ...config, ...extra });
  return { strategy, settings: engineSettings(resolved), venue: venueOptions(resolved), request };
}
