// A combination as a request names it: one check for every front end, with
// errors naming the path in the request at fault.
import { describe, expect, it } from "vitest";
import { strategyAndConfig, type BacktestRequest } from "../../src/backtest/job.ts";
import { checkBacktestRequest, type UncheckedRequest } from "../../src/backtest/request.ts";
import type { EngineError } from "../../src/core/errors.ts";
import { combinationParamsFromText } from "../../src/signals/spec.ts";

/** The error of checking the request, or (build) of building its strategy too. */
function refusal(req: UncheckedRequest, build = false): { message: string; field?: string } {
  try {
    if (build) strategyAndConfig(req as BacktestRequest);
    else checkBacktestRequest(req);
  } catch (e) {
    return { message: (e as EngineError).message, field: (e as EngineError).field };
  }
  throw new Error("accepted");
}

describe("a combination request", () => {
  it("fills every member's defaults under prefixed names and keeps the combine settings", () => {
    const req = checkBacktestRequest({
      strategy: " momentum , mean-reversion", params: { "momentum.fast": 10, "mean-reversion.allowShort": true },
      combine: { method: "weighted", weights: { momentum: 2 }, minConfidence: 0.25, ttl: 5, override: "mean-reversion" },
    });
    expect(req.strategy).toBe("momentum,mean-reversion");
    expect(req.params).toEqual({
      "momentum.fast": 10, "momentum.slow": 100, "momentum.rsiPeriod": 14, "momentum.rsiMax": 70, "momentum.allowShort": false,
      "mean-reversion.period": 20, "mean-reversion.entryZ": 2, "mean-reversion.exitZ": 0, "mean-reversion.allowShort": true,
    });
    expect(req.combine).toEqual({ method: "weighted", weights: { momentum: 2 }, minConfidence: 0.25, ttl: 5, override: "mean-reversion" });
  });

  it("names the field at fault", () => {
    const base = { strategy: "momentum,mean-reversion", combine: { method: "vote" } };
    expect(refusal({ strategy: "momentum,mean-reversion" })).toEqual({
      message: 'strategy lists 2 strategies (momentum, mean-reversion); say how to combine their signals: combine.method "vote" or "weighted"', field: "combine",
    });
    expect(refusal({ ...base, params: { fast: 10 } })).toEqual({
      message: "params.fast: a combination's parameters are prefixed by their strategy (momentum, mean-reversion); name the strategy it is for, e.g. momentum.fast",
      field: "params.fast",
    });
    expect(refusal({ ...base, params: { "turtle.n": 1 } }).field).toBe("params.turtle.n");
    expect(refusal({ ...base, params: { "momentum.fast": 2.5 } })).toEqual({
      message: "momentum: params.momentum.fast must be an integer from 1 to 1000, got 2.5", field: "params.momentum.fast",
    });
    // A rule across parameters is the member's own, checked as it is built.
    expect(refusal({ ...base, params: { "momentum.fast": 60, "momentum.slow": 50 } }, true)).toEqual({
      message: "momentum: fast period (60) must be shorter than slow period (50)", field: "params.momentum.fast",
    });
    expect(refusal({ ...base, params: { "momentum.fast": "10" } }).field).toBe("params.momentum.fast");
    expect(refusal({ ...base, combine: { method: "majority" } })).toEqual({ message: 'combine.method must be one of vote, weighted, got "majority"', field: "combine.method" });
    expect(refusal({ ...base, combine: "vote" }).field).toBe("combine");
    expect(refusal({ ...base, combine: { method: "vote", weights: { momentum: 0 } } })).toEqual({
      message: "combine.weights.momentum must be a number in (0, 1000000], got 0", field: "combine.weights.momentum",
    });
    expect(refusal({ ...base, combine: { method: "vote", weights: { rsi: 1 } } }).field).toBe("combine.weights.rsi");
    expect(refusal({ ...base, combine: { method: "vote", ttl: 0 } })).toEqual({ message: "combine.ttl must be an integer from 1 to 1000000, got 0", field: "combine.ttl" });
    expect(refusal({ ...base, combine: { method: "vote", minConfidence: 1.5 } }).field).toBe("combine.minConfidence");
    expect(refusal({ ...base, combine: { method: "vote", override: "pairs" } }).field).toBe("combine.override");
    expect(refusal({ ...base, combine: { method: "vote", quorum: 2 } }).field).toBe("combine.quorum");
    expect(refusal({ strategy: "momentum,momentum", combine: { method: "vote" } }).message).toBe("strategy lists momentum twice; a combination names each strategy once");
    expect(refusal({ strategy: "momentum,,rsi", combine: { method: "vote" } }).field).toBe("strategy");
    expect(refusal({ ...base, holdings: "date,symbol,shares" }).field).toBe("holdings");
  });

  it("reads the command line's text by the same rules, naming the flag", () => {
    const names = ["momentum", "mean-reversion"];
    const field = (k: string) => `--param ${k}`;
    expect(combinationParamsFromText(names, { "momentum.fast": "10", "mean-reversion.allowShort": "true" }, field))
      .toEqual({ "momentum.fast": 10, "mean-reversion.allowShort": true });
    expect(() => combinationParamsFromText(names, { "momentum.fast": "1e1" }, field)).toThrow(/--param momentum.fast must be an integer from 1 to 1000 written in plain decimal/);
    expect(() => combinationParamsFromText(names, { period: "5" }, field)).toThrow(/--param period: a combination's parameters are prefixed/);
  });
});
