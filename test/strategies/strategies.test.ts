import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/engine.ts";
import { StrategyError } from "../../src/core/errors.ts";
import type { Signal } from "../../src/core/signal.ts";
import { getStrategy, strategies } from "../../src/strategies/index.ts";
import type { Strategy } from "../../src/strategies/strategy.ts";
import { bars } from "../backtest/stubs.ts";

function signals(strategy: Strategy, closes: number[]): { index: number; signal: Signal }[] {
  const out: { index: number; signal: Signal }[] = [];
  const series = bars(closes.map((c) => [c, c, c, c]));
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

describe("strategy parameters", () => {
  it("lists metadata for every strategy", () => {
    expect(strategies.map((s) => s.name)).toEqual(["momentum", "mean-reversion"]);
    for (const s of strategies) for (const p of s.params) expect(p.description).not.toBe("");
  });

  it("rejects a fast period not shorter than the slow one", () => {
    expect(() => getStrategy("momentum").create({ fast: 50, slow: 50 })).toThrow(/fast period \(50\) must be shorter than slow period \(50\)/);
  });

  it("names unknown, mistyped and out-of-range parameters", () => {
    const m = getStrategy("momentum");
    expect(() => m.create({ fats: 3 })).toThrow(/unknown parameter "fats"; known: fast, slow/);
    expect(() => m.create({ fast: "ten" })).toThrow(/parameter fast must be a number, got "ten"/);
    expect(() => m.create({ fast: 2.5 })).toThrow(/parameter fast must be an integer/);
    expect(() => m.create({ rsiMax: 120 })).toThrow(/parameter rsiMax must be <= 100/);
    expect(() => m.create({ allowShort: "yes" })).toThrow(/allowShort must be true or false/);
    expect(() => getStrategy("mean-reversion").create({ entryZ: 1, exitZ: 1 })).toThrow(StrategyError);
    expect(() => getStrategy("turtle")).toThrow(/unknown strategy "turtle"; known: momentum, mean-reversion/);
  });

  it("accepts CLI-style strings", () => {
    expect(getStrategy("momentum").create({ fast: "5", slow: "10", allowShort: "true" }).name).toBe("momentum");
  });
});

describe("momentum", () => {
  it("goes long when the fast average crosses above the slow one and out when it crosses below", () => {
    // Falls, rises steadily (RSI high but the filter is off at rsiMax 100), then falls.
    const closes = [...Array.from({ length: 30 }, (_, i) => 100 - i), ...Array.from({ length: 30 }, (_, i) => 71 + 2 * i), ...Array.from({ length: 30 }, (_, i) => 129 - 3 * i)];
    const got = signals(getStrategy("momentum").create({ fast: 3, slow: 10, rsiPeriod: 5, rsiMax: 100 }), closes);
    expect(got.map((g) => g.signal.direction)).toEqual(["long", "flat"]);
    const [up, down] = got;
    expect(up.index).toBeGreaterThan(30);
    expect(up.index).toBeLessThan(40);
    expect(down.index).toBeGreaterThan(60);
    expect(up.signal.reason).toMatch(/SMA\(3\) above SMA\(10\), RSI \d+\.\d/);
  });

  it("does not chase an overbought market", () => {
    const closes = [...Array.from({ length: 30 }, (_, i) => 100 - i), ...Array.from({ length: 30 }, (_, i) => 71 + 2 * i)];
    const make = (rsiMax: number) => getStrategy("momentum").create({ fast: 3, slow: 10, rsiPeriod: 5, rsiMax });
    expect(signals(make(100), closes).map((g) => g.signal.direction)).toEqual(["long"]);
    expect(signals(make(70), closes)).toEqual([]);
  });
});

describe("mean reversion", () => {
  it("buys a close far below the mean and exits when it reverts", () => {
    const closes = [...Array.from({ length: 25 }, (_, i) => 100 + (i % 2)), 90, 92, 96, 100, 101, 100];
    const got = signals(getStrategy("mean-reversion").create({ period: 20, entryZ: 2, exitZ: 0 }), closes);
    expect(got.map((g) => [g.index, g.signal.direction])).toEqual([[25, "long"], [28, "flat"]]);
    expect(got[0].signal.reason).toMatch(/^z-score -\d+\.\d\d vs 20-bar mean$/);
  });
});
