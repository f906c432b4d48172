import { describe, expect, it } from "vitest";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { LocalExecutor, SweepCancelled } from "../../src/research/executor.ts";
import { applyPoint, points, resolveKey } from "../../src/research/space.ts";
import { planSweep, runSweep, type SweepSpec } from "../../src/research/sweep.ts";
import { stitch, windows } from "../../src/research/walk-forward.ts";
import type { RunStats } from "../../src/research/stats.ts";

const base = { strategy: "momentum", params: { rsiPeriod: 14 } };
const series = syntheticBars({ n: 600, seed: 3, sigma: 0.25 });

describe("parameter space", () => {
  it("resolves bare names to strategy parameters first, then run settings", () => {
    expect(resolveKey(base, "fast").path).toBe("params.fast");
    expect(resolveKey(base, "slippageBps").path).toBe("config.slippageBps");
    expect(resolveKey(base, "limits.maxDrawdown").path).toBe("limits.maxDrawdown");
    expect(resolveKey({ ...base, sizing: { method: "volTarget", target: 0.1 } }, "sizing.target").path).toBe("sizing.target");
    expect(() => resolveKey(base, "nonsense")).toThrow(/neither a momentum parameter nor a run setting/);
    expect(() => resolveKey(base, "sizing.target")).toThrow(/no sizing method/);
  });

  it("makes a grid with the last axis fastest, steps rounded to 12 digits", () => {
    const p = points(base, { grid: [{ key: "fast", from: 5, to: 15, step: 5 }, { key: "commissionPerShare", from: 0.1, to: 0.3, step: 0.1 }] });
    expect(p).toHaveLength(9);
    expect(p.slice(0, 3)).toEqual([
      { "params.fast": 5, "config.commissionPerShare": 0.1 },
      { "params.fast": 5, "config.commissionPerShare": 0.2 },
      { "params.fast": 5, "config.commissionPerShare": 0.3 },
    ]);
    expect(points(base, { grid: [{ key: "allowShort", values: [false, true] }] })).toEqual([{ "params.allowShort": false }, { "params.allowShort": true }]);
  });

  it("refuses grids its settings cannot take", () => {
    expect(() => points(base, { grid: [{ key: "fast", from: 1, to: 2, step: 0.5 }] })).toThrow(/integer/);
    expect(() => points(base, { grid: [{ key: "fast", from: 0, to: 2, step: 1 }] })).toThrow(/fast/);
    expect(() => points(base, { grid: [{ key: "fast", from: 5, to: 1, step: 1 }] })).toThrow(/below from/);
  });

  it("draws the same random points from the same seed, within range, integers where the setting is one", () => {
    const spec = { random: { count: 50, seed: 42, space: [{ key: "fast", min: 2, max: 30 }, { key: "rsiMax", min: 50, max: 80 }] } };
    const a = points(base, spec);
    expect(points(base, spec)).toEqual(a);
    expect(points(base, { random: { ...spec.random, seed: 43 } })).not.toEqual(a);
    for (const p of a) {
      expect(Number.isInteger(p["params.fast"])).toBe(true);
      expect(p["params.fast"]).toBeGreaterThanOrEqual(2);
      expect(p["params.fast"]).toBeLessThanOrEqual(30);
      expect(p["params.rsiMax"]).toBeGreaterThanOrEqual(50);
      expect(p["params.rsiMax"]).toBeLessThanOrEqual(80);
    }
    expect(new Set(a.map((p) => p["params.fast"])).size).toBeGreaterThan(10);
  });

  it("puts a point's values into the request", () => {
    const req = applyPoint({ ...base, config: { initialCash: 5000 } }, { "params.fast": 7, "config.slippageBps": 2, "limits.maxDrawdown": 0.2 });
    expect(req).toEqual({ strategy: "momentum", params: { rsiPeriod: 14, fast: 7 }, config: { initialCash: 5000, slippageBps: 2 }, limits: { maxDrawdown: 0.2 }, sizing: undefined });
  });
});

describe("a sweep on one thread", () => {
  const spec: SweepSpec = {
    base, objective: "sharpe", fastPath: false,
    space: { grid: [{ key: "fast", from: 10, to: 40, step: 10 }, { key: "slow", from: 30, to: 50, step: 20 }] },
  };

  it("gives one row per point with the engine's numbers, a failed run as a row with its error", async () => {
    const result = await runSweep(spec, [series], new LocalExecutor(null));
    expect(result.points).toBe(8);
    expect(result.runs).toHaveLength(8);
    // fast >= slow is refused by the strategy: those runs are rows with the error, and the sweep goes on.
    const failed = result.runs.filter((r) => r.error);
    expect(failed.map((r) => [r.point["params.fast"], r.point["params.slow"]])).toEqual([[30, 30], [40, 30]]);
    expect(failed[0].error).toMatchObject({ name: "StrategyError", field: "params.fast" });
    const row = result.runs.find((r) => r.point["params.fast"] === 10 && r.point["params.slow"] === 50)!;
    const report = runStrategyBacktest(series, { ...base, params: { rsiPeriod: 14, fast: 10, slow: 50 } });
    expect(row.stats).toMatchObject({ sharpe: report.sharpe, finalEquity: report.finalEquity, trades: report.trades.length, maxDrawdown: report.maxDrawdown });
    expect(row.engine).toBe("event-driven");
    const ok = result.runs.filter((r) => r.stats);
    expect(result.best!.stats!.sharpe).toBe(Math.max(...ok.map((r) => r.stats!.sharpe)));
    expect(result.deflatedSharpe!.trials).toBe(6);
    expect(result.pbo!.trials).toBe(6);
    expect(result.engines).toEqual({ vectorized: 0, eventDriven: 6, declined: [] });
  });

  it("picks the lowest drawdown when that is the objective", async () => {
    const result = await runSweep({ ...spec, objective: "maxDrawdown" }, [series], new LocalExecutor(null));
    const ok = result.runs.filter((r) => r.stats);
    expect(result.best!.stats!.maxDrawdown).toBe(Math.min(...ok.map((r) => r.stats!.maxDrawdown)));
  });

  it("runs every point on every series", async () => {
    const other = syntheticBars({ n: 600, seed: 4, symbol: "ALT" });
    const result = await runSweep(spec, [series, other], new LocalExecutor(null));
    expect(result.runs.map((r) => r.symbol)).toEqual([...Array(8).fill("SYN"), ...Array(8).fill("ALT")]);
    expect(result.symbols.map((s) => s.symbol)).toEqual(["SYN", "ALT"]);
    expect(result.outOfSample).toBeUndefined();
  });

  it("reports progress and stops when cancelled", async () => {
    const seen: number[] = [];
    const controller = new AbortController();
    const executor = new LocalExecutor(null, async () => {}, 0);
    await expect(runSweep(spec, [series], executor, {
      signal: controller.signal,
      onProgress: (done) => { seen.push(done); if (done >= 3) controller.abort(); },
    })).rejects.toBeInstanceOf(SweepCancelled);
    expect(seen.slice(0, 3)).toEqual([1, 2, 3]);
  });
});

describe("walk-forward", () => {
  it("cuts rolling and anchored windows", () => {
    expect(windows(10, { inSample: 4, outOfSample: 3 })).toEqual([
      { index: 0, isFrom: 0, isTo: 4, oosTo: 7 },
      { index: 1, isFrom: 3, isTo: 7, oosTo: 10 },
    ]);
    // The last out-of-sample window may be short, but has 2 bars at least.
    expect(windows(12, { inSample: 4, outOfSample: 3, anchored: true })).toEqual([
      { index: 0, isFrom: 0, isTo: 4, oosTo: 7 },
      { index: 1, isFrom: 0, isTo: 7, oosTo: 10 },
      { index: 2, isFrom: 0, isTo: 10, oosTo: 12 },
    ]);
    expect(() => windows(5, { inSample: 4, outOfSample: 3 })).toThrow(/more than 5 bars/);
  });

  it("stitches out-of-sample runs into one curve, each continuing where the last ended (hand computation)", () => {
    const stats = (trades: number, winRate: number) => ({ trades, winRate, exposure: 0.5, bars: 3, totalCommission: 1 }) as RunStats;
    const day = 86_400_000;
    const out = stitch(
      [{ equity: [100, 110, 121], stats: stats(2, 0.5), initialCash: 100 }, { equity: [100, 90, 99], stats: stats(1, 0, ), initialCash: 100 }],
      [[0, day, 2 * day], [3 * day, 4 * day, 5 * day]], 100, 252,
    );
    // The second run is scaled by 121 / 100: 121, 108.9, 119.79.
    expect(out.equity.map((x) => Number(x.toFixed(10)))).toEqual([100, 110, 121, 121, 108.9, 119.79]);
    expect(out.stats.finalEquity).toBeCloseTo(119.79, 10);
    expect(out.stats.totalReturn).toBeCloseTo(0.1979, 12);
    expect(out.stats.trades).toBe(3);
    expect(out.stats.winRate).toBeCloseTo(1 / 3, 15);
    expect(out.stats.maxDrawdown).toBeCloseTo(1 - 108.9 / 121, 12);
  });

  it("runs the in-sample best out of sample and reports the stitched result with the guards", async () => {
    const spec: SweepSpec = {
      base, fastPath: false, walkForward: { inSample: 250, outOfSample: 100 },
      space: { grid: [{ key: "fast", from: 5, to: 15, step: 5 }, { key: "slow", from: 30, to: 60, step: 30 }] },
    };
    const plan = planSweep(spec, [series]);
    expect(plan.windows[0]).toHaveLength(4);
    expect(plan.tasks).toHaveLength(6 + 4 * 6);
    let last = 0;
    const result = await runSweep(spec, [series], new LocalExecutor(null), { onProgress: (done, total) => { last = done; expect(total).toBe(34); } });
    expect(last).toBe(34);
    const wf = result.symbols[0].walkForward!;
    expect(wf.windows.map((w) => [w.isFrom, w.isTo, w.oosTo])).toEqual([[0, 250, 350], [100, 350, 450], [200, 450, 550], [300, 550, 600]]);
    for (const w of wf.windows) expect(w.best).not.toBeNull();
    expect(result.outOfSample!.stats.bars).toBe(350);
    expect(result.outOfSample!.equity).toHaveLength(350);
    expect(result.outOfSample!.equity[0]).toBe(100_000);
    expect(result.deflatedSharpe).not.toBeNull();
    expect(result.pbo!.splits).toBe(12870);
  });
});
