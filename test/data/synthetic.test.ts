import { describe, expect, it } from "vitest";
import type { BarSeries } from "../../src/core/data.ts";
import { ConfigError } from "../../src/core/errors.ts";
import { toCsv } from "../../src/data/csv-write.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { Random } from "../../src/core/random.ts";

const COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;

function logReturns(s: BarSeries): Float64Array {
  return Float64Array.from(s.close, (c, i) => Math.log(c / s.open[i]));
}

function moments(x: Float64Array): { mean: number; variance: number; skew: number; kurtosis: number } {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (const v of x) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const pop = m2 / n;
  return { mean, variance: m2 / (n - 1), skew: m3 / n / pop ** 1.5, kurtosis: m4 / n / (pop * pop) };
}

describe("syntheticBars", () => {
  it("gives the identical series for the same seed and a different one for another seed", () => {
    const a = syntheticBars({ n: 2000, seed: 42 });
    const b = syntheticBars({ n: 2000, seed: 42 });
    expect(b).toEqual(a);
    for (const seed of [0, 1, 43, 2 ** 32 - 1]) {
      const c = syntheticBars({ n: 2000, seed });
      expect(Array.from(c.close)).not.toEqual(Array.from(a.close));
      expect(Array.from(c.volume)).not.toEqual(Array.from(a.volume));
    }
  });

  it("steps the close by exactly exp((mu - sigma²/2) dt + sigma sqrt(dt) z) with z from the seeded stream", () => {
    const mu = 0.1, sigma = 0.3, dt = 1 / 252;
    const s = syntheticBars({ n: 50, seed: 1, mu, sigma });
    // Each bar draws, in order: z for the return, two uniforms for high and low, one normal for volume.
    const rng = new Random(1);
    let price = 100;
    for (let i = 0; i < 50; i++) {
      price *= Math.exp((mu - (sigma * sigma) / 2) * dt + sigma * Math.sqrt(dt) * rng.normal());
      rng.uniform();
      rng.uniform();
      rng.normal();
      expect(s.close[i]).toBe(price);
    }
  });

  it("opens each bar at the previous close and spaces bars by stepMs", () => {
    const s = syntheticBars({ n: 500, seed: 7, s0: 250, start: Date.UTC(2010, 0, 1), stepMs: 60_000, symbol: "ABC" });
    expect(s.symbol).toBe("ABC");
    expect(s.open[0]).toBe(250);
    for (let i = 1; i < 500; i++) {
      expect(s.open[i]).toBe(s.close[i - 1]);
      expect(s.time[i] - s.time[i - 1]).toBe(60_000);
    }
    expect(s.time[0]).toBe(Date.UTC(2010, 0, 1));
  });

  it("keeps every bar within the CSV loader's invariants (round trip through toCsv)", () => {
    for (const [seed, sigma] of [[3, 0.2], [4, 1.5], [5, 0], [6, 0.01]] as const) {
      const s = syntheticBars({ n: 2000, seed, sigma });
      for (let i = 0; i < s.close.length; i++) {
        const ok = s.low[i] <= Math.min(s.open[i], s.close[i]) && s.high[i] >= Math.max(s.open[i], s.close[i]) && s.volume[i] >= 1;
        if (!ok) throw new Error(`seed ${seed} bar ${i} breaks the invariants`);
      }
      const numeric = toCsv([...COLUMNS], COLUMNS.map((c) => s[c]));
      expect(parseBarsCsv(numeric, { symbol: "SYN" })).toEqual(s);
      const iso = toCsv([...COLUMNS], [Array.from(s.time, (t) => new Date(t).toISOString()), s.open, s.high, s.low, s.close, s.volume]);
      expect(parseBarsCsv(iso, { symbol: "SYN" })).toEqual(s);
    }
  });

  it("gives highs and lows a range that grows with volatility", () => {
    const meanRange = (sigma: number) => {
      const s = syntheticBars({ n: 20_000, seed: 11, sigma });
      let sum = 0;
      for (let i = 0; i < s.close.length; i++) sum += Math.log(s.high[i] / s.low[i]);
      return sum / s.close.length;
    };
    // For a Brownian bridge the expected log range is about 1.25 sd per bar (Parkinson); the
    // independent draws of high and low keep it in that neighbourhood.
    const sd = 0.2 / Math.sqrt(252);
    expect(meanRange(0.2) / sd).toBeGreaterThan(1);
    expect(meanRange(0.2) / sd).toBeLessThan(2);
    expect(meanRange(0.4) / meanRange(0.2)).toBeCloseTo(2, 1);
  });

  it("draws log returns ~ N((mu - sigma²/2) dt, sigma² dt)", () => {
    // mu = sigma²/2 makes the expected log return 0, while mu dt alone would be 5 standard
    // errors away: this pins the Itô correction, and keeps a long, volatile path in range.
    const n = 100_000;
    const sigma = 1.6;
    const dt = 1 / 252;
    const r = logReturns(syntheticBars({ n, seed: 2024, mu: (sigma * sigma) / 2, sigma }));
    const m = moments(r);
    const sd = sigma * Math.sqrt(dt);
    const seMean = sd / Math.sqrt(n);
    expect(Math.abs(m.mean - 0) / seMean).toBeLessThan(4);
    expect(((sigma * sigma) / 2) * dt / seMean).toBeGreaterThan(5);
    const seVar = sd * sd * Math.sqrt(2 / (n - 1));
    expect(Math.abs(m.variance - sd * sd) / seVar).toBeLessThan(4);
    expect(Math.abs(m.skew) / Math.sqrt(6 / n)).toBeLessThan(4);
    expect(Math.abs(m.kurtosis - 3) / Math.sqrt(24 / n)).toBeLessThan(4);
  });

  it("scales drift and variance by barsPerYear", () => {
    const n = 100_000;
    for (const [mu, sigma, barsPerYear] of [[0.08, 0.25, 252], [0.15, 0.5, 12]] as const) {
      const r = logReturns(syntheticBars({ n, seed: 99, mu, sigma, barsPerYear }));
      const m = moments(r);
      const dt = 1 / barsPerYear;
      const sd = sigma * Math.sqrt(dt);
      expect(Math.abs(m.mean - (mu - (sigma * sigma) / 2) * dt) / (sd / Math.sqrt(n))).toBeLessThan(4);
      expect(Math.abs(m.variance - sd * sd) / (sd * sd * Math.sqrt(2 / (n - 1)))).toBeLessThan(4);
    }
  });

  it("rejects bad options, naming them", () => {
    expect(() => syntheticBars({ n: 0, seed: 1 })).toThrow(ConfigError);
    expect(() => syntheticBars({ n: 2.5, seed: 1 })).toThrow(/n must be an integer >= 1, got 2.5/);
    expect(() => syntheticBars({ n: 5, seed: -1 })).toThrow(/seed must be an integer/);
    expect(() => syntheticBars({ n: 5, seed: 1, s0: 0 })).toThrow(/s0 must be a positive number/);
    expect(() => syntheticBars({ n: 5, seed: 1, sigma: -0.1 })).toThrow(/sigma/);
    expect(() => syntheticBars({ n: 5, seed: 1, mu: NaN })).toThrow(/mu must be a finite number, got NaN/);
    expect(() => syntheticBars({ n: 5, seed: 1, stepMs: 0 })).toThrow(/stepMs/);
    expect(() => syntheticBars({ n: 5, seed: 1, symbol: "A B" })).toThrow(/symbol/);
  });
});
