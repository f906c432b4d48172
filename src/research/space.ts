// The parameter space of a sweep: which settings vary, over which values,
// and how one point of the space becomes a backtest request.
import type { BacktestRequest } from "../backtest/job.ts";
import { CONFIG_SETTINGS } from "../backtest/config.ts";
import { ConfigError, shown } from "../core/errors.ts";
import { checkSetting, type SettingSpec } from "../core/settings.ts";
import { Random } from "../core/random.ts";
import { LIMIT_SETTINGS } from "../risk/limits.ts";
import { SIZING_SETTINGS } from "../risk/sizing.ts";
import { getStrategy } from "../strategies/index.ts";

/** One value per varied key; keys are request paths ("params.fast", "config.slippageBps", "sizing.target"). */
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
 * request's sizing method).
 */
export function resolveKey(base: BacktestRequest, key: string): { path: string; spec: SettingSpec } {
  const def = getStrategy(base.strategy);
  const dot = key.indexOf(".");
  const [where, name] = dot < 0 ? [undefined, key] : [key.slice(0, dot), key.slice(dot + 1)];
  const param = def.params.find((p) => p.name === name);
  if ((where === undefined || where === "params") && param) return { path: `params.${name}`, spec: param };
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
  const known = [...def.params.map((p) => p.name), ...CONFIG_SETTINGS.map((s) => s.name), ...LIMIT_SETTINGS.map((s) => `limits.${s.name}`), "sizing.<option>"];
  throw new ConfigError(`sweep key ${shown(key)} is neither a ${def.name} parameter nor a run setting; known: ${known.join(", ")}`, { field: key });
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
  for (const [path, value] of Object.entries(point)) {
    const dot = path.indexOf(".");
    parts[path.slice(0, dot)][path.slice(dot + 1)] = value;
  }
  const some = (o: Record<string, unknown>) => (Object.keys(o).length > 0 ? o : undefined);
  // The parts no point varies (combine, memory, holdings, news) stay as the base has them.
  return {
    ...base, params: parts.params as BacktestRequest["params"], config: some(parts.config),
    limits: some(parts.limits), sizing: some(parts.sizing) as BacktestRequest["sizing"],
  };
}

/** A point with short keys for tables and reports: "params.fast" shows as "fast". */
export function shortKeys(point: Point): Record<string, number | boolean> {
  return Object.fromEntries(Object.entries(point).map(([k, v]) => [k.startsWith("params.") || k.startsWith("config.") ? k.slice(k.indexOf(".") + 1) : k, v]));
}
