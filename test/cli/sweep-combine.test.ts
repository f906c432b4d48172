// nt sweep --strategy a,b --combine: every point of a combined sweep is the
// nt backtest of that point, to the bit, on the event-driven engine.
import { describe, expect, it } from "vitest";
import { nt } from "./capture.ts";

/** A weighted combination that may go short, so weights, confidence and ttl all change the trades. */
const fixed = [
  "--strategy", "momentum,mean-reversion", "--combine", "weighted",
  "--param", "momentum.allowShort=true", "--param", "mean-reversion.allowShort=true", "--param", "momentum.slow=60",
];

interface Row { params: Record<string, number>; engine: string; declined?: string; stats: { sharpe: number; finalEquity: number; trades: number } }

/** The nt backtest flags of a sweep row's point (its short keys: momentum.fast, minConfidence, ttl, weights.NAME). */
function pointFlags(params: Record<string, number>): string[] {
  return Object.entries(params).flatMap(([k, v]) => {
    if (k === "minConfidence") return ["--min-confidence", String(v)];
    if (k === "ttl") return ["--ttl", String(v)];
    if (k.startsWith("weights.")) return ["--weight", `${k.slice("weights.".length)}=${v}`];
    return ["--param", `${k}=${v}`];
  });
}

async function expectEachPointIsItsBacktest(rows: Row[]): Promise<void> {
  for (const row of rows) {
    const { code, out, err } = await nt("backtest", ...fixed, ...pointFlags(row.params), "--json");
    expect(err, JSON.stringify(row.params)).toBe("");
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect({ sharpe: row.stats.sharpe, finalEquity: row.stats.finalEquity, trades: row.stats.trades }, JSON.stringify(row.params))
      .toEqual({ sharpe: report.sharpe, finalEquity: report.finalEquity, trades: report.trades.length });
  }
}

describe("nt sweep over a combination of strategies", () => {
  it("a grid over a member's parameter and the combination's threshold: each point is nt backtest of that point, event-driven", async () => {
    const { code, out, err } = await nt("sweep", ...fixed, "--grid", "momentum.fast=5:15:5,combine.minConfidence=0.1:0.5:0.2", "--workers", "1", "--json");
    expect(err).toBe("");
    expect(code).toBe(0);
    const view = JSON.parse(out);
    expect(view.strategy).toBe("momentum,mean-reversion");
    expect(view.runs).toHaveLength(9);
    expect(view.runs.map((r: Row) => r.params)).toEqual([5, 10, 15].flatMap((fast) => [0.1, 0.3, 0.5].map((c) => ({ "momentum.fast": fast, minConfidence: c }))));
    // The vectorized path declines every run, as it declines the memory filter.
    expect(view.engines).toEqual({ vectorized: 0, eventDriven: 9, declined: [{ reason: "a combination of strategies runs on the event-driven engine", runs: 9 }] });
    expect(new Set(view.runs.map((r: Row) => r.stats.finalEquity)).size).toBeGreaterThan(3);
    expect(view.deflatedSharpe.trials).toBe(9);
    expect(view.pbo.splits).toBe(12870);
    await expectEachPointIsItsBacktest(view.runs);
  });

  it("a seeded random search over a member's parameter, a weight and the ttl: each point is nt backtest of that point", async () => {
    const args = ["sweep", ...fixed, "--random", "5", "--space", "mean-reversion.period=10:40,combine.weights.momentum=0.5:3,ttl=5:60", "--seed", "11", "--workers", "1", "--json"];
    const view = JSON.parse((await nt(...args)).out);
    expect(view.runs).toHaveLength(5);
    expect(Object.keys(view.runs[0].params)).toEqual(["mean-reversion.period", "weights.momentum", "ttl"]);
    expect(JSON.parse((await nt(...args)).out).runs.map((r: Row) => r.params)).toEqual(view.runs.map((r: Row) => r.params));
    await expectEachPointIsItsBacktest(view.runs);
  });

  it("walks forward over a combination and prints the points with their keys", async () => {
    const { code, out } = await nt("sweep", ...fixed, "--grid", "momentum.fast=5|10,combine.weights.mean-reversion=0.5|2", "--walk-forward", "2500:1000", "--workers", "1");
    expect(code).toBe(0);
    expect(out).toMatch(/^momentum,mean-reversion: 4 runs \(4 parameter sets x 1 series\)/);
    expect(out).toMatch(/best by sharpe: momentum\.fast=\d+ weights\.mean-reversion=[\d.]+: Sharpe/);
    expect(out).toMatch(/walk-forward, \d windows, out of sample: Sharpe/);
    expect(out).toMatch(/declined \d+: a combination of strategies runs on the event-driven engine/);
  });

  it("refuses keys the combination does not have, naming the key and listing the valid ones (exit 2)", async () => {
    for (const [key, message] of [
      ["combine.nope", /sweep key "combine\.nope": the combination has no numeric setting "nope"/],
      ["momentum.nope", /sweep key "momentum\.nope": momentum has no parameter "nope"/],
      ["fast", /sweep key "fast": a combination's parameters are prefixed by their strategy, e.g\. momentum\.fast/],
      ["combine.weights.rsi", /sweep key "combine\.weights\.rsi": the combination has no numeric setting "weights\.rsi" \(combine\.weights\.NAME takes one of momentum, mean-reversion\)/],
    ] as const) {
      const { code, err } = await nt("sweep", ...fixed, "--grid", `${key}=1:2:1`);
      expect(code, key).toBe(2);
      expect(err, key).toMatch(message);
      expect(err, key).toMatch(/known: momentum\.fast, .*combine\.minConfidence, combine\.ttl, combine\.weights\.momentum, combine\.weights\.mean-reversion, initialCash/);
    }
    const { code, err } = await nt("sweep", "--strategy", "momentum,mean-reversion", "--grid", "momentum.fast=5|10");
    expect(code).toBe(2);
    expect(err).toMatch(/--strategy lists 2 strategies; say how to combine their signals/);
  });
});
