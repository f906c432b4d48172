import { Backtest, type BacktestConfig } from "../backtest/engine.ts";
import type { BacktestRequest } from "../backtest/job.ts";
import type { BarSeries } from "../core/data.ts";
import { getStrategy } from "../strategies/index.ts";
import { resolveParams } from "../strategies/params.ts";

/**
 * A steppable run set up exactly as runStrategyBacktest (src/backtest/job.ts)
 * sets up its one-shot run: the strategy by name, its validated parameters,
 * short selling exactly when the strategy's allowShort says so. Async jobs
 * and paper sessions step it; test/api checks both end where
 * runStrategyBacktest ends.
 */
export function strategyBacktest(
  series: BarSeries, req: BacktestRequest, extra: Pick<BacktestConfig, "onEvent" | "now"> = {},
): Backtest {
  const def = getStrategy(req.strategy);
  const strategy = def.create(req.params);
  const params = resolveParams(def.name, def.params, req.params);
  return new Backtest(series, strategy, { ...req.config, ...extra, params, allowShort: params.allowShort === true });
}
