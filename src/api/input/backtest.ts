import type { BacktestRequest, SizingSpec } from "../../backtest/job.ts";
import type { RiskLimits } from "../../risk/limits.ts";
import type { StrategyParams } from "../../strategies/strategy.ts";
import { invalid } from "../errors.ts";
import { DATA_FIELDS } from "./data.ts";
import { number, object, onlyKeys, string, type JsonObject } from "./validate.ts";

/** Run settings a request may give (src/backtest/engine.ts BacktestConfig); the engine checks their ranges. */
export const CONFIG_KEYS = [
  "initialCash", "slippageBps", "commissionPerShare", "commissionPerOrder", "positionFraction",
  "stopLossPct", "takeProfitPct", "periodsPerYear",
] as const;

/** Pre-trade limits a request may set (src/risk/limits.ts RiskLimits); maxOrderRate is {count, windowMs}. */
export const LIMIT_KEYS = [
  "maxPositionQuantity", "maxPositionNotional", "maxGrossExposure", "maxNetExposure", "maxDailyLoss", "maxDrawdown",
] as const;

/** Sizing methods and their numeric settings (src/backtest/job.ts SizingSpec). */
export const SIZING_KEYS = { fixed: ["fraction"], volTarget: ["target", "lookback", "max"], kelly: ["scale", "lookback", "max"] } as const;

export const BACKTEST_FIELDS = [...DATA_FIELDS, "symbol", "strategy", "params", "config", "limits", "sizing"] as const;

/** strategy, params and config of a backtest or paper-session body. */
export function backtestRequest(body: JsonObject): BacktestRequest {
  const strategy = string(body.strategy, "strategy", 64);
  // Null prototype: a "__proto__" key stays a (rejected) parameter name instead of a prototype write.
  const params: Partial<StrategyParams> = Object.create(null);
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
  return { strategy, params, config, limits: limits(body.limits), sizing: sizing(body.sizing) };
}

function limits(value: JsonObject[string] | undefined): RiskLimits | undefined {
  if (value === undefined) return undefined;
  const l = object(value, "limits");
  onlyKeys(l, [...LIMIT_KEYS, "maxOrderRate"], "limits.");
  const out: RiskLimits = {};
  for (const key of LIMIT_KEYS) if (l[key] !== undefined) out[key] = number(l[key], `limits.${key}`);
  if (l.maxOrderRate !== undefined) {
    const r = object(l.maxOrderRate, "limits.maxOrderRate");
    onlyKeys(r, ["count", "windowMs"], "limits.maxOrderRate.");
    out.maxOrderRate = { count: number(r.count, "limits.maxOrderRate.count"), windowMs: number(r.windowMs, "limits.maxOrderRate.windowMs") };
  }
  return out;
}

function sizing(value: JsonObject[string] | undefined): SizingSpec | undefined {
  if (value === undefined) return undefined;
  const s = object(value, "sizing");
  const method = string(s.method, "sizing.method", 16);
  if (!Object.hasOwn(SIZING_KEYS, method)) throw invalid("sizing.method", `must be one of ${Object.keys(SIZING_KEYS).join(", ")}, got "${method}"`);
  const keys = SIZING_KEYS[method as keyof typeof SIZING_KEYS];
  onlyKeys(s, ["method", ...keys], "sizing.");
  const spec: Record<string, number | string> = { method };
  for (const key of keys) if (s[key] !== undefined) spec[key] = number(s[key], `sizing.${key}`);
  if (method === "fixed" && spec.fraction === undefined) throw invalid("sizing.fraction", "is required for fixed sizing");
  if (method === "volTarget" && spec.target === undefined) throw invalid("sizing.target", "is required for volTarget sizing");
  return spec as unknown as SizingSpec;
}
