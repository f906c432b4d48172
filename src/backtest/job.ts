import type { BarSeries } from "../core/data.ts";
import { ConfigError } from "../core/errors.ts";
import { riskChecks, type RiskLimits } from "../risk/limits.ts";
import { noShortSelling, sufficientCash } from "../risk/pretrade.ts";
import { kelly, volatilityTarget, type PositionSizer } from "../risk/sizing.ts";
import { getStrategy } from "../strategies/index.ts";
import { resolveParams } from "../strategies/params.ts";
import type { Strategy, StrategyParams } from "../strategies/strategy.ts";
import { Backtest, type BacktestConfig } from "./engine.ts";
import type { BacktestReport } from "./types.ts";

/** How new positions are sized, as plain data. */
export type SizingSpec =
  | { readonly method: "fixed"; readonly fraction: number }
  | { readonly method: "volTarget"; readonly target: number; readonly lookback?: number; readonly max?: number }
  | { readonly method: "kelly"; readonly scale?: number; readonly lookback?: number; readonly max?: number };

/** A backtest as every front end asks for it, as plain data: strategy, parameters, settings, limits, sizing. */
export interface BacktestRequest {
  readonly strategy: string;
  readonly params?: Partial<StrategyParams>;
  readonly config?: Omit<BacktestConfig, "params" | "allowShort" | "checks" | "sizer">;
  readonly limits?: RiskLimits;
  readonly sizing?: SizingSpec;
}

/**
 * Resolves the strategy, validates its parameters and runs it. Short selling
 * is allowed exactly when the strategy's own allowShort parameter says so.
 */
export function runStrategyBacktest(series: BarSeries, req: BacktestRequest): BacktestReport {
  return strategyBacktest(series, req).run();
}

/** The same run, steppable (async jobs, paper sessions); `extra` adds an event stream or a clock. */
export function strategyBacktest(series: BarSeries, req: BacktestRequest, extra: Pick<BacktestConfig, "onEvent" | "now"> = {}): Backtest {
  const [strategy, config] = strategyAndConfig(req);
  return new Backtest(series, strategy, { ...config, ...extra });
}

/** The strategy instance and engine settings a request describes (validated). */
export function strategyAndConfig(req: BacktestRequest): [Strategy, BacktestConfig] {
  const def = getStrategy(req.strategy);
  const strategy = def.create(req.params);
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
    default:
      throw new ConfigError(`sizing method must be fixed, volTarget or kelly, got ${JSON.stringify((spec as { method: unknown }).method)}`, { field: "sizing.method" });
  }
}
