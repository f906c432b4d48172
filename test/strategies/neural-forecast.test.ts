import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/engine.ts";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { StrategyError } from "../../src/core/errors.ts";
import type { Signal } from "../../src/core/signal.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { getStrategy } from "../../src/strategies/index.ts";
import type { Strategy } from "../../src/strategies/strategy.ts";
import { bars } from "../backtest/stubs.ts";
import { root } from "../helpers.ts";

const sp500 = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });
/** The first n bars of the bundled series, each price scaled by factor(i) (1: unchanged). */
function head(n: number, factor: (i: number) => number = () => 1): BarSeries {
  const col = (c: Float64Array) => Float64Array.from(c.subarray(0, n), (v, i) => v * factor(i));
  return { ...sp500, time: sp500.time.slice(0, n), open: col(sp500.open), high: col(sp500.high), low: col(sp500.low), close: col(sp500.close), volume: sp500.volume.slice(0, n) };
}
/** Small fits, so a test runs in about a second. */
const FAST = { trainBars: 300, retrainEvery: 250, epochs: 3, errorWindow: 20, minConfidence: 0.2, allowShort: true };

function signals(series: BarSeries, params: Record<string, unknown> = FAST): { index: number; signal: Signal }[] {
  const strategy = getStrategy("neural-forecast").create(params);
  const out: { index: number; signal: Signal }[] = [];
  const spy: Strategy = {
    name: strategy.name,
    onBar(bar, ctx) {
      const s = strategy.onBar(bar, ctx);
      if (s) out.push({ index: ctx.history.length - 1, signal: s });
      return s;
    },
  };
  runBacktest(series, spy);
  return out;
}

describe("neural-forecast strategy", () => {
  it("trades only once fitted and once its recent forecast errors are known, sized by a confidence above its minimum", () => {
    const got = signals(head(1000));
    expect(got.length).toBeGreaterThan(3);
    // First fit on bar 299 (300 bars seen); its first forecast resolves 5 bars later; 20 errors are needed.
    expect(got[0].index).toBeGreaterThanOrEqual(299 + 5 + 19);
    for (const { signal } of got) {
      expect(signal.sizeFactor).toBe(signal.confidence);
      expect(signal.confidence).toBeGreaterThanOrEqual(0);
      expect(signal.confidence).toBeLessThanOrEqual(1);
      if (signal.direction !== "flat") expect(signal.confidence).toBeGreaterThanOrEqual(FAST.minConfidence);
      expect(signal.reason).toMatch(/^forecast [+-]\d+\.\d\d% over 5 bars, recent RMSE \+\d+\.\d\d%, confidence \d\.\d\d$/);
    }
    expect(new Set(got.map((g) => g.signal.direction))).toEqual(new Set(["long", "short", "flat"]));
    // Seeded: the same bars give the same signals.
    expect(signals(head(1000))).toEqual(got);
  }, 60_000);

  it("no look-ahead: changing every bar after bar k leaves every signal up to k unchanged", () => {
    const k = 700;
    const before = signals(head(1000));
    const after = signals(head(1000, (i) => (i > k ? 1 + 0.2 * Math.sin(i / 7) : 1)));
    const upTo = (s: typeof before) => s.filter((g) => g.index <= k);
    expect(upTo(before).length).toBeGreaterThan(0);
    expect(upTo(after)).toEqual(upTo(before));
    // The change does reach the signals after k (the comparison above could otherwise pass vacuously).
    expect(after.filter((g) => g.index > k)).not.toEqual(before.filter((g) => g.index > k));
  }, 60_000);

  it("the position it opens is the fixed fraction times the signal's sizeFactor", () => {
    const series = bars(Array.from({ length: 6 }, () => [100, 100, 100, 100] as [number, number, number, number]));
    const opening = (sizeFactor?: number) => runBacktest(series, {
      name: "stub",
      onBar: (bar, ctx) => {
        const i = ctx.history.length - 1;
        return i === 1 || i === 3 ? { symbol: ctx.symbol, time: bar.time, direction: i === 1 ? "long" : "flat", confidence: 1, sizeFactor, reason: "stub" } : null;
      },
    }, { positionFraction: 0.8 }).trades[0].quantity;
    expect([opening(), opening(1), opening(0.5), opening(0.25)]).toEqual([800, 800, 400, 200]);
  });

  it("runs in a backtest from a request, like every strategy", () => {
    const report = runStrategyBacktest(head(900), { strategy: "neural-forecast", params: FAST });
    expect(report.trades.length).toBeGreaterThan(0);
    expect(report.trades.some((t) => t.side === "short")).toBe(true);
    expect(runStrategyBacktest(head(900), { strategy: "neural-forecast", params: { ...FAST, allowShort: false } }).trades.every((t) => t.side === "long")).toBe(true);
  }, 60_000);

  it("names a trainBars too small for its window and horizon", () => {
    expect(() => getStrategy("neural-forecast").create({ window: 64, horizon: 16, trainBars: 90 })).toThrow(StrategyError);
    try {
      getStrategy("neural-forecast").create({ window: 64, horizon: 16, trainBars: 90 });
    } catch (e) {
      expect((e as StrategyError).field).toBe("params.trainBars");
      expect((e as Error).message).toBe("neural-forecast: trainBars (90) must be at least 102 to fit windows of 64 + 16 with a 20% validation split");
    }
  });
});
