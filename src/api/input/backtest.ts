import type { BacktestRequest } from "../../backtest/job.ts";
import type { StrategyParams } from "../../strategies/strategy.ts";
import { invalid } from "../errors.ts";
import { DATA_FIELDS } from "./data.ts";
import { number, object, onlyKeys, string, type JsonObject } from "./validate.ts";

/** Run settings a request may give (src/backtest/engine.ts BacktestConfig); the engine checks their ranges. */
export const CONFIG_KEYS = [
  "initialCash", "slippageBps", "commissionPerShare", "commissionPerOrder", "positionFraction",
  "stopLossPct", "takeProfitPct", "periodsPerYear",
] as const;

export const BACKTEST_FIELDS = [...DATA_FIELDS, "symbol", "strategy", "params", "config"] as const;

/** strategy, params and config of a backtest or paper-session body. */
export function backtestRequest(body: JsonObject): BacktestRequest {
  const strategy = string(body.strategy, "strategy", 64);
  const params: Partial<StrategyParams> = {};
  if (body.params !== undefined) {
    for (const [key, v] of Object.entries(object(body.params, "params"))) {
      // resolveParams checks names, types and ranges against the strategy's specs.
      if (typeof v !== "number" && typeof v !== "boolean" && typeof v !== "string") {
        throw invalid(`params.${key}`, "must be a number, boolean or string");
      }
      params[key] = v;
    }
  }
  const config: Record<string, number> = {};
  if (body.config !== undefined) {
    const c = object(body.config, "config");
    onlyKeys(c, CONFIG_KEYS, "config.");
    for (const key of CONFIG_KEYS) if (c[key] !== undefined) config[key] = number(c[key], `config.${key}`);
  }
  return { strategy, params, config };
}
