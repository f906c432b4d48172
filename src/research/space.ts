// The parameter space of a sweep: which settings vary, over which values,
// and how one point of the space becomes a backtest request.
import type { BacktestRequest } from "../backtest/job.ts";
import { CONFIG_SETTINGS } from "../backtest/config.ts";
import { ConfigError, shown } from "../core/errors.ts";
import { checkSetting, type SettingSpec } from "../core/settings.ts";
import { Random } from "../core/random.ts";
import { LIMIT_SETTINGS } from "../risk/limits.ts";
import { SIZING_SETTINGS } from "../risk/sizing.ts";
import { COMBINE_SETTINGS, strategyNames, WEIGHT_SETTING } from "../signals/spec.ts";
import { getStrategy } from "../strategies/index.ts";

/** One value per varied key; keys are request paths ("params.fast", "config.slippageBps", "sizing.target", "params.momentum.fast", "combine.ttl"). */
export type Point = Readonly<Record<string, number | boolean>>;

/** A grid axis: evenly spaced values from `from` to `to` (both included when the step lands on it), or listed values. */
export type GridAxis =
  | { readonly key: string; readonly from: number; readonly to: number; readonly step: number }
  | { readonly key: string; readonly values: readonly (number | boolean)[] };

/** A random-search dimension: uniform on [min, max] (integers for integer settings). */
export interface RandomAxis {
  readonly key: string;
  readonly min: number;
  readonly max: number;
}

/** How the points of a sweep are chosen. */
export type SpaceSpec =
  | { readonly grid: readonly GridAxis[] }
  | { readonly random: { readonly count: number; readonly seed: number; readonly space: readonly RandomAxis[] } };

/** The most points one sweep may have: enough for any grid a person reads, small enough to plan in memory. */
export const MAX_POINTS = 100_000;

/**
 * The request path a key names and the declaration that checks its values.
 * A bare name is a strategy parameter when the strategy has one by that name,
 * else a run setting (CONFIG_SETTINGS); "params.x", "config.x", "limits.x"
 * and "sizing.x" name a place explicitly (sizing options of the base
 * request's sizing method). For a combination (a base with `combine`), the
 * strategy's parameters are its members' by prefix ("momentum.fast",
 * "params.momentum.fast"), and the combination's own numeric settings are
 * "combine.minConfidence", "combine.ttl" and "combine.weights.NAME" (bare:
 * "minConfidence", "ttl", "weights.NAME", as the sweep's table shows them):
 * the same declarations checkBacktestRequest checks a combined request by.
 */
export function resolveKey(base: BacktestRequest, key: string): { path: string; spec: SettingSpec } {
  const dot = key.indexOf(".");
  const [where, name] = dot < 0 ? [undefined, key] : [key.slice(0, dot), key.slice(dot + 1)];
  const strategyPart = base.combine === undefined ? strategyKey(base, where, name) : combinedKey(base, key, where, name);
  if (strategyPart) return strategyPart;
  const config = CONFIG_SETTINGS.find((s) => s.name === name);
  if ((where === undefined || where === "config") && config) return { path: `config.${name}`, spec: config };
  const limit = LIMIT_SETTINGS.find((s) => s.name === name);
  if (where === "limits" && limit) return { path: `limits.${name}`, spec: limit };
  if (where === "sizing") {
    const method = base.sizing?.method;
    const spec = method === undefined ? undefined : (SIZING_SETTINGS[method] as readonly SettingSpec[]).find((s) => s.name === name);
    if (spec) return { path: `sizing.${name}`, spec };
    throw new ConfigError(`sweep key ${shown(key)}: ${method === undefined ? "the base request has no sizing method" : `sizing ${method} has no option ${shown(name)}`}`, { field: key });
  }
  const runSettings = [...CONFIG_SETTINGS.map((s) => s.name), ...LIMIT_SETTINGS.map((s) => `limits.${s.name}`), "sizing.<option>"];
  if (base.combine === undefined) {
    const def = getStrategy(base.strategy);
    const known = [...def.params.map((p) => p.name), ...runSettings];
    throw new ConfigError(`sweep key ${shown(key)} is neither a ${def.name} parameter nor a run setting; known: ${known.join(", ")}`, { field: key });
  }
  const names = strategyNames(base.strategy);
  const known = [...combinedKeys(names), ...runSettings].join(", ");
  const member = where !== undefined && names.includes(where) ? where : where === "params" && names.includes(name.split(".")[0]) ? name.split(".")[0] : undefined;
  const why = member !== undefined
    ? `${member} has no parameter ${shown(key.slice(key.lastIndexOf(".") + 1))}`
    : where === "combine"
      ? `the combination has no numeric setting ${shown(name)} (combine.weights.NAME takes one of ${names.join(", ")})`
      : where === undefined && names.some((n) => getStrategy(n).params.some((p) => p.name === key))
        ? `a combination's parameters are prefixed by their strategy, e.g. ${names.find((n) => getStrategy(n).params.some((p) => p.name === key))}.${key}`
        : `it is neither a parameter of ${names.join(", ")} (prefixed by strategy), a setting of the combination, nor a run setting`;
  throw new ConfigError(`sweep key ${shown(key)}: ${why}; known: ${known}`, { field: key });
}

/** A single strategy's parameter: "fast" or "params.fast". */
function strategyKey(base: BacktestRequest, where: string | undefined, name: string): { path: string; spec: SettingSpec } | undefined {
  const param = getStrategy(base.strategy).params.find((p) => p.name === name);
  return (where === undefined || where === "params") && param ? { path: `params.${name}`, spec: param } : undefined;
}

/** A combination's member parameter ("momentum.fast", "params.momentum.fast") or its own setting ("combine.ttl", "ttl", "weights.momentum"). */
function combinedKey(base: BacktestRequest, key: string, where: string | undefined, name: string): { path: string; spec: SettingSpec } | undefined {
  const names = strategyNames(base.strategy);
  const member = (m: string, p: string) => {
    const param = names.includes(m) ? getStrategy(m).params.find((s) => s.name === p) : undefined;
    return param ? { path: `params.${m}.${p}`, spec: param } : undefined;
  };
  if (where === "params") {
    const dot = name.indexOf(".");
    return dot < 0 ? undefined : member(name.slice(0, dot), name.slice(dot + 1));
  }
  if (where !== undefined && names.includes(where)) return member(where, name);
  const own = where === "combine" ? name : where === undefined || where === "weights" ? key : undefined;
  if (own === undefined) return undefined;
  const setting = COMBINE_SETTINGS.find((s) => s.name === own);
  if (setting) return { path: `combine.${own}`, spec: setting };
  if (own.startsWith("weights.") && names.includes(own.slice("weights.".length))) return { path: `combine.${own}`, spec: WEIGHT_SETTING };
  return undefined;
}

/** The keys a combination's sweep may vary, besides the run settings. */
function combinedKeys(names: readonly string[]): string[] {
  return [
    ...names.flatMap((n) => getStrategy(n).params.map((p) => `${n}.${p.name}`)),
    ...COMBINE_SETTINGS.map((s) => `combine.${s.name}`), ...names.map((n) => `combine.weights.${n}`),
  ];
}

/** The points a space describes, each keyed by request path, checked against the settings' declarations. */
export function points(base: BacktestRequest, space: SpaceSpec): Point[] {
  return "grid" in space ? gridPoints(base, space.grid) : randomPoints(base, space.random);
}

function gridPoints(base: BacktestRequest, axes: readonly GridAxis[]): Point[] {
  if (axes.length === 0) throw new ConfigError("a grid needs at least one axis", { field: "grid" });
  const resolved = axes.map((axis) => {
    const { path, spec } = resolveKey(base, axis.key);
    const values = "values" in axis ? [...axis.values] : steps(axis, spec);
    for (const v of values) checkSetting(spec, v, axis.key);
    return { path, values };
  });
  const seen = new Set<string>();
  for (const r of resolved) {
    if (seen.has(r.path)) throw new ConfigError(`${r.path} appears twice in the grid`, { field: r.path });
    seen.add(r.path);
  }
  const total = resolved.reduce((n, r) => n * r.values.length, 1);
  if (total > MAX_POINTS) throw new ConfigError(`the grid has ${total} points, more than ${MAX_POINTS}; use fewer values or a random search`, { field: "grid" });
  // The last axis varies fastest, so a two-axis grid reads row by row.
  let out: Record<string, number | boolean>[] = [{}];
  for (const { path, values } of resolved) out = out.flatMap((p) => values.map((v) => ({ ...p, [path]: v })));
  return out;
}

/** from, from + step, ... up to `to`; values are rounded to 12 significant digits so 0.1 steps print as 0.1, 0.2, 0.3. */
function steps(axis: { key: string; from: number; to: number; step: number }, spec: SettingSpec): number[] {
  const { key, from, to, step } = axis;
  if (![from, to, step].every(Number.isFinite)) throw new ConfigError(`${key}: from, to and step must be numbers`, { field: key });
  if (!(step > 0)) throw new ConfigError(`${key}: step must be above 0, got ${step}`, { field: key });
  if (to < from) throw new ConfigError(`${key}: to (${to}) is below from (${from})`, { field: key });
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > MAX_POINTS) throw new ConfigError(`${key}: ${count} values, more than ${MAX_POINTS}`, { field: key });
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = Number((from + i * step).toPrecision(12));
    if (spec.type === "integer" && !Number.isInteger(v)) throw new ConfigError(`${key} is an integer setting but the grid gives ${v}; use an integer step`, { field: key });
    values.push(v);
  }
  return values;
}

function randomPoints(base: BacktestRequest, spec: { count: number; seed: number; space: readonly RandomAxis[] }): Point[] {
  const { count, seed, space } = spec;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_POINTS)) throw new ConfigError(`random count must be an integer from 1 to ${MAX_POINTS}, got ${count}`, { field: "random" });
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new ConfigError(`seed must be an integer in [0, 2^32), got ${seed}`, { field: "seed" });
  if (space.length === 0) throw new ConfigError("a random search needs at least one dimension", { field: "space" });
  const dims = space.map((axis) => {
    const { path, spec: setting } = resolveKey(base, axis.key);
    if (setting.type === "boolean") throw new ConfigError(`${axis.key} is true or false; put it in a grid instead`, { field: axis.key });
    if (!(Number.isFinite(axis.min) && Number.isFinite(axis.max) && axis.min <= axis.max)) {
      throw new ConfigError(`${axis.key}: the range needs min <= max, got ${axis.min}:${axis.max}`, { field: axis.key });
    }
    checkSetting(setting, axis.min, axis.key);
    checkSetting(setting, axis.max, axis.key);
    return { path, integer: setting.type === "integer", min: axis.min, max: axis.max };
  });
  // One generator for the whole search: the same seed gives the same points in every runtime.
  const rng = new Random(seed);
  const out: Point[] = [];
  for (let i = 0; i < count; i++) {
    const p: Record<string, number> = {};
    for (const d of dims) {
      const u = rng.uniform();
      p[d.path] = d.integer
        ? Math.min(d.max, Math.ceil(d.min) + Math.floor(u * (Math.floor(d.max) - Math.ceil(d.min) + 1)))
        : Number((d.min + u * (d.max - d.min)).toPrecision(6));
    }
    out.push(p);
  }
  return out;
}

/** The base request with a point's values put in place. */
export function applyPoint(base: BacktestRequest, point: Point): BacktestRequest {
  const parts: Record<string, Record<string, unknown>> = {
    params: { ...base.params }, config: { ...base.config }, limits: { ...base.limits }, sizing: { ...base.sizing },
  };
  let combine = base.combine;
  for (const [path, value] of Object.entries(point)) {
    const dot = path.indexOf(".");
    const [part, name] = [path.slice(0, dot), path.slice(dot + 1)];
    if (part !== "combine") parts[part][name] = value;
    else if (combine === undefined) throw new ConfigError(`${path}: the base request is not a combination of strategies`, { field: path });
    else if (name.startsWith("weights.")) combine = { ...combine, weights: { ...combine.weights, [name.slice("weights.".length)]: value as number } };
    else combine = { ...combine, [name]: value };
  }
  const some = (o: Record<string, unknown>) => (Object.keys(o).length > 0 ? o : undefined);
  // The parts no point varies (memory, holdings, news) stay as the base has them.
  return {
    ...base, params: parts.params as BacktestRequest["params"], config: some(parts.config),
    limits: some(parts.limits), sizing: some(parts.sizing) as BacktestRequest["sizing"],
    ...(combine === undefined ? {} : { combine }),
  };
}

/**
 * A point with short keys for tables and reports: "params.fast" shows as
 * "fast", a combination's "params.momentum.fast" as "momentum.fast" and
 * "combine.minConfidence" as "minConfidence"; each is a key resolveKey takes.
 */
export function shortKeys(point: Point): Record<string, number | boolean> {
  const short = (k: string) => (["params.", "config.", "combine."].some((p) => k.startsWith(p)) ? k.slice(k.indexOf(".") + 1) : k);
  return Object.fromEntries(Object.entries(point).map(([k, v]) => [short(k), v]));
}
