import { shown, shownKey, StrategyError } from "../core/errors.ts";
import { checkSetting, type SettingSpec } from "../core/settings.ts";
import { getStrategy } from "../strategies/index.ts";
import { paramField, paramsFromText, resolveParams } from "../strategies/params.ts";
import type { StrategyDefinition, StrategyParams } from "../strategies/strategy.ts";
import { CombinedStrategy, type CombineMethod } from "./combine.ts";

/**
 * A combination of strategies as a request gives it, read the same way
 * from a JSON body and from the command line (whose flags become this):
 * `strategy` lists the members comma-separated ("momentum,mean-reversion"),
 * `params` addresses each member's parameters by prefix
 * ("momentum.fast": 10), and `combine` says how their signals meet.
 */
export interface CombineSpec {
  readonly method: CombineMethod;
  /** Weight per member strategy, > 0 (default 1). */
  readonly weights?: Readonly<Record<string, number>>;
  /** Long and short signals below this confidence are dropped (default 0: none). */
  readonly minConfidence?: number;
  /** Bars a signal stands for before it expires (default: until its strategy signals again). */
  readonly ttl?: number;
  /** The member whose long or short overrides the others. */
  readonly override?: string;
}

export const COMBINE_METHODS: readonly CombineMethod[] = ["vote", "weighted"];

/** The numeric settings of `combine`, declared once for the check, the CLI's flags and the API's schema. */
export const COMBINE_SETTINGS = [
  { name: "minConfidence", type: "number", min: 0, max: 1, description: "drop long and short signals below this confidence (default 0: none)" },
  { name: "ttl", type: "integer", min: 1, max: 1_000_000, description: "bars a signal stands for, its own bar included, before it expires (default: until its strategy signals again)" },
] as const satisfies readonly SettingSpec[];

/** What the parts of `combine` that are not numeric settings mean, declared once for the API's schema and the page's form. */
export const COMBINE_DESCRIPTIONS = {
  combine: "how the signals of the strategies listed in strategy are combined (dropped signals are listed in the report's droppedSignals)",
  method: "vote: net of the standing signals' weights, long against short; weighted: of weight x confidence; a tie is flat",
  weights: "weight per combined strategy (default 1)",
  override: "a combined strategy whose long or short decides over the others' while it stands",
} as const;

/** A member's weight in `combine.weights`. */
export const WEIGHT_SETTING = {
  name: "weight", type: "number", min: 0, minExclusive: true, max: 1_000_000, description: "a member strategy's weight in the vote (default 1)",
} as const satisfies SettingSpec;

/**
 * The names in a request's strategy field: one name, or several separated
 * by commas (a combination). Each must be a known per-symbol strategy
 * (a book strategy such as pairs trades whole books and cannot be a member),
 * listed once.
 */
export function strategyNames(field: unknown): string[] {
  if (typeof field !== "string") throw new StrategyError(`strategy must be a strategy name (or several, comma-separated), got ${shown(field)}`, { field: "strategy" });
  const names = field.split(",").map((n) => n.trim());
  if (names.some((n) => n === "")) {
    throw new StrategyError(`strategy ${shown(field)} has an empty name; give one name or several separated by commas, e.g. momentum,mean-reversion`, { field: "strategy" });
  }
  if (names.length === 1) return names;
  for (const [i, name] of names.entries()) {
    if (names.indexOf(name) !== i) throw new StrategyError(`strategy lists ${name} twice; a combination names each strategy once`, { field: "strategy" });
    if (getStrategy(name).createBook) {
      throw new StrategyError(`${name} trades a whole book of series and cannot be combined with other strategies; run it alone`, { field: "strategy" });
    }
  }
  return names;
}

/** A request's `combine` checked against the members it combines; errors name combine.method, combine.weights.NAME, .... */
export function checkCombine(value: unknown, names: readonly string[]): CombineSpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new StrategyError(`combine must be an object such as {"method": "vote"}, got ${shown(value)}`, { field: "combine" });
  }
  const { method, weights, override, ...rest } = value as Record<string, unknown>;
  const known = ["method", "weights", "override", ...COMBINE_SETTINGS.map((s) => s.name)];
  for (const key of Object.keys(rest)) {
    if (!known.includes(key)) throw new StrategyError(`combine.${shownKey(key)} is not a known setting; expected one of ${known.join(", ")}`, { field: `combine.${shownKey(key)}` });
  }
  if (typeof method !== "string" || !(COMBINE_METHODS as readonly string[]).includes(method)) {
    throw new StrategyError(`combine.method must be one of ${COMBINE_METHODS.join(", ")}, got ${shown(method)}`, { field: "combine.method" });
  }
  const out: { -readonly [K in keyof CombineSpec]: CombineSpec[K] } = { method: method as CombineMethod };
  if (weights !== undefined) out.weights = checkWeights(weights, names);
  if (override !== undefined) {
    if (typeof override !== "string" || !names.includes(override)) {
      throw new StrategyError(`combine.override must name one of the combined strategies (${names.join(", ")}), got ${shown(override)}`, { field: "combine.override" });
    }
    out.override = override;
  }
  for (const spec of COMBINE_SETTINGS) {
    const v = (rest as Record<string, unknown>)[spec.name];
    if (v !== undefined) out[spec.name] = checkSetting(spec, v, `combine.${spec.name}`, { error: StrategyError }) as number;
  }
  return out;
}

function checkWeights(value: unknown, names: readonly string[]): Record<string, number> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new StrategyError(`combine.weights must be an object of weights by strategy, such as {"momentum": 2}, got ${shown(value)}`, { field: "combine.weights" });
  }
  const out: Record<string, number> = {};
  for (const [name, w] of Object.entries(value)) {
    const field = `combine.weights.${shownKey(name)}`;
    if (!names.includes(name)) throw new StrategyError(`${field}: ${shown(name)} is not one of the combined strategies (${names.join(", ")})`, { field });
    out[name] = checkSetting(WEIGHT_SETTING, w, field, { error: StrategyError }) as number;
  }
  return out;
}

/**
 * The parameters of a combination, checked and with every member's defaults
 * filled in, under prefixed names ("momentum.fast"). Given values must have
 * their types (text goes through combinationParamsFromText first).
 */
export function combinationParams(names: readonly string[], given: Readonly<Record<string, unknown>>): StrategyParams {
  const byMember = splitByMember(names, given);
  const out: StrategyParams = {};
  for (const name of names) {
    const def = getStrategy(name);
    const resolved = resolveParams(name, def.params, byMember.get(name), memberField(name));
    for (const [k, v] of Object.entries(resolved)) out[`${name}.${k}`] = v;
  }
  return out;
}

/** The same from text (the CLI's --param momentum.fast=10); `field` names a prefixed parameter in errors. */
export function combinationParamsFromText(
  names: readonly string[], texts: Readonly<Record<string, string>>, field: (key: string) => string,
): Partial<StrategyParams> {
  const byMember = splitByMember(names, texts, field);
  const out: Partial<StrategyParams> = {};
  for (const name of names) {
    const def = getStrategy(name);
    const typed = paramsFromText(name, def.params, byMember.get(name) as Record<string, string>, (p) => field(`${name}.${p}`));
    for (const [k, v] of Object.entries(typed)) out[`${name}.${k}`] = v;
  }
  return out;
}

/** The combined strategy a checked request describes (checkBacktestRequest has checked names, params and spec). */
export function createCombination(names: readonly string[], params: Readonly<StrategyParams>, spec: CombineSpec): CombinedStrategy {
  const members = names.map((name) => ({
    name, weight: spec.weights?.[name] ?? 1, strategy: createMember(getStrategy(name), memberParams(name, params)),
  }));
  return new CombinedStrategy(members, spec);
}

/** Whether any member may go short (its own allowShort parameter): then the combination may. */
export function combinationShorts(names: readonly string[], params: Readonly<StrategyParams>): boolean {
  return names.some((name) => params[`${name}.allowShort`] === true);
}

/** One member's parameters, unprefixed, from a combination's. */
function memberParams(name: string, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const prefix = `${name}.`;
  return Object.fromEntries(Object.entries(params).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** A member built; an error about its parameters names them with their prefix (params.momentum.fast). */
function createMember(def: StrategyDefinition, params: Record<string, unknown>) {
  try {
    return def.create(params);
  } catch (e) {
    if (e instanceof StrategyError && e.field?.startsWith("params.")) {
      throw new StrategyError(e.message, { field: memberField(def.name)(e.field.slice("params.".length)) });
    }
    throw e;
  }
}

const memberField = (name: string) => (param: string) => paramField(`${name}.${param}`);

/** Prefixed keys grouped by member; a key without a member's prefix is an error naming it. */
function splitByMember<T>(names: readonly string[], given: Readonly<Record<string, T>>, field = (key: string) => paramField(key)): Map<string, Record<string, T>> {
  const out = new Map(names.map((n) => [n, {} as Record<string, T>]));
  for (const [key, value] of Object.entries(given)) {
    const dot = key.indexOf(".");
    const member = dot > 0 ? out.get(key.slice(0, dot)) : undefined;
    if (member === undefined) {
      const hint = dot > 0 ? `${shown(key.slice(0, dot))} is not one of them` : `name the strategy it is for, e.g. ${names[0]}.${key}`;
      throw new StrategyError(`${field(key)}: a combination's parameters are prefixed by their strategy (${names.join(", ")}); ${hint}`, { field: field(key) });
    }
    member[key.slice(dot + 1)] = value;
  }
  return out;
}
