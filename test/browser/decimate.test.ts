// Drawing a series of any length (runtimes/browser/decimate.ts): the plan of
// buckets and points worked out by hand, M4 decimation keeping the first,
// lowest, highest and last value of every bucket, candles aggregated, and
// the chart's logical positions mapped to bars and back.
import { describe, expect, it } from "vitest";
import {
  aggregateBars, alignToBars, barAt, decimateLine, logicalAt, planCovers, planFor, pointOf, type Plan,
} from "../../runtimes/browser/decimate.ts";

/** Bars [start, end) of bucket k. */
const bucket = (plan: Plan, k: number) => [plan.buckets[k], plan.buckets[k + 1]] as const;

describe("the plan", () => {
  it("cuts a whole series in view into buckets of a power of two, four points each", () => {
    // 100 bars in 10 buckets: 10 bars a bucket, rounded up to 16; the last bucket holds the 4 left over.
    const plan = planFor(100, 0, 100, 10);
    expect(plan.fine).toBe(16);
    expect(plan.coarse).toBe(16);
    expect([...plan.buckets]).toEqual([0, 16, 32, 48, 64, 80, 96, 100]);
    expect([...plan.points]).toEqual([
      0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80, 84, 88, 92, 96, 97, 98, 99, 100,
    ]);
  });

  it("draws the view and half a view either side finely, the rest coarsely, at multiples of the coarse size", () => {
    // Bars 400-500 of 1000 in 10 buckets: 16 bars a bucket near the view; 1000 / 10 = 100, rounded to 128, elsewhere.
    // The fine range, 350-550 widened to multiples of 128, is 256-640.
    const plan = planFor(1000, 400, 500, 10);
    expect([plan.fine, plan.coarse, plan.fineFrom, plan.fineTo]).toEqual([16, 128, 256, 640]);
    const fine = Array.from({ length: (640 - 256) / 16 }, (_, k) => 256 + 16 * k);
    expect([...plan.buckets]).toEqual([0, 128, ...fine, 640, 768, 896, 1000]);
    // A 128-bar bucket is four points of 32 bars; the last (896-1000, 104 bars) four of 26.
    expect([...plan.points.subarray(0, 8)]).toEqual([0, 32, 64, 96, 128, 160, 192, 224]);
    expect([...plan.points.slice(-5)]).toEqual([896, 922, 948, 974, 1000]);
  });

  it("keeps every bar when the view holds few enough", () => {
    const plan = planFor(1000, 100, 130, 10);
    expect(plan.fine).toBe(4);
    const [from, to] = [plan.fineFrom, plan.fineTo];
    for (let b = from; b < to; b++) expect(plan.points[pointOf(plan, b)]).toBe(b);
  });

  it("is kept for a short pan and replaced for a zoom or a long pan", () => {
    const plan = planFor(1000, 400, 500, 10);
    expect(planCovers(plan, 420, 520, 10)).toBe(true);
    expect(planCovers(plan, 420, 470, 10)).toBe(false);
    expect(planCovers(plan, 600, 700, 10)).toBe(false);
  });

  it("maps a chart's logical positions to bars and back", () => {
    const plan = planFor(1000, 400, 500, 10);
    // Point 0 draws bars 0-31, point 1 bars 32-63: halfway between them is bar 16.
    expect(barAt(plan, 0.5)).toBe(16);
    expect(logicalAt(plan, 16)).toBe(0.5);
    // Beyond the ends, at the last point's bars per point (26).
    const m = plan.points.length - 1;
    expect(barAt(plan, m + 1)).toBe(1026);
    for (const bar of [-13, 0, 5, 255.5, 400, 639, 999, 1010]) expect(barAt(plan, logicalAt(plan, bar))).toBeCloseTo(bar, 9);
  });
});

describe("M4 decimation of a line", () => {
  it("keeps a bucket's first, lowest, highest and last values, the extremes in the order they occur", () => {
    // One bucket of 8 bars, drawn as 4 points.
    const plan = planFor(8, 0, 8, 1);
    expect([...plan.buckets]).toEqual([0, 8]);
    expect([...decimateLine([5, 1, 9, 3, 7, 2, 8, 4], plan)]).toEqual([5, 1, 9, 4]);
    expect([...decimateLine([2, 8, 6, 1, 5, 3, 7, 4], plan)]).toEqual([2, 8, 1, 4]);
    // NaN (an indicator not yet defined) is skipped: first 3, highest 5 before lowest 1, last 4.
    expect([...decimateLine([NaN, NaN, 3, 5, 1, NaN, 4, NaN], plan)]).toEqual([3, 5, 1, 4]);
    expect([...decimateLine([NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN], plan)]).toEqual([NaN, NaN, NaN, NaN]);
  });

  it("keeps short buckets as they are", () => {
    const plan = planFor(6, 0, 6, 2);
    expect([...plan.buckets]).toEqual([0, 4, 6]);
    expect([...decimateLine([1, 2, 3, 4, 5, 6], plan)]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("keeps the extremes of every bucket and the series' first and last points, on a long random walk", () => {
    let x = 100;
    let seed = 3;
    const values = Float64Array.from({ length: 100_003 }, () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return (x += seed / 2 ** 32 - 0.5);
    });
    const plan = planFor(values.length, 40_000, 41_000, 300);
    expect(plan.fine).toBeLessThan(plan.coarse);
    const drawn = decimateLine(values, plan);
    expect(drawn[0]).toBe(values[0]);
    expect(drawn[drawn.length - 1]).toBe(values[values.length - 1]);
    for (let k = 0; k + 1 < plan.buckets.length; k++) {
      const [s, e] = bucket(plan, k);
      const own = values.subarray(s, e);
      const kept = drawn.subarray(pointOf(plan, s), pointOf(plan, e - 1) + 1);
      expect(kept).toContain(Math.min(...own));
      expect(kept).toContain(Math.max(...own));
      expect(kept[0]).toBe(own[0]);
      expect(kept[kept.length - 1]).toBe(own[own.length - 1]);
    }
  });
});

describe("candles of the points", () => {
  it("are the first open, highest high, lowest low and last close of their bars, their volume summed", () => {
    // One bucket of 8 bars: 4 points of 2 bars each.
    const plan = planFor(8, 0, 8, 1);
    const bars = {
      open: [10, 11, 12, 13, 14, 15, 16, 17],
      high: [12, 15, 13, 14, 20, 16, 18, 17.5],
      low: [9, 10, 11, 8, 13, 14, 15, 16],
      close: [11, 12, 13, 14, 15, 16, 17, 17.2],
      volume: [1, 2, 3, 4, 5, 6, 7, 8],
    };
    const c = aggregateBars(bars, plan);
    expect([...c.open]).toEqual([10, 12, 14, 16]);
    expect([...c.high]).toEqual([15, 14, 20, 18]);
    expect([...c.low]).toEqual([9, 8, 13, 15]);
    expect([...c.close]).toEqual([12, 14, 16, 17.2]);
    expect([...c.volume]).toEqual([3, 7, 11, 15]);
  });
});

describe("curves over the bars", () => {
  it("line up by time, NaN where a curve has no value (a rolling window's start, a benchmark's missing day)", () => {
    expect([...alignToBars([1, 2, 3, 4, 5], [2, 4, 5], [20, 40, 50])]).toEqual([NaN, 20, NaN, 40, 50]);
  });
});
