import { describe, expect, it } from "vitest";
import { Backtest, runBacktest } from "../../src/backtest/engine.ts";
import { rebalanceSchedule } from "../../src/backtest/rebalance.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { minimumVariance } from "../../src/portfolio/optimize.ts";
import { sampleMoments } from "../../src/risk/comoments.ts";
import { bars } from "./stubs.ts";

const free = { slippageBps: 0, commissionPerShare: 0, initialCash: 10_000 };

describe("rebalancing backtest", () => {
  it("moves the book to fixed weights at the next open, selling before buying", () => {
    const a = bars([[100, 100, 100, 100], [100, 100, 100, 100], [200, 200, 200, 200], [200, 200, 200, 200]], "A");
    const b = bars([[50, 50, 50, 50], [50, 50, 50, 50], [50, 50, 50, 50], [50, 50, 50, 50]], "B");
    const bt = new Backtest([a, b], null, { ...free, rebalance: rebalanceSchedule({ every: 2, weights: { A: 0.5, B: 0.5 } }) });
    const r = bt.run();
    // Bar 0 decides 50 A + 100 B (filled at bar 1); A doubles; at equity 15,000 bar 2 decides
    // A 37 (sell 13, first, raising 2,600) and B 150 (buy 50 for 2,500).
    expect(r.symbol).toBe("A,B");
    expect(r.equity.equity).toEqual([10_000, 10_000, 15_000, 15_000]);
    const snap = bt.snapshot();
    expect(snap.positions.map((p) => [p.symbol, p.quantity])).toEqual([["A", "37"], ["B", "150"]]);
    expect(snap.cash).toBe("100");
    expect(snap.fills.map((f) => `${f.side} ${f.quantity} ${f.symbol}`)).toEqual(["buy 50 A", "buy 100 B", "sell 13 A", "buy 50 B"]);
    expect(r.rejections).toEqual([]);
  });

  it("optimizes weights from trailing returns only, and matches the closed form on the window", () => {
    const series = [1, 2, 3].map((seed) => syntheticBars({ n: 300, seed, symbol: `S${seed}`, sigma: 0.1 * seed }));
    const seen: Record<string, number>[] = [];
    const schedule = rebalanceSchedule({ every: 50, method: "minvar", lookback: 60 });
    const spy = { ...schedule, weights: (h: Parameters<typeof schedule.weights>[0]) => {
      const w = schedule.weights(h);
      if (w) seen.push({ ...w, at: h.get("S1")!.length });
      return w;
    } };
    const r = runBacktest(series, null, { ...free, initialCash: 1_000_000, rebalance: spy });
    expect(seen.map((w) => w.at)).toEqual([101, 151, 201, 251]);
    // Recompute the first decision from the same 60 returns.
    const at = 101;
    const cols = series.map((s) => Float64Array.from({ length: 60 }, (_, k) => s.close[at - 60 + k] / s.close[at - 61 + k] - 1));
    const closed = minimumVariance(sampleMoments(cols).covariance);
    expect(seen[0].S1).toBeCloseTo(closed.weights[0], 12);
    expect(seen[0].S3).toBeCloseTo(closed.weights[2], 12);
    // Low-volatility S1 gets the largest weight.
    expect(seen[0].S1).toBeGreaterThan(seen[0].S3);
    expect(r.exposure).toBeGreaterThan(0.5);
  });

  it("refuses series that do not share bar times", () => {
    const a = bars([[1, 1, 1, 1], [1, 1, 1, 1]], "A");
    const b = { ...bars([[1, 1, 1, 1], [1, 1, 1, 1]], "B"), time: Float64Array.of(a.time[0], a.time[1] + 1) };
    expect(() => runBacktest([a, b], null, { rebalance: rebalanceSchedule({ every: 1, method: "equal" }) })).toThrow(/B bar 2 is at .* but A's is at/);
  });
});
