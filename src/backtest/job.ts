import type { BarSeries } from "../core/data.ts";
import type { ScoredArticle } from "../news/article.ts";
import { riskChecks, type RiskLimits } from "../risk/limits.ts";
import { noShortSelling, sufficientCash } from "../risk/pretrade.ts";
import { kelly, volatilityTarget, type PositionSizer } from "../risk/sizing.ts";
import { getStrategy } from "../strategies/index.ts";
import { resolveParams } from "../strategies/params.ts";
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
  readonly strategy: string;
  readonly params?: Partial<StrategyParams>;
  readonly config?: RunSettings;
  readonly limits?: RiskLimits;
  readonly sizing?: SizingSpec;
  /** Scored articles, for strategies that read news (neural-sentiment); a body may send them unscored (checkNews). */
  readonly news?: readonly ScoredArticle[];
}

/** What a caller may hook into a run besides the request: an event stream, progress, a clock. */
export type RunHooks = Pick<BacktestConfig, "onEvent" | "onProgress" | "now">;

/**
 * Checks the request, resolves the strategy and runs it. Short selling is
 * allowed exactly when the strategy's own allowShort parameter says so.
 */
export function runStrategyBacktest(series: BarSeries, req: BacktestRequest, hooks: RunHooks = {}): BacktestReport {
  return strategyBacktest(series, req, hooks).run();
}

/** The same run, steppable (async jobs, paper sessions). */
export function strategyBacktest(series: BarSeries, req: BacktestRequest, extra: RunHooks = {}): Backtest {
  const [strategy, config] = strategyAndConfig(req);
  return new Backtest(series, strategy, { ...config, ...extra });
}

/** The strategy instance and engine settings a request describes, checked by checkBacktestRequest. */
export function strategyAndConfig(unchecked: BacktestRequest): [Strategy, BacktestConfig] {
  const req = checkBacktestRequest(unchecked);
  const def = getStrategy(req.strategy);
  const strategy = def.create(req.params, { news: req.news });
  const params = resolveParams(def.name, def.params, req.params);
  const allowShort = params.allowShort === true;
  const checks = [...(allowShort ? [] : [noShortSelling]), sufficientCash, ...riskChecks(req.limits ?? {})];
  const sizing = req.sizing ? sizer(req.sizing) : undefined;
  const positionFraction = req.sizing?.method === "fixed" ? req.sizing.fraction : req.config?.positionFraction;
  return [strategy, { ...req.config, positionFraction, params, allowShort, checks, sizer: sizing }];
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
  strategy: Strategy; settings: EngineSettings; venue: VenueOptions; request: BacktestRequest;
} {
  const request = checkBacktestRequest(unchecked);
  const [strategy, config] = strategyAndConfig(request);
  const resolved = resolveConfig({ ...config, ...extra });
  return { strategy, settings: engineSettings(resolved), venue: venueOptions(resolved), request };
}
