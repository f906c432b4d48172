// The page's engine-side pieces, run under Node with the real engine and
// kernels: stepping in slices (progress, cancel), sweep grids, overlays.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Backtest } from "../../src/backtest/engine.ts";
import { runStrategyBacktest, strategyAndConfig } from "../../src/backtest/job.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { tsIndicators } from "../../src/features/indicators.ts";
import { momentum } from "../../src/strategies/momentum.ts";
import { meanReversion } from "../../src/strategies/mean-reversion.ts";
import { computeOverlays, overlaysFor } from "../../runtimes/browser/overlays.ts";
import { messageChannelYield } from "../../runtimes/browser/slices.ts";
import { realScheduler } from "../../src/core/clock.ts";
import { runSteps } from "../../src/execution/runner.ts";
import { defaultRange, gridValues } from "../../runtimes/browser/sweep.ts";
import { wasmIndicators } from "../helpers.ts";
import { root } from "./browser.ts";

const series = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { source: "sp500.csv", symbol: "SPX" });
const request = { strategy: "momentum", params: { fast: 15, slow: 80 } };

describe("the worker's slices (the one runner with a MessageChannel yield)", () => {
  it("steps a Backtest to the same report as a plain run, reporting progress after each slice", async () => {
    const engine = new Backtest(series, ...strategyAndConfig(request));
    const progress: number[] = [];
    let yields = 0;
    const yieldNow = messageChannelYield();
    const { busyMs } = await runSteps(engine, {
      scheduler: realScheduler, sliceMs: 0.5, cancelled: () => false, onSlice: (d) => progress.push(d),
      yieldNow: () => (yields++, yieldNow()),
    });
    expect(busyMs).toBeGreaterThan(0);
    expect(engine.done).toBe(true);
    expect(progress.at(-1)).toBe(series.close.length);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((d, i) => i === 0 || d > progress[i - 1])).toBe(true);
    expect(yields).toBe(progress.length - 1);
    const { elapsedMs: _a, barsPerSecond: _b, ...stepped } = engine.report();
    const { elapsedMs: _c, barsPerSecond: _d, ...direct } = runStrategyBacktest(series, request);
    expect(stepped).toEqual(direct);
  });

  it("stops at the first yield after cancel turns true, leaving the run unfinished", async () => {
    const engine = new Backtest(series, ...strategyAndConfig(request));
    let cancel = false;
    let done = 0;
    const outcome = await runSteps(engine, {
      scheduler: realScheduler, sliceMs: 0, yieldNow: messageChannelYield(),
      cancelled: () => cancel, onSlice: (d) => ((done = d), (cancel = true)),
    });
    expect(outcome.cancelled).toBe(true);
    expect(engine.done).toBe(false);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(series.close.length);
  });
});

describe("sweep grids", () => {
  const [fast] = momentum.params;
  const entryZ = meanReversion.params[1];
  const exitZ = meanReversion.params[2];

  it("spaces values evenly, both ends included; integers rounded without repeats", () => {
    expect(gridValues(fast, 10, 40, 4)).toEqual([10, 20, 30, 40]);
    expect(gridValues(fast, 5, 50, 10)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(gridValues(fast, 1, 3, 5)).toEqual([1, 2, 3]);
    expect(gridValues(entryZ, 0.1, 0.3, 3)).toEqual([0.1, 0.2, 0.3]);
    expect(gridValues(fast, 7, 99, 1)).toEqual([7]);
    expect(() => gridValues(fast, 1, 10, 0)).toThrow(/steps must be a whole number from 1 to 25/);
    expect(() => gridValues(fast, NaN, 10, 3)).toThrow(/needs two numbers/);
  });

  it("starts from half to double the default, inside the parameter's bounds", () => {
    expect(defaultRange(fast)).toEqual([10, 40]);
    expect(defaultRange(entryZ)).toEqual([1, 4]);
    expect(defaultRange(exitZ)).toEqual([-1, 1]);
  });
});

describe("overlays", () => {
  it("draws what the strategy looks at, computed by the WASM kernels", async () => {
    const ind = await wasmIndicators();
    const specs = overlaysFor("momentum", { fast: 20, slow: 100, rsiPeriod: 14, rsiMax: 70, allowShort: false });
    expect(specs.map((s) => s.label)).toEqual(["SMA(20)", "SMA(100)", "RSI(14)"]);
    expect(specs[2].levels).toEqual([70]);
    const out = computeOverlays(ind, series.close, specs);
    expect(out["sma-fast"]).toEqual(ind.sma(series.close, 20));
    expect(out["sma-slow"]).toEqual(ind.sma(series.close, 100));
    expect(out.rsi).toEqual(ind.rsi(series.close, 14));
    // The kernels agree with the TypeScript twins.
    const twin = tsIndicators.sma(series.close, 100);
    for (let i = 99; i < twin.length; i++) expect(out["sma-slow"][i]).toBeCloseTo(twin[i], 9);

    const bands = computeOverlays(ind, series.close, overlaysFor("mean-reversion", { period: 30, entryZ: 1.5, exitZ: 0, allowShort: false }));
    const expected = ind.bbands(series.close, 30, 1.5);
    expect(bands["bb-upper"]).toEqual(expected.upper);
    expect(bands["bb-middle"]).toEqual(expected.middle);
    expect(bands["bb-lower"]).toEqual(expected.lower);
    expect(overlaysFor("no-such-strategy", {})).toEqual([]);
  });
});
