import type { BarSeries } from "../core/data.ts";
import { getStrategy } from "../strategies/index.ts";
import { resolveParams } from "../strategies/params.ts";
import type { StrategyParams } from "../strategies/strategy.ts";
import { runBacktest, type BacktestConfig } from "./engine.ts";
import type { BacktestReport } from "./types.ts";

/** A backtest as every front end asks for it: a strategy by name, its parameters and the run's settings. */
export interface BacktestRequest {
  readonly strategy: string;
  readonly params?: Partial<StrategyParams>;
  readonly config?: Omit<BacktestConfig, "params" | "allowShort">;
}

/**
 * Resolves the strategy, validates its parameters and runs it. Short selling
 * is allowed exactly when the strategy's own allowShort parameter says so.
 */
export function runStrategyBacktest(series: BarSeries, req: BacktestRequest): BacktestReport {
  const def = getStrategy(req.strategy);
  const strategy = def.create(req.params);
  const params = resolveParams(def.name, def.params, req.params);
  return runBacktest(series, strategy, { ...req.config, params, allowShort: params.allowShort === true });
}
