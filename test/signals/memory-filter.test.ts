// The memory filter (reflexion): a veto and a pass worked out by hand on a
// scripted strategy, and no look-ahead: an outcome is used only from the bar
// it became known, and changing the future changes no decision of the past.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runStrategyBacktest, type BacktestRequest } from "../../src/backtest/job.ts";
import type { EngineEvent } from "../../src/backtest/engine.ts";
import type { Bar, BarSeries } from "../../src/core/data.ts";
import type { Direction, Signal } from "../../src/core/signal.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { SeriesHistory } from "../../src/execution/history.ts";
import { TestClock } from "../../src/core/clock.ts";
import { DecisionTraces } from "../../src/memory/collections.ts";
import { situationEmbedding } from "../../src/memory/situation.ts";
import { MemoryFilter, memorySettings, type MemorySpec } from "../../src/signals/memory-filter.ts";
import type { Strategy } from "../../src/strategies/strategy.ts";
import { root } from "../helpers.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);
const time = (i: number) => T0 + i * DAY;

/** A series of the given closes (open, high and low equal to the close). */
function series(closes: readonly number[]): BarSeries {
  const c = Float64Array.from(closes);
  return { symbol: "X", time: Float64Array.from(closes, (_, i) => time(i)), open: c, high: c, low: c, close: c, volume: new Float64Array(c.length).fill(1) };
}

/** A strategy that emits the planned signals by bar index (confidence 0.9). */
function scripted(plan: Record<number, Direction>): Strategy {
  let i = 0;
  return {
    name: "scripted",
    onBar(bar: Bar): Signal | null {
      const direction = plan[i++];
      return direction === undefined ? null : { symbol: "X", time: bar.time, direction, confidence: 0.9, reason: `says ${direction}` };
    },
  };
}

/** Feeds the series through the filter bar by bar, with the position given per bar (default 0); the signal of each bar. */
function feed(filter: MemoryFilter, s: BarSeries, position: (i: number) => number = () => 0): (Signal | null)[] {
  const history = new SeriesHistory(s);
  return Array.from(s.close, (_, i) => {
    const bar: Bar = { time: s.time[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] };
    history.push(bar);
    return filter.onBar(bar, { symbol: "X", history, position: position(i) });
  });
}

const filterOf = (plan: Record<number, Direction>, spec: MemorySpec) => new MemoryFilter(scripted(plan), memorySettings(spec));

describe("the memory filter on a scripted strategy", () => {
  // 61 bars at 64 (the situation needs 61), then moves whose ratios are exact in binary:
  // long at 61 (64) is resolved at 62 (48): -0.25; long at 63 (64) at 64 (32): -0.5;
  // long at 65 (64) at 66 (112): +0.75.
  const closes = [...Array(61).fill(64), 64, 48, 64, 32, 64, 112, 64, 64];
  const plan: Record<number, Direction> = { 61: "long", 63: "long", 65: "long", 67: "short", 68: "flat" };
  const spec = { k: 3, holding: 1, minTraces: 2, minEdge: 0 };

  it("passes signals while fewer than minTraces outcomes are known, vetoes on a negative mean, turns neighbours to the new side", () => {
    const filter = filterOf(plan, spec);
    const out = feed(filter, series(closes));
    // Bars 61 and 63: 0 and 1 known outcomes (< 2): the signal as the strategy gave it.
    expect(out[61]).toEqual({ symbol: "X", time: time(61), direction: "long", confidence: 0.9, reason: "says long" });
    expect(out[63]).toEqual({ symbol: "X", time: time(63), direction: "long", confidence: 0.9, reason: "says long" });
    // Bar 65: neighbours 61 (-0.25) and 63 (-0.5): mean -0.375 < 0, no wins: vetoed, nothing held so no signal.
    expect(out[65]).toBeNull();
    expect(filter.dropped).toEqual([{
      time: time(65), symbol: "X", strategy: "scripted", direction: "long", confidence: 0.9, signalTime: time(65), reason: "memory",
      detail: "2 neighbours: mean outcome -37.50%, win rate 0.00%; below the min edge +0.00%",
    }]);
    // Bar 67, a short: the three longs' outcomes as a short would have had them are +0.25, +0.5, -0.75
    // (the vetoed long counts too: its outcome is what taking it would have given): mean 0, not below 0,
    // so it passes with confidence 0.9 x 2/3 (two of three above 0).
    expect(out[67]).toEqual({
      symbol: "X", time: time(67), direction: "short", confidence: 0.9 * (2 / 3),
      reason: "says short · memory: 3 neighbours: mean outcome +0.00%, win rate 66.67%",
    });
    // A flat signal is never judged.
    expect(out[68]).toEqual({ symbol: "X", time: time(68), direction: "flat", confidence: 0.9, reason: "says flat" });
    expect(out.filter((s) => s !== null)).toHaveLength(4);
  });

  it("records every long and short, vetoed ones included, resolved holding bars later at that close", () => {
    const filter = filterOf(plan, spec);
    feed(filter, series(closes));
    const trace = (i: number) => filter.traces.get(`X@${time(i)}`);
    expect(trace(61)).toMatchObject({ time: time(61), signal: { direction: "long" }, outcome: { return: -0.25 }, knownAt: time(62) });
    expect(trace(63)).toMatchObject({ outcome: { return: -0.5 }, knownAt: time(64) });
    expect(trace(65)).toMatchObject({ outcome: { return: 0.75 }, knownAt: time(66) });
    // The short at 67 (64) resolved at 68 (64): 0; the last bar's situation is the short's own.
    expect(trace(67)).toMatchObject({ signal: { direction: "short" }, outcome: { return: -0 }, knownAt: time(68) });
    expect(Array.from(trace(67)!.situation)).toEqual(Array.from(situationEmbedding({ length: 68, at: (i) => ({ ...barOf(closes, i) }) })));
    expect(filter.traces.size).toBe(4);
  });

  it("turns a vetoed reversal into an exit: the position held on the other side is closed", () => {
    const filter = filterOf(plan, spec);
    // Short 10 units at bar 65: the vetoed long becomes flat.
    const out = feed(filter, series(closes), (i) => (i === 65 ? -10 : 0));
    expect(out[65]).toEqual({
      symbol: "X", time: time(65), direction: "flat", confidence: 0.9,
      reason: "memory vetoed long (2 neighbours: mean outcome -37.50%, win rate 0.00%): exit only",
    });
    expect(filter.dropped).toHaveLength(1);
  });

  it("with a min edge below the mean lets the bar-65 long pass, at confidence times a win rate of 0", () => {
    const out = feed(filterOf(plan, { ...spec, minEdge: -0.4 }), series(closes));
    expect(out[65]).toMatchObject({ direction: "long", confidence: 0, reason: "says long · memory: 2 neighbours: mean outcome -37.50%, win rate 0.00%" });
  });
});

function barOf(closes: readonly number[], i: number): Bar {
  return { time: time(i), open: closes[i], high: closes[i], low: closes[i], close: closes[i], volume: 1 };
}

describe("no look-ahead", () => {
  // A memory holding one decision (an earlier run's): a long at bar 61's situation that lost 75%,
  // an outcome known only from time(64). Longs at bars 61..64 of the same series ask about it.
  const closes = [...Array(61).fill(64), 64, 64, 64, 64, 64];
  const spec = { k: 1, holding: 100, minTraces: 1, minEdge: 0 };
  function withKnownLoss(plan: Record<number, Direction>): MemoryFilter {
    const traces = new DecisionTraces({ clock: new TestClock(), cacheTtlMs: 0 });
    const situation = situationEmbedding({ length: 62, at: (i) => barOf(closes, i) });
    traces.record({ id: "earlier", situation, signal: { symbol: "X", time: time(0), direction: "long", confidence: 1, reason: "earlier run" } });
    traces.resolve("earlier", { return: -0.75 }, time(64));
    return new MemoryFilter(scripted(plan), memorySettings(spec), traces);
  }

  it("an outcome known at t is not used by a decision before t, and is from t", () => {
    // Bars 61..63 are before time(64): no known outcome, so each long passes unchanged (holding 100: none of their own resolves).
    const before = withKnownLoss({ 61: "long", 62: "long", 63: "long" });
    const out = feed(before, series(closes));
    for (const i of [61, 62, 63]) expect(out[i]).toEqual({ symbol: "X", time: time(i), direction: "long", confidence: 0.9, reason: "says long" });
    expect(before.dropped).toEqual([]);
    // Bar 64 is time(64): the loss is known now, and vetoes.
    const at = withKnownLoss({ 64: "long" });
    expect(feed(at, series(closes))[64]).toBeNull();
    expect(at.dropped.map((d) => [d.time, d.detail])).toEqual([[time(64), "1 neighbours: mean outcome -75.00%, win rate 0.00%; below the min edge +0.00%"]]);
  });

  it("resolves its own decision exactly holding bars later, and uses it from then", () => {
    // Long at 61 (64), holding 3: resolved at the close of bar 64 (16): -0.75, known from time(64).
    const prices = [...Array(61).fill(64), 64, 64, 64, 16, 64];
    const own = { k: 1, holding: 3, minTraces: 1, minEdge: 0 };
    const early = filterOf({ 61: "long", 63: "long" }, own);
    expect(feed(early, series(prices))[63]).toEqual({ symbol: "X", time: time(63), direction: "long", confidence: 0.9, reason: "says long" });
    expect(early.traces.get(`X@${time(61)}`)).toMatchObject({ outcome: { return: -0.75 }, knownAt: time(64) });
    const at = filterOf({ 61: "long", 64: "long" }, own);
    expect(feed(at, series(prices))[64]).toBeNull();
  });

  const sp500 = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { source: "sp500.csv", symbol: "SPX" });
  // Fast momentum for many signals, and a memory that judges early, so there are vetoes on both sides of j.
  const req: BacktestRequest = {
    strategy: "momentum", params: { fast: 5, slow: 20, allowShort: true }, memory: { k: 5, holding: 5, minTraces: 10, minEdge: 0 },
  };
  const j = 2500;

  /** The run's signals (as the engine received them) and its vetoes. */
  function decisions(s: BarSeries) {
    const signals: Signal[] = [];
    const report = runStrategyBacktest(s, req, { onEvent: (e: EngineEvent) => { if (e.type === "signal") signals.push(e.signal); } });
    return { signals, vetoes: report.droppedSignals! };
  }

  it("changing every bar after bar j leaves every decision and every veto up to j as it was", () => {
    // Every bar after j scaled by its own factor (OHLC together, so each bar stays a bar).
    const factor = (i: number) => (i > j ? 1 + 0.2 * Math.sin(i * 0.7) : 1);
    const scale = (a: Float64Array) => a.map((v, i) => v * factor(i));
    const changed: BarSeries = { ...sp500, open: scale(sp500.open), high: scale(sp500.high), low: scale(sp500.low), close: scale(sp500.close) };
    const a = decisions(sp500);
    const b = decisions(changed);
    const upTo = <T extends { time: number }>(xs: readonly T[]) => xs.filter((x) => x.time <= sp500.time[j]);
    expect(upTo(a.vetoes).length).toBeGreaterThan(5);
    expect(upTo(a.signals).length).toBeGreaterThan(50);
    expect(upTo(b.signals)).toEqual(upTo(a.signals));
    expect(upTo(b.vetoes)).toEqual(upTo(a.vetoes));
    // The change did reach the decisions after j: the test would see a leak.
    expect(b.signals.slice(upTo(a.signals).length)).not.toEqual(a.signals.slice(upTo(a.signals).length));
    expect(a.vetoes.length).toBeGreaterThan(upTo(a.vetoes).length);
  });
});
