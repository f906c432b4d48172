import { describe, expect, it } from "vitest";
import { Bbands, bbandsSeries, type BollingerBands } from "../../src/features/bbands.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");

/** Streaming bands run into three series (with `revise`, every bar is first added wrong, then replaced). */
function streamBands(values: Float64Array, period: number, k: number, revise = false): BollingerBands {
  const b = new Bbands(period, k);
  const out = { lower: new Float64Array(values.length), middle: new Float64Array(values.length), upper: new Float64Array(values.length) };
  values.forEach((v, i) => {
    if (revise) b.add(v * 1.01 + 1);
    out.middle[i] = revise ? b.replace(v) : b.add(v);
    out.lower[i] = b.lower;
    out.upper[i] = b.upper;
  });
  return out;
}

/** Largest relative difference between two series' band widths (upper - middle). */
function widthError(a: BollingerBands, b: BollingerBands): number {
  let worst = 0;
  for (let i = 0; i < a.middle.length; i++) {
    const wb = b.upper[i] - b.middle[i];
    if (wb > 0) worst = Math.max(worst, Math.abs(a.upper[i] - a.middle[i] - wb) / wb);
  }
  return worst;
}

describe("bbands", () => {
  it("matches TTR BBands(20, 2) on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const close = fx.Close;
      const runs: [string, BollingerBands][] = [
        ["twin", bbandsSeries(close, 20, 2)],
        ["wasm", wasm.bbands(close, 20, 2)],
        ["streaming", streamBands(close, 20, 2)],
        ["replace", streamBands(close, 20, 2, true)],
      ];
      for (const [how, r] of runs) {
        expectSeriesClose(r.lower, fx.BB_dn, 1e-9, 0, `${name} ${how} lower`);
        expectSeriesClose(r.middle, fx.BB_mavg, 1e-9, 0, `${name} ${how} middle`);
        expectSeriesClose(r.upper, fx.BB_up, 1e-9, 0, `${name} ${how} upper`);
      }
    }
  });

  it("uses the population standard deviation", async () => {
    const wasm = await wasmIndicators();
    // Window 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population sd exactly 2 (the sample sd would be 2.14).
    const x = Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9);
    for (const r of [bbandsSeries(x, 8, 1.5), wasm.bbands(x, 8, 1.5)]) {
      expect([r.lower[7], r.middle[7], r.upper[7]]).toEqual([2, 5, 8]);
    }
  });

  it("agrees between kernel, twin and streaming over a long series", async () => {
    const wasm = await wasmIndicators();
    const x = new Float64Array(5_000).map((_, i) => 100 + Math.sin(i / 7) * 30 + (i % 13));
    for (const period of [1, 2, 20, 200]) {
      const twin = bbandsSeries(x, period, 2);
      const kernel = wasm.bbands(x, period, 2);
      const stream = streamBands(x, period, 2);
      for (const key of ["lower", "middle", "upper"] as const) {
        expectAgree(kernel[key], twin[key], 1e-12);
        expectAgree(stream[key], twin[key], 0);
      }
      expect(widthError(kernel, twin)).toBeLessThan(1e-9);
    }
  });

  it("keeps the width accurate when the spread is tiny against the price", async () => {
    // sd about 1e-3 at a price of 1e4: E[x^2] - mean^2 in raw prices would be off by percent here.
    const wasm = await wasmIndicators();
    const x = new Float64Array(20_000).map((_, i) => 1e4 + Math.sin(i * 0.37) * 1e-3 + (i % 7) * 1e-4);
    expect(widthError(wasm.bbands(x, 20, 2), bbandsSeries(x, 20, 2))).toBeLessThan(1e-8);
    const flat = wasm.bbands(new Float64Array(100).fill(50), 20, 2);
    expect(flat.upper.slice(19).every((v) => v === 50) && flat.lower.slice(19).every((v) => v === 50)).toBe(true);
  });

  it("handles period 1, k = 0, periods longer than the series and empty input", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(5, 1, 4);
    for (const r of [wasm.bbands(x, 1, 2), bbandsSeries(x, 1, 2)]) {
      expect([Array.from(r.lower), Array.from(r.middle), Array.from(r.upper)]).toEqual([[5, 1, 4], [5, 1, 4], [5, 1, 4]]);
    }
    const zero = wasm.bbands(x, 2, 0);
    expect(Array.from(zero.lower)).toEqual(Array.from(zero.upper));
    for (const r of [wasm.bbands(x, 4, 2), bbandsSeries(x, 4, 2)]) {
      expect([...r.lower, ...r.middle, ...r.upper].every(Number.isNaN)).toBe(true);
    }
    expect(wasm.bbands(new Float64Array(0), 3, 2).middle.length).toBe(0);
    expect(Array.from(wasm.bbands(x, 2 ** 32 + 1, 2).middle).every(Number.isNaN)).toBe(true); // not wrapped to 1
    const s = new Bbands(2, 1);
    expect([s.add(1), s.isStable, s.add(3), s.lower, s.upper, s.isStable]).toEqual([NaN, false, 2, 1, 3, true]);
  });

  it("rejects bad parameters, naming the field", async () => {
    const wasm = await wasmIndicators();
    expect(() => wasm.bbands(Float64Array.of(1), 0, 2)).toThrow(/bbands.period must be an integer >= 1, got 0/);
    expect(() => wasm.bbands(Float64Array.of(1), 20, -1)).toThrow(/bbands.k must be a finite number >= 0, got -1/);
    expect(() => bbandsSeries(Float64Array.of(1), 20, NaN)).toThrow(/bbands.k/);
    expect(() => new Bbands(20, Infinity)).toThrow(/bbands.k/);
  });
});
