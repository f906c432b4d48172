import { describe, expect, it } from "vitest";
import type { BarHistory } from "../../src/core/data.ts";
import { MarketDataError } from "../../src/core/errors.ts";
import { rsiSeries } from "../../src/features/rsi.ts";
import { SITUATION_BARS, SITUATION_FEATURES, situationEmbedding } from "../../src/memory/situation.ts";

/** A history over closes; at(i) past the end throws, as a strategy's does. */
function historyOf(closes: number[]): BarHistory {
  return {
    length: closes.length,
    at(i) {
      if (!(i >= 0 && i < closes.length)) throw new Error(`bar ${i} is not in the history`);
      const c = closes[i];
      return { time: i * 86_400_000, open: c, high: c, low: c, close: c, volume: 1 };
    },
  };
}

const feature = (v: Float32Array, name: (typeof SITUATION_FEATURES)[number]) => v[SITUATION_FEATURES.indexOf(name)];

describe("situationEmbedding", () => {
  it("a flat market is the zero vector", () => {
    expect(Array.from(situationEmbedding(historyOf(Array(SITUATION_BARS).fill(42.1))))).toEqual(Array(10).fill(0));
  });

  it("closes alternating 100, 101, ..., 100: each feature by hand", () => {
    const closes = Array.from({ length: SITUATION_BARS }, (_, i) => (i % 2 ? 101 : 100));
    const v = situationEmbedding(historyOf(closes));
    // Log returns alternate +a, -a; the last one (101 -> 100) is -a. The sd of the last 20 is a sqrt(20/19),
    // so each return over it is sqrt(19/20) = 0.974679, over 3.
    const r = Math.sqrt(19 / 20) / 3;
    [-r, r, -r, r, -r].forEach((x, k) => expect(v[k]).toBeCloseTo(x, 6));
    // sd of 10 returns a sqrt(10/9), of 60 returns a sqrt(60/59): ln of the ratio is ln(590/540) / 2.
    expect(feature(v, "volRegime")).toBeCloseTo(Math.log(590 / 540) / 2, 6);
    expect(feature(v, "rsi")).toBeCloseTo((rsiSeries(Float64Array.from(closes), 14)[60] - 50) / 50, 6);
    // The last 20 closes: ten 100s and ten 101s, mean 100.5, population sd 0.5: z = -1.
    expect(feature(v, "smaZ")).toBeCloseTo(-1 / 3, 6);
    // 20 bars ago the close was 100 too: no trend; the close is the lowest of the window: range -1.
    expect(feature(v, "trend")).toBe(0);
    expect(feature(v, "range")).toBe(-1);
  });

  it("does not depend on the price level or on bars before the last 61", () => {
    let x = 50;
    const closes = Array.from({ length: 300 }, (_, i) => (x *= 1 + 0.02 * Math.sin(i * 1.7) + 0.004 * Math.cos(i * 0.31)));
    const v = situationEmbedding(historyOf(closes));
    const tenfold = situationEmbedding(historyOf(closes.map((c) => c * 10)));
    v.forEach((f, i) => expect(tenfold[i]).toBeCloseTo(f, 6));
    const lastOnly = situationEmbedding(historyOf(closes.slice(-SITUATION_BARS)));
    expect(Array.from(lastOnly)).toEqual(Array.from(v));
    for (const f of v) expect(Math.abs(f)).toBeLessThanOrEqual(1);
    // A trend up shows as a positive trend feature and a close near the top of the range.
    const rising = situationEmbedding(historyOf(Array.from({ length: 61 }, (_, i) => 100 + i + (i % 3))));
    expect(feature(rising, "trend")).toBeGreaterThan(0.5);
    expect(feature(rising, "range")).toBeGreaterThan(0.9);
    expect(feature(rising, "rsi")).toBeGreaterThan(0.5);
  });

  it("refuses a short history or a close that is not a positive number", () => {
    expect(() => situationEmbedding(historyOf(Array(60).fill(1)))).toThrow(new MarketDataError("a situation needs 61 bars of history, got 60", { field: "history" }));
    const bad = Array(61).fill(1);
    bad[30] = 0;
    expect(() => situationEmbedding(historyOf(bad))).toThrow("close 0 at bar 30 must be a positive number");
  });
});
