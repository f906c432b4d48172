// The flags every command that runs a strategy takes (nt backtest, nt trade):
// strategy, parameters, costs, sizing and risk limits, read into the same
// BacktestRequest an API body is, so the engine checks them all one way.
import { resolve } from "node:path";
import type { ParseArgsOptionsConfig } from "node:util";
import { CONFIG_SETTINGS, type ConfigSettingName, type RunSettings } from "../../../src/backtest/config.ts";
import type { BacktestRequest, SizingSpec } from "../../../src/backtest/job.ts";
import { shown } from "../../../src/core/errors.ts";
import type { SettingSpec } from "../../../src/core/settings.ts";
import { LIMIT_SETTINGS, ORDER_RATE_SETTINGS, type LimitSettingName, type RiskLimits } from "../../../src/risk/limits.ts";
import { SIZING_SETTINGS } from "../../../src/risk/sizing.ts";
import { MEMORY_SETTINGS, type MemorySpec } from "../../../src/signals/memory-filter.ts";
import {
  COMBINE_METHODS, COMBINE_SETTINGS, combinationParamsFromText, strategyNames, WEIGHT_SETTING, type CombineSpec,
} from "../../../src/signals/spec.ts";
import { getStrategy, strategies } from "../../../src/strategies/index.ts";
import { paramsFromText } from "../../../src/strategies/params.ts";
import { asUsageError, flagSetting, UsageError } from "./command.ts";
import { readNewsFile } from "./files.ts";

/** parseArgs options of the request flags. */
export const REQUEST_OPTIONS = {
  strategy: { type: "string", default: "momentum" }, param: { type: "string", multiple: true, default: [] as string[] }, cash: { type: "string" },
  "slippage-bps": { type: "string" }, commission: { type: "string" }, "commission-order": { type: "string" },
  fraction: { type: "string" }, "stop-loss": { type: "string" }, "take-profit": { type: "string" }, "max-participation": { type: "string" },
  sizing: { type: "string" }, "max-position": { type: "string" }, "max-notional": { type: "string" },
  "max-gross": { type: "string" }, "max-net": { type: "string" }, "max-orders": { type: "string" },
  "max-daily-loss": { type: "string" }, "max-drawdown": { type: "string" }, news: { type: "string" },
  combine: { type: "string" }, weight: { type: "string", multiple: true, default: [] as string[] }, "min-confidence": { type: "string" },
  ttl: { type: "string" }, override: { type: "string" },
  memory: { type: "boolean" }, "memory-k": { type: "string" }, "memory-holding": { type: "string" },
  "memory-min-traces": { type: "string" }, "memory-min-edge": { type: "string" },
} satisfies ParseArgsOptionsConfig;

/** The flag of each memory filter setting (src/signals/memory-filter.ts). */
const MEMORY_FLAGS = {
  "memory-k": "k", "memory-holding": "holding", "memory-min-traces": "minTraces", "memory-min-edge": "minEdge",
} as const satisfies Record<string, (typeof MEMORY_SETTINGS)[number]["name"]>;

const memoryUsage = (flag: keyof typeof MEMORY_FLAGS) => {
  const spec = MEMORY_SETTINGS.find((s) => s.name === MEMORY_FLAGS[flag])!;
  return `  --${`${flag} ${spec.type === "integer" ? "N" : "F"}`.padEnd(21)}${spec.description} (default ${spec.default})`;
};

/** Usage lines of the request flags. */
export const REQUEST_USAGE = `  --strategy NAME        ${strategies.map((s) => s.name).join(" | ")} (default momentum)
  --param k=v            strategy parameter, repeatable:
${strategies.map((s) => `                           ${s.name}: ${s.params.map((p) => `${p.name}=${p.default}`).join(" ")}`).join("\n")}
  --cash N               initial cash (default 100000)
  --slippage-bps N       slippage on market and stop fills (default 1)
  --commission N         commission per share (default 0.005)
  --commission-order N   commission per order (default 0)
  --fraction F           fraction of equity per position, (0, 1] (default 1)
  --stop-loss F          protective stop at this fraction from entry, e.g. 0.05
  --take-profit F        take-profit limit at this fraction from entry, e.g. 0.1
  --max-participation F  fill at most this fraction of a bar's volume per bar (default: no limit)
  --sizing SPEC          fixed:F | vol:TARGET[:LOOKBACK] | kelly:SCALE[:LOOKBACK] (default fixed:1)
  --news FILE            news for ${strategies.filter((s) => s.inputs?.news).map((s) => s.name).join(", ")}: JSON, JSON lines or CSV of timestamped
                           headlines (see nt news --help); each counts from the first bar after its time
Risk limits (denied orders are listed in the report):
  --max-position N       largest quantity held
  --max-notional N       largest position value
  --max-gross F          largest gross exposure / equity
  --max-net F            largest net exposure / equity
  --max-orders N:DAYS    at most N orders in any DAYS-day window
  --max-daily-loss F     halt new exposure for the day after losing this fraction
  --max-drawdown F       halt new exposure after a drawdown of this fraction
Several strategies combined into one (the signal layer; dropped signals are listed in the report):
  --strategy A,B[,C]     the strategies whose signals are combined; their parameters by prefix: --param A.fast=10
  --combine METHOD       ${COMBINE_METHODS.join(" | ")}: net weight of the standing longs against the shorts,
                         each counted by its weight (vote) or weight x confidence (weighted); a tie is flat
  --weight NAME=W        a strategy's weight, repeatable (default 1)
  --min-confidence F     ${COMBINE_SETTINGS[0].description}
  --ttl N                ${COMBINE_SETTINGS[1].description}
  --override NAME        this strategy's long or short decides over the others' while it stands
Reflexion (vetoes are listed in the report's dropped signals):
  --memory               judge each long and short by the outcomes of the nearest past decisions in similar
                         situations whose outcome was known by then: veto it when their mean outcome is below
                         the min edge, else scale its confidence by their win rate
${Object.keys(MEMORY_FLAGS).map((f) => memoryUsage(f as keyof typeof MEMORY_FLAGS)).join("\n")}`;

/** The flags of each run setting and limit, as the request names them (src/backtest/config.ts, src/risk/limits.ts). */
const CONFIG_FLAGS = {
  cash: "initialCash", "slippage-bps": "slippageBps", commission: "commissionPerShare", "commission-order": "commissionPerOrder",
  fraction: "positionFraction", "stop-loss": "stopLossPct", "take-profit": "takeProfitPct", "max-participation": "maxParticipation",
} as const satisfies Record<string, ConfigSettingName>;
const LIMIT_FLAGS = {
  "max-position": "maxPositionQuantity", "max-notional": "maxPositionNotional", "max-gross": "maxGrossExposure",
  "max-net": "maxNetExposure", "max-daily-loss": "maxDailyLoss", "max-drawdown": "maxDrawdown",
} as const satisfies Record<string, LimitSettingName>;

export type Flags = { [flag: string]: string | string[] | boolean | undefined };

/**
 * The flags as a backtest request. Text becomes numbers here, by the rules
 * every front end uses for typed text (settingFromText: plain decimal, in
 * the declared range), with errors naming the flag; the engine then checks
 * the request as it checks an API body.
 */
export function requestFromFlags(values: Flags): BacktestRequest {
  const config: RunSettings = {};
  for (const [flag, name] of Object.entries(CONFIG_FLAGS)) {
    const v = optionalFlag(values, flag, CONFIG_SETTINGS.find((s) => s.name === name)!);
    if (v !== undefined) config[name] = v;
  }
  const limits: RiskLimits = {};
  for (const [flag, name] of Object.entries(LIMIT_FLAGS)) {
    const v = optionalFlag(values, flag, LIMIT_SETTINGS.find((s) => s.name === name)!);
    if (v !== undefined) limits[name] = v;
  }
  if (values["max-orders"] !== undefined) limits.maxOrderRate = parseOrderRate(values["max-orders"] as string);
  return {
    ...strategyFromFlags(values),
    ...memoryFromFlags(values),
    config, limits,
    sizing: values.sizing === undefined ? undefined : parseSizing(values.sizing as string),
  };
}

const COMBINE_FLAGS = ["weight", "min-confidence", "ttl", "override"] as const;

/** --strategy and --param, and for a combination --combine and its settings, as the request names them. */
function strategyFromFlags(values: Flags): Pick<BacktestRequest, "strategy" | "params" | "combine"> {
  const names = asUsageError(() => strategyNames(values.strategy));
  const texts = parseParams(values.param as string[]);
  const field = (key: string) => `--param ${key}`;
  if (values.combine === undefined) {
    if (names.length > 1) throw new UsageError(`--strategy lists ${names.length} strategies; say how to combine their signals: --combine ${COMBINE_METHODS.join(" or --combine ")}`);
    const given = COMBINE_FLAGS.find((f) => values[f] !== undefined && (values[f] as unknown[]).length !== 0);
    if (given !== undefined) throw new UsageError(`--${given} is a setting of a combination; add --combine ${COMBINE_METHODS.join(" or ")}`);
    const strategy = getStrategy(names[0]);
    return { strategy: strategy.name, params: asUsageError(() => paramsFromText(strategy.name, strategy.params, texts, field)) };
  }
  return {
    strategy: names.join(","),
    params: asUsageError(() => combinationParamsFromText(names, texts, field)),
    combine: combineFromFlags(values, names),
  };
}

function combineFromFlags(values: Flags, names: readonly string[]): CombineSpec {
  const method = values.combine as string;
  if (!(COMBINE_METHODS as readonly string[]).includes(method)) throw new UsageError(`--combine must be ${COMBINE_METHODS.join(" or ")}, got ${shown(method)}`);
  const spec: { -readonly [K in keyof CombineSpec]: CombineSpec[K] } = { method: method as CombineSpec["method"] };
  const weights: Record<string, number> = {};
  for (const [name, text] of Object.entries(parsePairs(values.weight as string[], "--weight", "NAME=W"))) {
    if (!names.includes(name)) throw new UsageError(`--weight ${name}: ${shown(name)} is not one of the combined strategies (${names.join(", ")})`);
    weights[name] = flagSetting(WEIGHT_SETTING, text, `--weight ${name}`) as number;
  }
  if (Object.keys(weights).length > 0) spec.weights = weights;
  const [minConfidence, ttl] = COMBINE_SETTINGS;
  if (values["min-confidence"] !== undefined) spec.minConfidence = flagSetting(minConfidence, values["min-confidence"] as string, "--min-confidence") as number;
  if (values.ttl !== undefined) spec.ttl = flagSetting(ttl, values.ttl as string, "--ttl") as number;
  if (values.override !== undefined) {
    const name = values.override as string;
    if (!names.includes(name)) throw new UsageError(`--override must name one of the combined strategies (${names.join(", ")}), got ${shown(name)}`);
    spec.override = name;
  }
  return spec;
}

/** --memory and its settings, as the request's `memory`. */
function memoryFromFlags(values: Flags): Pick<BacktestRequest, "memory"> {
  const given = Object.keys(MEMORY_FLAGS).filter((f) => values[f] !== undefined);
  if (values.memory !== true) {
    if (given.length > 0) throw new UsageError(`--${given[0]} is a setting of the memory filter; add --memory`);
    return {};
  }
  const memory: { -readonly [K in keyof MemorySpec]: MemorySpec[K] } = {};
  for (const [flag, name] of Object.entries(MEMORY_FLAGS)) {
    const v = optionalFlag(values, flag, MEMORY_SETTINGS.find((s) => s.name === name)!);
    if (v !== undefined) memory[name] = v;
  }
  return { memory };
}

/** The request with the news of --news FILE read, checked and scored (the request alone when there is no --news). */
export async function withNews(request: BacktestRequest, values: Flags, cwd: string): Promise<BacktestRequest> {
  const file = values.news as string | undefined;
  return file === undefined ? request : { ...request, news: await readNewsFile(resolve(cwd, file), file) };
}

function optionalFlag(values: Flags, flag: string, spec: SettingSpec): number | undefined {
  const text = values[flag];
  return text === undefined ? undefined : flagSetting(spec, text as string, `--${flag}`) as number;
}

/** "k=v" pairs into texts by name, for paramsFromText. */
export function parseParams(pairs: string[]): Record<string, string> {
  return parsePairs(pairs, "--param", "k=v");
}

function parsePairs(pairs: string[], flag: string, form: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} expects ${form}, got ${shown(pair)}`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

function parseSizing(spec: string): SizingSpec {
  const [method, a, b, ...rest] = spec.split(":");
  const arg = (m: keyof typeof SIZING_SETTINGS, name: string, text: string | undefined) =>
    text === undefined ? undefined : flagSetting(SIZING_SETTINGS[m].find((s) => s.name === name)!, text, `--sizing ${name}`) as number;
  const usage = () => new UsageError(`--sizing expects fixed:F, vol:TARGET[:LOOKBACK] or kelly:SCALE[:LOOKBACK], got ${shown(spec)}`);
  if (rest.length > 0) throw usage();
  switch (method) {
    case "fixed": if (b !== undefined) throw usage(); return { method: "fixed", fraction: arg("fixed", "fraction", a ?? "1")! };
    case "vol": if (a === undefined) throw usage(); return { method: "volTarget", target: arg("volTarget", "target", a)!, lookback: arg("volTarget", "lookback", b) };
    case "kelly": return { method: "kelly", scale: arg("kelly", "scale", a), lookback: arg("kelly", "lookback", b) };
    default: throw usage();
  }
}

function parseOrderRate(spec: string): { count: number; windowMs: number } {
  const parts = spec.split(":");
  if (parts.length !== 2) throw new UsageError(`--max-orders expects N:DAYS, got ${shown(spec)}`);
  const [count, windowMs] = ORDER_RATE_SETTINGS;
  const days = flagSetting({ ...windowMs, name: "days", description: "days" }, parts[1], "--max-orders DAYS") as number;
  return { count: flagSetting(count, parts[0], "--max-orders N") as number, windowMs: days * 86_400_000 };
}
