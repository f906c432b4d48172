// A sweep over a combination of strategies: its keys resolve against the
// combined request's declarations, a point goes into `params` and `combine`,
// and the vectorized path declines every run (the signal layer runs event-driven).
import { describe, expect, it } from "vitest";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { LocalExecutor } from "../../src/research/executor.ts";
import { applyPoint, points, resolveKey, shortKeys } from "../../src/research/space.ts";
import { runSweep } from "../../src/research/sweep.ts";
import { statsOfReport } from "../../src/research/stats.ts";
import { vectorDeclines, VectorEngine } from "../../src/research/vector/engine.ts";
import { tsVectorKernels } from "../../src/research/vector/twin.ts";
import { resolveConfig } from "../../src/backtest/config.ts";
import type { BacktestRequest } from "../../src/backtest/job.ts";

const base: BacktestRequest = {
  strategy: "momentum,mean-reversion", params: { "momentum.allowShort": true, "mean-reversion.allowShort": true },
  combine: { method: "weighted", weights: { "mean-reversion": 2 }, ttl: 30 },
};
const series = syntheticBars({ n: 800, seed: 5, sigma: 0.3 });

describe("a combination's parameter space", () => {
  it("resolves member parameters by prefix and the combination's own settings", () => {
    expect(resolveKey(base, "momentum.fast")).toMatchObject({ path: "params.momentum.fast", spec: { name: "fast", type: "integer" } });
    expect(resolveKey(base, "params.mean-reversion.entryZ").path).toBe("params.mean-reversion.entryZ");
    expect(resolveKey(base, "combine.minConfidence")).toMatchObject({ path: "combine.minConfidence", spec: { min: 0, max: 1 } });
    expect(resolveKey(base, "combine.ttl").path).toBe("combine.ttl");
    expect(resolveKey(base, "combine.weights.momentum")).toMatchObject({ path: "combine.weights.momentum", spec: { name: "weight", minExclusive: true } });
    // The table's short keys resolve too.
    expect(resolveKey(base, "minConfidence").path).toBe("combine.minConfidence");
    expect(resolveKey(base, "weights.momentum").path).toBe("combine.weights.momentum");
    expect(resolveKey(base, "slippageBps").path).toBe("config.slippageBps");
    expect(resolveKey(base, "limits.maxDrawdown").path).toBe("limits.maxDrawdown");
  });

  it("refuses keys the combination does not have, naming the key (its field) and listing the valid ones", () => {
    const refusal = (key: string) => {
      try {
        resolveKey(base, key);
      } catch (e) {
        return { message: (e as Error).message, field: (e as { field?: string }).field };
      }
      throw new Error(`${key} resolved`);
    };
    for (const [key, why] of [
      ["combine.nope", /the combination has no numeric setting "nope"/],
      ["combine.method", /the combination has no numeric setting "method"/],
      ["combine.weights.rsi", /no numeric setting "weights\.rsi" \(combine\.weights\.NAME takes one of momentum, mean-reversion\)/],
      ["momentum.nope", /momentum has no parameter "nope"/],
      ["params.momentum.nope", /momentum has no parameter "nope"/],
      ["fast", /a combination's parameters are prefixed by their strategy, e\.g\. momentum\.fast/],
      ["entryZ", /e\.g\. mean-reversion\.entryZ/],
      ["nonsense", /neither a parameter of momentum, mean-reversion \(prefixed by strategy\), a setting of the combination, nor a run setting/],
    ] as const) {
      const r = refusal(key);
      expect(r.field).toBe(key);
      expect(r.message).toMatch(new RegExp(`^sweep key "${key.replace(/\./g, "\\.")}": `));
      expect(r.message, key).toMatch(why);
      expect(r.message).toMatch(/known: momentum\.fast, momentum\.slow, .* mean-reversion\.period, .* combine\.minConfidence, combine\.ttl, combine\.weights\.momentum, combine\.weights\.mean-reversion, initialCash, /);
    }
    // Checked against the declarations, as nt backtest checks them.
    expect(() => points(base, { grid: [{ key: "combine.minConfidence", values: [1.5] }] })).toThrow(/combine\.minConfidence/);
    expect(() => points(base, { grid: [{ key: "combine.weights.momentum", values: [0] }] })).toThrow(/combine\.weights\.momentum/);
    expect(() => points(base, { grid: [{ key: "momentum.fast", values: [2.5] }] })).toThrow(/momentum\.fast/);
  });

  it("puts a point into params and combine, keeping the base's other combine settings, and shows its keys short", () => {
    const point = { "params.momentum.fast": 7, "combine.minConfidence": 0.3, "combine.weights.momentum": 0.5, "config.slippageBps": 2 };
    const req = applyPoint(base, point);
    expect(req.params).toEqual({ ...base.params, "momentum.fast": 7 });
    expect(req.combine).toEqual({ method: "weighted", weights: { "mean-reversion": 2, momentum: 0.5 }, ttl: 30, minConfidence: 0.3 });
    expect(req.config).toEqual({ slippageBps: 2 });
    expect(base.combine).toEqual({ method: "weighted", weights: { "mean-reversion": 2 }, ttl: 30 });
    expect(shortKeys(point)).toEqual({ "momentum.fast": 7, minConfidence: 0.3, "weights.momentum": 0.5, slippageBps: 2 });
    expect(() => applyPoint({ strategy: "momentum" }, { "combine.ttl": 3 })).toThrow(/not a combination/);
  });

  it("the vectorized path declines a combination, even of one strategy it could run alone", () => {
    const one: BacktestRequest = { strategy: "momentum", combine: { method: "vote" }, params: { "momentum.fast": 10 } };
    expect(vectorDeclines(resolveConfig({}), one)).toBe("a combination of strategies runs on the event-driven engine");
    expect(new VectorEngine(tsVectorKernels).run(series, one)).toEqual({ declined: "a combination of strategies runs on the event-driven engine" });
  });

  it("runs each point event-driven, as runStrategyBacktest runs that request", async () => {
    const result = await runSweep({
      base, space: { grid: [{ key: "momentum.fast", values: [5, 12] }, { key: "combine.weights.momentum", values: [0.5, 3] }] },
    }, [series], new LocalExecutor(new VectorEngine(tsVectorKernels)));
    expect(result.runs).toHaveLength(4);
    expect(result.engines).toEqual({ vectorized: 0, eventDriven: 4, declined: [{ reason: "a combination of strategies runs on the event-driven engine", runs: 4 }] });
    for (const row of result.runs) expect(row.stats).toEqual(statsOfReport(runStrategyBacktest(series, applyPoint(base, row.point))));
    expect(result.deflatedSharpe?.trials).toBe(4);
  });
});
