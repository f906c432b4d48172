import { ConfigError, shown, shownKey, StrategyError, type EngineError, type ErrorLocation } from "../core/errors.ts";
import { checkSetting, type SettingSpec } from "../core/settings.ts";
import { LIMIT_SETTINGS, ORDER_RATE_SETTINGS, type RiskLimits } from "../risk/limits.ts";
import { SIZING_SETTINGS } from "../risk/sizing.ts";
import type { ScoredArticle } from "../news/article.ts";
import { checkNews } from "../news/news-file.ts";
import { checkMemory } from "../signals/memory-filter.ts";
import { checkCombine, combinationParams, strategyNames } from "../signals/spec.ts";
import { getStrategy, strategies } from "../strategies/index.ts";
import { resolveParams } from "../strategies/params.ts";
import { CONFIG_SETTINGS, type RunSettings } from "./config.ts";
import type { BacktestRequest, SizingSpec } from "./job.ts";

/** A backtest request as plain data not yet checked: a JSON body, a message from the page, flags the CLI has read. */
export type UncheckedRequest = { readonly [K in keyof BacktestRequest]?: unknown };

type ErrorClass = new (message: string, where?: ErrorLocation) => EngineError;

/**
 * The one check of a backtest request, whichever front end it comes from:
 * the strategy (one name, or several comma-separated with `combine`: a
 * combination, whose parameters are prefixed by strategy, src/signals) and
 * its parameters, the holdings file a strategy may need, the run settings,
 * the memory filter, the risk limits and the sizing, each against its
 * declaration (CONFIG_SETTINGS, LIMIT_SETTINGS, SIZING_SETTINGS,
 * COMBINE_SETTINGS, MEMORY_SETTINGS, the strategies' params). Types are
 * strict (a string is never a number) and every error names the path in the
 * request at fault (params.fast, params.momentum.fast, combine.method, memory.k, config.initialCash,
 * limits.maxOrderRate.count, sizing.lookback): the same path a JSON client sends.
 */
export function checkBacktestRequest(req: UncheckedRequest): BacktestRequest {
  const strategy = strategyPart(req);
  return {
    ...strategy,
    ...(req.memory === undefined ? {} : { memory: memory(req.memory, strategy.strategy) }),
    config: req.config === undefined ? undefined : settings(req.config, "config", CONFIG_SETTINGS) as RunSettings,
    limits: req.limits === undefined ? undefined : limits(req.limits),
    sizing: req.sizing === undefined ? undefined : sizing(req.sizing),
    ...news(strategy.strategy, req.news),
  };
}

/** The strategy (or combination), its parameters, and the holdings or combine settings it takes. */
function strategyPart(req: UncheckedRequest): Pick<BacktestRequest, "strategy" | "params" | "combine" | "holdings"> {
  const names = strategyNames(req.strategy);
  const given = req.params === undefined ? {} : record(req.params, "params", StrategyError);
  if (req.combine !== undefined || names.length > 1) {
    if (req.combine === undefined) {
      throw new StrategyError(`strategy lists ${names.length} strategies (${names.join(", ")}); say how to combine their signals: combine.method "vote" or "weighted"`, { field: "combine" });
    }
    if (req.holdings !== undefined) throw new StrategyError("holdings is for the mirror strategy; a combination takes none", { field: "holdings" });
    return { strategy: names.join(","), params: combinationParams(names, given), combine: checkCombine(req.combine, names) };
  }
  const def = getStrategy(names[0]);
  const params = resolveParams(def.name, def.params, given);
  const { holdings } = req;
  if (!def.inputs?.holdings) {
    if (holdings !== undefined) throw new StrategyError(`${def.name} takes no holdings; only mirror does`, { field: "holdings" });
    return { strategy: def.name, params };
  }
  if (typeof holdings !== "string") {
    throw new StrategyError(`${def.name} needs holdings: the text of a CSV file of date,symbol,shares (or value) rows, got ${shown(holdings)}`, { field: "holdings" });
  }
  return { strategy: def.name, params, holdings };
}

/** The memory filter's settings; it wraps a per-symbol strategy or a combination, not a book strategy. */
function memory(value: unknown, strategy: string): BacktestRequest["memory"] {
  if (!strategy.includes(",") && getStrategy(strategy).createBook) {
    throw new StrategyError(`${strategy} trades a whole book of series; the memory filter judges one series' long and short signals, so it cannot wrap it`, { field: "memory" });
  }
  return checkMemory(value);
}

/** The request's news, checked and scored, for a strategy that reads news; refused for one that does not (and for a combination). */
function news(strategy: string, value: unknown): { news?: ScoredArticle[] } {
  const def = strategy.includes(",") ? undefined : getStrategy(strategy);
  const reads = def?.inputs?.news === true;
  if (value === undefined) {
    if (reads) throw new StrategyError(`${def!.name} needs news: give a news file (nt backtest --news FILE) or \`news\` in the request`, { field: "news" });
    return {};
  }
  if (!reads) {
    const readers = strategies.filter((s) => s.inputs?.news).map((s) => s.name).join(", ");
    throw new StrategyError(`${def ? def.name : "a combination of strategies"} takes no news; only ${readers} does`, { field: "news" });
  }
  return { news: checkNews(value) };
}

function limits(value: unknown): RiskLimits {
  const { maxOrderRate, ...rest } = record(value, "limits");
  const out: RiskLimits = settings(rest, "limits", LIMIT_SETTINGS, ["maxOrderRate"]);
  if (maxOrderRate !== undefined) {
    const rate = settings(maxOrderRate, "limits.maxOrderRate", ORDER_RATE_SETTINGS);
    out.maxOrderRate = { count: rate.count!, windowMs: rate.windowMs! };
  }
  return out;
}

function sizing(value: unknown): SizingSpec {
  const { method, ...rest } = record(value, "sizing");
  const methods = Object.keys(SIZING_SETTINGS);
  if (typeof method !== "string" || !Object.hasOwn(SIZING_SETTINGS, method)) {
    throw new ConfigError(`sizing.method must be one of ${methods.join(", ")}, got ${shown(method)}`, { field: "sizing.method" });
  }
  const specs = SIZING_SETTINGS[method as keyof typeof SIZING_SETTINGS];
  return { method, ...settings(rest, "sizing", specs, ["method"]) } as SizingSpec;
}

/**
 * An object of numeric settings checked against their declarations: no
 * unknown keys, required ones present, each value of its type and in range.
 * `alsoKnown` are keys the caller checks itself.
 */
function settings(value: unknown, path: string, specs: readonly SettingSpec[], alsoKnown: readonly string[] = []): Record<string, number> {
  const o = record(value, path);
  const known = [...specs.map((s) => s.name), ...alsoKnown];
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new ConfigError(`${path}.${shownKey(key)} is not a known setting; expected one of ${known.join(", ")}`, { field: `${path}.${shownKey(key)}` });
  }
  const out: Record<string, number> = {};
  for (const spec of specs) {
    const field = `${path}.${spec.name}`;
    const v = o[spec.name];
    if (v === undefined) {
      if (spec.required) throw new ConfigError(`${field} is required`, { field });
      continue;
    }
    out[spec.name] = checkSetting(spec, v, field) as number;
  }
  return out;
}

/** A plain object (not an array, not null), with only its own keys looked at. */
function record(value: unknown, field: string, error: ErrorClass = ConfigError): Readonly<Record<string, unknown>> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new error(`${field} must be an object, got ${shown(value)}`, { field });
  return value as Record<string, unknown>;
}
