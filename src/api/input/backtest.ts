import type { BacktestRequest } from "../../backtest/job.ts";
import { checkBacktestRequest } from "../../backtest/request.ts";
import { DATA_FIELDS } from "./data.ts";
import type { JsonObject } from "./validate.ts";

/** The fields of a backtest request (src/backtest/job.ts BacktestRequest), under the same names in a body. */
export const REQUEST_FIELDS = ["strategy", "params", "combine", "memory", "holdings", "config", "limits", "sizing", "news"] as const;

export const BACKTEST_FIELDS = [...DATA_FIELDS, "symbol", ...REQUEST_FIELDS] as const;

/** A backtest (not a paper session) may also name what its report is compared with, and run on several series (`series`). */
export const BACKTEST_RUN_FIELDS = [...BACKTEST_FIELDS, "series", "benchmark"] as const;

/**
 * strategy, params, combine, memory, holdings, config, limits, sizing and news of a backtest or paper-session
 * body, checked by the engine's own request check: the CLI and the page go
 * through the same one, and its errors name paths into this body.
 */
export function backtestRequest(body: JsonObject): BacktestRequest {
  const { strategy, params, combine, memory, holdings, config, limits, sizing, news } = body;
  return checkBacktestRequest({ strategy, params, combine, memory, holdings, config, limits, sizing, news });
}
