import { describe, expect, it } from "vitest";
import { TestClock } from "../../src/core/clock.ts";
import type { Signal } from "../../src/core/signal.ts";
import { MemoryStorage } from "../../src/core/storage.ts";
import { AgentMemory, DecisionTraces, ObservationCollection, SignalCollection } from "../../src/memory/collections.ts";
import { wasmHnsw } from "./data.ts";

const DAY = 86_400_000;
const v = (...x: number[]) => Float32Array.from(x);
const signal = (time: number, direction: Signal["direction"] = "long"): Signal => ({ symbol: "SPX", time, direction, confidence: 0.7, reason: "test" });

describe("decision traces", () => {
  it("similar() returns only traces whose outcome was known at asOf (walk-forward), nearest first", () => {
    const traces = new DecisionTraces({ clock: new TestClock(), dimension: 3 });
    // Day 1 is the nearest to the query but is resolved last (day 30); day 2 is resolved on day 5; day 3 never.
    traces.record({ situation: v(0, 0, 0), signal: signal(1 * DAY) });
    traces.record({ situation: v(1, 0, 0), signal: signal(2 * DAY, "short") });
    traces.record({ situation: v(0.1, 0, 0), signal: signal(3 * DAY) });
    traces.resolve(`SPX@${2 * DAY}`, { return: -0.02 }, 5 * DAY);
    traces.resolve(`SPX@${1 * DAY}`, { return: 0.03, pnl: "150.25" }, 30 * DAY);
    const query = v(0, 0, 0);
    expect(traces.similar(query, 5, 4 * DAY)).toEqual([]);
    expect(traces.similar(query, 5, 5 * DAY).map((s) => s.id)).toEqual([`SPX@${2 * DAY}`]);
    expect(traces.similar(query, 5, 30 * DAY - 1).map((s) => s.id)).toEqual([`SPX@${2 * DAY}`]);
    const later = traces.similar(query, 5, 30 * DAY);
    expect(later.map((s) => s.id)).toEqual([`SPX@${DAY}`, `SPX@${2 * DAY}`]);
    expect(later.map((s) => s.distance)).toEqual([0, 1]);
    expect(later[0].record).toEqual({
      id: `SPX@${DAY}`, symbol: "SPX", time: DAY, situation: v(0, 0, 0), signal: signal(DAY),
      outcome: { return: 0.03, pnl: "150.25" }, knownAt: 30 * DAY,
    });
    expect(traces.unresolved().map((t) => t.id)).toEqual([`SPX@${3 * DAY}`]);
  });

  it("keeps the order with its decimals as strings, and refuses what cannot be", () => {
    const traces = new DecisionTraces({ clock: new TestClock(), dimension: 2 });
    const id = traces.record({ situation: v(1, 2), signal: signal(DAY), order: { symbol: "SPX", side: "buy", quantity: 10, limitPrice: "101.50" } });
    expect(traces.get(id)!.order).toEqual({ symbol: "SPX", side: "buy", quantity: "10", limitPrice: "101.5" });
    expect(() => traces.record({ situation: v(1, 2), signal: signal(DAY) })).toThrow(`decision trace "SPX@${DAY}" is already recorded`);
    expect(traces.record({ id: "second", situation: v(1, 2), signal: signal(DAY) })).toBe("second");
    expect(() => traces.resolve("nope", { return: 0 }, DAY)).toThrow('no decision trace "nope"');
    expect(() => traces.resolve(id, { return: 0.01 }, DAY - 1)).toThrow(`knownAt ${DAY - 1} is before the decision at ${DAY}`);
    expect(() => traces.resolve(id, { return: Number.NaN }, DAY)).toThrow("outcome.return must be a finite number");
    expect(() => traces.resolve(id, { return: 0.01, pnl: "ten" }, DAY)).toThrow("outcome.pnl must be a number");
    traces.resolve(id, { return: 0.01 }, DAY);
    expect(() => traces.resolve(id, { return: 0.02 }, 2 * DAY)).toThrow(`decision trace "SPX@${DAY}" was already resolved (known at ${DAY})`);
    expect(() => traces.similar(v(1, 2), 3, Number.NaN)).toThrow("asOf must be epoch milliseconds");
    expect(() => traces.record({ situation: v(1, 2, 3), signal: signal(9 * DAY) })).toThrow("vector has 3 values; this index holds vectors of dimension 2");
  });
});

describe("observations and signals", () => {
  it("similar() sees only what was there at asOf, of one symbol when asked", () => {
    const obs = new ObservationCollection({ clock: new TestClock(), dimension: 2 });
    obs.add({ symbol: "SPX", time: DAY, situation: v(0, 0), data: { close: 100 } });
    obs.add({ symbol: "NDX", time: DAY, situation: v(0, 0.1) });
    obs.add({ symbol: "SPX", time: 3 * DAY, situation: v(0, 0.01) });
    expect(obs.similar(v(0, 0), 3, 2 * DAY).map((s) => s.id)).toEqual([`SPX@${DAY}`, `NDX@${DAY}`]);
    expect(obs.similar(v(0, 0), 3, 3 * DAY, "SPX").map((s) => s.id)).toEqual([`SPX@${DAY}`, `SPX@${3 * DAY}`]);
    expect(obs.similar(v(0, 0), 1, 3 * DAY)[0].record).toEqual({ symbol: "SPX", time: DAY, situation: v(0, 0), data: { close: 100 } });
    // The same symbol and bar again replaces the observation.
    obs.add({ symbol: "SPX", time: DAY, situation: v(5, 5) });
    expect(obs.size).toBe(3);

    const signals = new SignalCollection({ clock: new TestClock(), dimension: 2 });
    const id = signals.add({ signal: signal(2 * DAY, "short"), situation: v(1, 1), strategy: "momentum" });
    expect(id).toBe(`momentum:SPX@${2 * DAY}`);
    expect(signals.similar(v(1, 1), 1, 2 * DAY - 1)).toEqual([]);
    expect(signals.similar(v(1, 1), 1, 2 * DAY)[0].record).toEqual({ signal: signal(2 * DAY, "short"), situation: v(1, 1), strategy: "momentum" });
  });
});

describe("the session cache in front of similar()", () => {
  it("answers again from the cache within the TTL; a change or the TTL passing asks the index anew", () => {
    const clock = new TestClock(0);
    const traces = new DecisionTraces({ clock, dimension: 2, cacheTtlMs: 1000 });
    traces.record({ situation: v(0, 0), signal: signal(DAY) });
    traces.record({ situation: v(0, 1), signal: signal(2 * DAY) });
    traces.resolve(`SPX@${DAY}`, { return: 0.01 }, 3 * DAY);
    const first = traces.similar(v(0, 0), 2, 10 * DAY);
    expect(traces.similar(v(0, 0), 2, 10 * DAY)).toEqual(first);
    expect(traces.cacheStats).toEqual({ hits: 1, misses: 1 });
    // Another asOf, k or query is another key.
    traces.similar(v(0, 0), 1, 10 * DAY);
    expect(traces.cacheStats).toEqual({ hits: 1, misses: 2 });
    // A resolve changes the collection: the next answer includes the newly known trace at once.
    traces.resolve(`SPX@${2 * DAY}`, { return: -0.01 }, 4 * DAY);
    expect(traces.similar(v(0, 0), 2, 10 * DAY)).toHaveLength(2);
    expect(traces.cacheStats).toEqual({ hits: 1, misses: 3 });
    clock.set(999);
    traces.similar(v(0, 0), 2, 10 * DAY);
    expect(traces.cacheStats).toEqual({ hits: 2, misses: 3 });
    clock.set(5000);
    traces.similar(v(0, 0), 2, 10 * DAY);
    expect(traces.cacheStats).toEqual({ hits: 2, misses: 4 });
  });

  it("is off with a TTL of 0", () => {
    const traces = new DecisionTraces({ clock: new TestClock(), dimension: 2, cacheTtlMs: 0 });
    traces.similar(v(0, 0), 2, DAY);
    traces.similar(v(0, 0), 2, DAY);
    expect(traces.cacheStats).toEqual({ hits: 0, misses: 0 });
    expect(() => new DecisionTraces({ clock: new TestClock(), cacheTtlMs: -1 })).toThrow("cacheTtlMs must be >= 0");
  });
});

describe("AgentMemory through the storage port", () => {
  it("saves the three collections and loads them back with the same answers", async () => {
    const options = { clock: new TestClock(), dimension: 2, backend: await wasmHnsw() };
    const memory = new AgentMemory(options);
    memory.observations.add({ symbol: "SPX", time: DAY, situation: v(0, 0) });
    memory.signals.add({ signal: signal(DAY), situation: v(0, 0) });
    memory.traces.record({ situation: v(1, 0), signal: signal(DAY) });
    memory.traces.resolve(`SPX@${DAY}`, { return: 0.02, note: "held 5 bars" }, 6 * DAY);
    const storage = new MemoryStorage();
    memory.saveTo(storage, "agent");
    expect(storage.list("agent")).toEqual(["observations.ntvx", "signals.ntvx", "traces.ntvx"]);
    const loaded = AgentMemory.loadFrom(storage, "agent", options);
    expect(loaded.traces.similar(v(0, 0), 3, 6 * DAY)).toEqual(memory.traces.similar(v(0, 0), 3, 6 * DAY));
    expect(loaded.observations.similar(v(0, 0), 3, DAY)).toEqual(memory.observations.similar(v(0, 0), 3, DAY));
    expect(loaded.signals.size).toBe(1);
    const empty = AgentMemory.loadFrom(storage, "elsewhere", options);
    expect([empty.observations.size, empty.signals.size, empty.traces.size]).toEqual([0, 0, 0]);
  });
});
