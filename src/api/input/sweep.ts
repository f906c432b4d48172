import type { BacktestRequest } from "../../backtest/job.ts";
import { checkObjective, type Objective } from "../../research/objective.ts";
import { MAX_POINTS, type GridAxis, type RandomAxis, type SpaceSpec } from "../../research/space.ts";
import type { SweepSpec } from "../../research/sweep.ts";
import type { WalkForwardSpec } from "../../research/walk-forward.ts";
import { invalid } from "../errors.ts";
import { backtestRequest, REQUEST_FIELDS } from "./backtest.ts";
import { DATA_FIELDS } from "./data.ts";
import { array, number, object, onlyKeys, string, type Json, type JsonObject } from "./validate.ts";

/** The fields of POST /sweeps: the data, the fixed request, and what varies and how it is judged. */
export const SWEEP_FIELDS = [...DATA_FIELDS, "symbol", ...REQUEST_FIELDS, "grid", "random", "objective", "walkForward", "fastPath", "guardBlocks"] as const;

/**
 * A sweep body as the engine's SweepSpec: shapes are checked here, each
 * error naming its path (grid[1].step); values against the settings'
 * declarations when the sweep is planned (planSweep), with the same paths.
 */
export function sweepSpec(body: JsonObject): SweepSpec {
  onlyKeys(body, SWEEP_FIELDS);
  const base: BacktestRequest = backtestRequest(body);
  if ((body.grid === undefined) === (body.random === undefined)) throw invalid("grid", "or random is required, and not both");
  const space: SpaceSpec = body.grid !== undefined
    ? { grid: array(body.grid, "grid", 1, 16).map((a, i) => gridAxis(a, `grid[${i}]`)) }
    : { random: random(object(body.random, "random")) };
  let objective: Objective | undefined;
  if (body.objective !== undefined) {
    try {
      objective = checkObjective(body.objective);
    } catch (e) {
      throw invalid("objective", (e as Error).message.replace(/^objective /, ""));
    }
  }
  return {
    base, space, objective,
    walkForward: body.walkForward === undefined ? undefined : walkForward(object(body.walkForward, "walkForward")),
    fastPath: body.fastPath === undefined ? undefined : boolean(body.fastPath, "fastPath"),
    guardBlocks: body.guardBlocks === undefined ? undefined : number(body.guardBlocks, "guardBlocks", { integer: true, min: 2, max: 24 }),
  };
}

function gridAxis(v: Json, field: string): GridAxis {
  const o = object(v, field);
  const key = string(o.key, `${field}.key`, 64);
  if (o.values !== undefined) {
    onlyKeys(o, ["key", "values"], `${field}.`);
    return {
      key, values: array(o.values, `${field}.values`, 1, MAX_POINTS).map((x, i) => {
        if (typeof x !== "number" && typeof x !== "boolean") throw invalid(`${field}.values[${i}]`, "must be a number or true/false");
        return x;
      }),
    };
  }
  onlyKeys(o, ["key", "from", "to", "step"], `${field}.`);
  return { key, from: number(o.from, `${field}.from`), to: number(o.to, `${field}.to`), step: number(o.step, `${field}.step`, { min: 0 }) };
}

function random(o: JsonObject): { count: number; seed: number; space: RandomAxis[] } {
  onlyKeys(o, ["count", "seed", "space"], "random.");
  return {
    count: number(o.count, "random.count", { integer: true, min: 1, max: MAX_POINTS }),
    seed: o.seed === undefined ? 1 : number(o.seed, "random.seed", { integer: true, min: 0, max: 2 ** 32 - 1 }),
    space: array(o.space, "random.space", 1, 16).map((a, i) => {
      const field = `random.space[${i}]`;
      const axis = object(a, field);
      onlyKeys(axis, ["key", "min", "max"], `${field}.`);
      return { key: string(axis.key, `${field}.key`, 64), min: number(axis.min, `${field}.min`), max: number(axis.max, `${field}.max`) };
    }),
  };
}

function walkForward(o: JsonObject): WalkForwardSpec {
  onlyKeys(o, ["inSample", "outOfSample", "anchored"], "walkForward.");
  return {
    inSample: number(o.inSample, "walkForward.inSample", { integer: true, min: 2 }),
    outOfSample: number(o.outOfSample, "walkForward.outOfSample", { integer: true, min: 2 }),
    anchored: o.anchored === undefined ? false : boolean(o.anchored, "walkForward.anchored"),
  };
}

function boolean(v: Json | undefined, field: string): boolean {
  if (typeof v !== "boolean") throw invalid(field, "must be true or false");
  return v;
}
