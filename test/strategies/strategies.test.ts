import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/engine.ts";
import { StrategyError } from "../../src/core/errors.ts";
import type { Signal } from "../../src/core/signal.ts";
import { getStrategy, strategies } from "../../src/strategies/index.ts";
import { paramsFromText } from "../../src/strategies/params.ts";
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
    expect(strategies.map((s) => s.name)).toEqual(["momentum", "mean-reversion", "neural-forecast", "neural-sentiment", "pairs", "mirror"]);
    for (const s of strategies) for (const p of s.params) expect(p.description).not.toBe("");
  });

  it("rejects a fast period not shorter than the slow one", () => {
    expect(() => getStrategy("momentum").create({ fast: 50, slow: 50 })).toThrow(/fast period \(50\) must be shorter than slow period \(50\)/);
  });

  it("names unknown, mistyped and out-of-range parameters by their path in a request", () => {
    const m = getStrategy("momentum");
    const error = (given: Record<string, unknown>) => {
      try {
        m.create(given);
      } catch (e) {
        return { message: (e as StrategyError).message, field: (e as StrategyError).field };
      }
      throw new Error("no error");
    };
    expect(error({ fats: 3 })).toEqual({ message: 'momentum: unknown parameter "fats"; known: fast, slow, rsiPeriod, rsiMax, allowShort', field: "params.fats" });
    expect(error({ fast: 2.5 })).toEqual({ message: "momentum: params.fast must be an integer from 1 to 1000, got 2.5", field: "params.fast" });
    expect(error({ rsiMax: 120 })).toEqual({ message: "momentum: params.rsiMax must be a number from 0 to 100, got 120", field: "params.rsiMax" });
    expect(error({ allowShort: "yes" }).message).toBe('momentum: params.allowShort must be true or false, got "yes"');
    expect(error({ fast: 50, slow: 50 }).field).toBe("params.fast");
    expect(() => getStrategy("mean-reversion").create({ entryZ: 1, exitZ: 1 })).toThrow(StrategyError);
    expect(() => getStrategy("turtle")).toThrow(/unknown strategy "turtle"; known: momentum, mean-reversion, neural-forecast/);
  });

  it("takes no text for a number: a JSON string is not a parameter value", () => {
    const m = getStrategy("momentum");
    expect(() => m.create({ fast: "20" })).toThrow('momentum: params.fast must be an integer from 1 to 1000, got "20"');
    expect(() => m.create({ allowShort: "true" })).toThrow('momentum: params.allowShort must be true or false, got "true"');
  });

  it("reads text (the CLI's --param, the page's form) by one set of rules", () => {
    const m = getStrategy("momentum");
    expect(paramsFromText(m.name, m.params, { fast: "5", slow: "10", rsiMax: "65.5", allowShort: "true" }))
      .toEqual({ fast: 5, slow: 10, rsiMax: 65.5, allowShort: true });
    expect(m.create(paramsFromText(m.name, m.params, { fast: "5", slow: "10" })).name).toBe("momentum");
    for (const text of ["1e1", "0x10", "+5", " 5", "5.0", "Infinity", ""]) {
      expect(() => paramsFromText(m.name, m.params, { fast: text }), text).toThrow(/momentum: params.fast must be an integer from 1 to 1000/);
    }
    expect(() => paramsFromText(m.name, m.params, { fast: "1e1" }, (n) => `--param ${n}`))
      .toThrow('momentum: --param fast must be an integer from 1 to 1000 written in plain decimal (no exponent, hex, + or spaces), got "1e1"');
    expect(() => paramsFromText(m.name, m.params, { rsiMax: "-5" })).toThrow('params.rsiMax must be a number from 0 to 100, got "-5"');
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
