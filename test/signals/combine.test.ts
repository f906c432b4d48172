// The signal layer on scripted members: every rule and every drop reason,
// against combinations worked out by hand in the comments.
import { describe, expect, it } from "vitest";
import type { Bar } from "../../src/core/data.ts";
import type { Direction, Signal } from "../../src/core/signal.ts";
import { CombinedStrategy, type CombineRules } from "../../src/signals/combine.ts";
import type { Strategy, StrategyContext } from "../../src/strategies/strategy.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);
const time = (i: number) => T0 + i * DAY;

/** What a scripted member says on a bar: a side, and optionally its confidence (default 1) and size factor. */
type Say = Direction | { direction: Direction; confidence?: number; sizeFactor?: number };

/** A member that emits the planned signals by bar index, and counts the bars it was shown. */
function member(name: string, plan: Record<number, Say>): Strategy & { seen: number } {
  const m = {
    name,
    seen: 0,
    onBar(bar: Bar): Signal | null {
      const say = plan[m.seen++];
      if (say === undefined) return null;
      const s = typeof say === "string" ? { direction: say } : say;
      return { symbol: "X", time: bar.time, direction: s.direction, confidence: s.confidence ?? 1, sizeFactor: s.sizeFactor, reason: `${name} says ${s.direction}` };
    },
  };
  return m;
}

/** Runs `bars` bars through a combination; the combined signal (or null) of each bar. */
function run(strategy: CombinedStrategy, bars: number): (Signal | null)[] {
  const ctx: StrategyContext = { symbol: "X", history: { length: 0, at: () => { throw new Error("not read"); } }, position: 0 };
  return Array.from({ length: bars }, (_, i) => strategy.onBar({ time: time(i), open: 1, high: 1, low: 1, close: 1, volume: 1 }, ctx));
}

function combine(members: { s: Strategy; w?: number }[], rules: CombineRules): CombinedStrategy {
  return new CombinedStrategy(members.map(({ s, w }) => ({ name: s.name, strategy: s, weight: w ?? 1 })), rules);
}

/** The combined signals that were emitted, as [bar, direction, confidence]. */
const emitted = (out: (Signal | null)[]) => out.flatMap((s, i) => (s ? [[i, s.direction, Number(s.confidence.toFixed(6))]] : []));

describe("combining signals", () => {
  it("votes by weight: the net of the standing longs against the shorts decides, and members without a view abstain", () => {
    const a = member("a", { 1: "long", 5: "flat" });
    const b = member("b", { 3: "long" });
    const c = member("c", {});
    const out = run(combine([{ s: a, w: 2 }, { s: b }, { s: c }], { method: "vote" }), 7);
    // Total weight 4. Bar 1: a long, score 2/4. Bar 3: a and b long, 3/4 (same side: no new signal).
    // Bar 5: a flat, b still long: 1/4, still long. Nothing changes side after bar 1.
    expect(emitted(out)).toEqual([[1, "long", 0.5]]);
    expect(a.seen).toBe(7);
    expect(c.seen).toBe(7);
    expect(out[1]!.reason).toBe("vote +0.50 · a long: a says long");
  });

  it("resolves opposite sides by the net weight and drops the outweighed side as a conflict", () => {
    const a = member("a", { 1: "long" });
    const b = member("b", { 2: "short" });
    const strategy = combine([{ s: a, w: 2 }, { s: b }], { method: "vote" });
    const out = run(strategy, 4);
    // Bar 2: long 2 against short 1, net +1 of 3: long stays; b's short is dropped.
    expect(emitted(out)).toEqual([[1, "long", 0.666667]]);
    expect(strategy.dropped).toEqual([{
      time: time(2), symbol: "X", strategy: "b", direction: "short", confidence: 1, signalTime: time(2), reason: "conflict",
      detail: "long 2.00 against short 1.00: long by the net",
    }]);
  });

  it("turns to the side that outweighs the standing one, dropping the standing view", () => {
    const a = member("a", { 0: "long" });
    const b = member("b", { 2: "short" });
    const strategy = combine([{ s: a }, { s: b, w: 3 }], { method: "vote" });
    const out = run(strategy, 3);
    // Bar 2: long 1 against short 3: net -2 of 4, short at confidence 0.5; a's long (from bar 0) is dropped.
    expect(emitted(out)).toEqual([[0, "long", 0.25], [2, "short", 0.5]]);
    expect(strategy.dropped.map((d) => [d.strategy, d.reason, d.time, d.signalTime])).toEqual([["a", "conflict", time(2), time(0)]]);
  });

  it("goes flat on an exact tie and drops both sides; a dropped view does not come back", () => {
    const a = member("a", { 0: "long" });
    const b = member("b", { 1: "short" });
    const c = member("c", { 3: "long" });
    // Weights 0.1 + 0.2 against 0.3 do not cancel exactly in floating point: still a tie.
    const a2 = member("a2", { 0: "long" });
    const strategy = combine([{ s: a, w: 0.1 }, { s: a2, w: 0.2 }, { s: b, w: 0.3 }, { s: c }], { method: "vote" });
    const out = run(strategy, 5);
    // Bar 0: long 0.3 (a, a2). Bar 1: b short 0.3: tie, flat, all three views dropped.
    // Bar 3: c long alone: long at 1 / 1.6.
    expect(emitted(out)).toEqual([[0, "long", 0.1875], [1, "flat", 0], [3, "long", 0.625]]);
    expect(strategy.dropped.map((d) => [d.strategy, d.direction, d.reason])).toEqual([
      ["a", "long", "conflict"], ["a2", "long", "conflict"], ["b", "short", "conflict"],
    ]);
    expect(strategy.dropped[0].detail).toBe("long 0.30 against short 0.30: a tie, so flat");
  });

  it("weights each view by its confidence in the weighted combination, where the vote would side the other way", () => {
    const script = () => [member("a", { 0: { direction: "long", confidence: 0.9 } }), member("b", { 0: { direction: "short", confidence: 0.3 } })];
    const [a1, b1] = script();
    const vote = combine([{ s: a1 }, { s: b1, w: 2 }], { method: "vote" });
    // vote: long 1 against short 2: short, net -1 of 3.
    expect(emitted(run(vote, 1))).toEqual([[0, "short", 0.333333]]);
    expect(vote.dropped.map((d) => d.strategy)).toEqual(["a"]);
    const [a2, b2] = script();
    const weighted = combine([{ s: a2 }, { s: b2, w: 2 }], { method: "weighted" });
    // weighted: long 1 x 0.9 = 0.9 against short 2 x 0.3 = 0.6: long, net 0.3 of 3.
    expect(emitted(run(weighted, 1))).toEqual([[0, "long", 0.1]]);
    expect(weighted.dropped.map((d) => [d.strategy, d.detail])).toEqual([["b", "long 0.90 against short 0.60: long by the net"]]);
  });

  it("drops a long or short below the confidence threshold and clears its strategy's earlier view; a flat always counts", () => {
    const a = member("a", { 0: { direction: "short", confidence: 0.8 }, 2: { direction: "long", confidence: 0.4 }, 4: { direction: "long", confidence: 0.5 }, 6: { direction: "flat", confidence: 0 } });
    const strategy = combine([{ s: a }], { method: "vote", minConfidence: 0.5 });
    const out = run(strategy, 7);
    // Bar 2: the long at 0.4 is dropped, and a's short is withdrawn: flat. Bar 4: 0.5 is not below 0.5: long. Bar 6: flat.
    expect(emitted(out)).toEqual([[0, "short", 1], [2, "flat", 0], [4, "long", 1], [6, "flat", 0]]);
    expect(strategy.dropped).toEqual([{
      time: time(2), symbol: "X", strategy: "a", direction: "long", confidence: 0.4, signalTime: time(2), reason: "threshold",
      detail: "confidence 0.40 below 0.50",
    }]);
  });

  it("drops a repeated side as a duplicate (no new order) and keeps the first signal standing", () => {
    const a = member("a", { 0: "long", 2: "long", 3: "flat", 4: "flat", 5: "long" });
    const strategy = combine([{ s: a }], { method: "vote", ttl: 4 });
    const out = run(strategy, 6);
    // Bar 2 repeats bar 0's long: dropped, and the ttl still counts from bar 0 (it would expire at bar 4,
    // but a's flat at bar 3 clears it first). A flat without a standing view changes nothing. Bar 5: a new long.
    expect(emitted(out)).toEqual([[0, "long", 1], [3, "flat", 0], [5, "long", 1]]);
    expect(strategy.dropped).toEqual([{
      time: time(2), symbol: "X", strategy: "a", direction: "long", confidence: 1, signalTime: time(2), reason: "duplicate",
      detail: "a is already long since 2020-01-01",
    }]);
    // The repeat does not renew the standing signal: with ttl 3 the long of bar 0 expires at bar 3.
    const again = combine([{ s: member("b", { 0: "long", 2: "long" }) }], { method: "vote", ttl: 3 });
    expect(emitted(run(again, 4))).toEqual([[0, "long", 1], [3, "flat", 0]]);
    expect(again.dropped.map((d) => [d.reason, d.time, d.signalTime])).toEqual([["duplicate", time(2), time(2)], ["expired", time(3), time(0)]]);
  });

  it("expires a signal after ttl bars, its own bar included", () => {
    const a = member("a", { 1: "long", 6: "long" });
    const b = member("b", { 2: "short" });
    const strategy = combine([{ s: a, w: 2 }, { s: b }], { method: "vote", ttl: 3 });
    const out = run(strategy, 8);
    // a's long stands on bars 1, 2, 3 and expires at bar 4; b's short (bar 2) is outweighed at once and dropped.
    // Bar 6: a long again, not a duplicate since the first expired.
    expect(emitted(out)).toEqual([[1, "long", 0.666667], [4, "flat", 0], [6, "long", 0.666667]]);
    expect(strategy.dropped.map((d) => [d.strategy, d.reason, d.time, d.signalTime, d.detail])).toEqual([
      ["b", "conflict", time(2), time(2), "long 2.00 against short 1.00: long by the net"],
      ["a", "expired", time(4), time(1), "stood 3 bars (ttl)"],
    ]);
  });

  it("lets the override strategy's long or short decide while it stands, dropping the other side as overridden", () => {
    const a = member("a", { 0: "long" });
    const b = member("b", { 2: { direction: "short", confidence: 0.7 }, 4: "flat" });
    const c = member("c", { 3: "long" });
    const strategy = combine([{ s: a, w: 5 }, { s: b }, { s: c }], { method: "vote", override: "b" });
    const out = run(strategy, 6);
    // Bar 2: b short overrides a's heavier long; bar 3: c's long is overridden too. Bar 4: b flat, no views left: flat.
    expect(emitted(out)).toEqual([[0, "long", 0.714286], [2, "short", 0.7], [4, "flat", 0]]);
    expect(out[2]!.reason).toBe("b (override): b says short");
    expect(strategy.dropped.map((d) => [d.strategy, d.reason, d.time, d.detail])).toEqual([
      ["a", "overridden", time(2), "b (override) is short"], ["c", "overridden", time(3), "b (override) is short"],
    ]);
  });

  it("sizes by the weight-averaged size factor of the winning side", () => {
    const a = member("a", { 0: { direction: "long", sizeFactor: 0.5 } });
    const b = member("b", { 0: "long" });
    const [signal] = run(combine([{ s: a }, { s: b, w: 3 }], { method: "vote" }), 1);
    // (1 x 0.5 + 3 x 1) / 4
    expect(signal!.sizeFactor).toBe(0.875);
    const [plain] = run(combine([{ s: member("c", { 0: "long" }) }], { method: "vote" }), 1);
    expect(plain!.sizeFactor).toBeUndefined();
  });
});
