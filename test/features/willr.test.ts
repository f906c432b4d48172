import { describe, expect, it } from "vitest";
import { Willr, willrSeries } from "../../src/features/willr.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");
const sp500 = readFixture("sp500_2000_vega_datasets.csv");

describe("willr", () => {
  it("matches TTR WPR(14), as -100 * WPR, on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const hlc = [fx.High, fx.Low, fx.Close] as const;
      // TTR's WPR = (highest - close) / (highest - lowest), 0..1 with 1 at the low;
      // TA-Lib's WILLR is the same ratio times -100.
      const expected = fx.WPR14.map((w) => -100 * w);
      expectSeriesClose(willrSeries(...hlc, 14), expected, 1e-9, 0, `${name} twin`);
      expectSeriesClose(wasm.willr(...hlc, 14), expected, 1e-9, 0, `${name} wasm`);
      expectSeriesClose(runStreaming(() => new Willr(14), rowsOf(...hlc)), expected, 1e-9, 0, `${name} streaming`);
      expectSeriesClose(runStreaming(() => new Willr(14), rowsOf(...hlc), true), expected, 1e-9, 0, `${name} replace`);
    }
  });

  it("agrees between kernel, twin and streaming on 20 years of S&P 500 bars", async () => {
    const wasm = await wasmIndicators();
    const hlc = [sp500.high, sp500.low, sp500.close] as const;
    for (const period of [1, 2, 14, 250]) {
      const twin = willrSeries(...hlc, period);
      expectAgree(wasm.willr(...hlc, period), twin, 1e-12);
      expectAgree(runStreaming(() => new Willr(period), rowsOf(...hlc), true), twin, 1e-12);
    }
  });

  it("is 0 at the window's high and -100 at its low", async () => {
    const wasm = await wasmIndicators();
    const high = Float64Array.of(10, 12, 11, 11), low = Float64Array.of(8, 9, 7, 9), close = Float64Array.of(9, 12, 7, 10);
    // Windows of 2: [8..12] close 12, [7..12] close 7, [7..11] close 10.
    const expected = [NaN, -0, -100, (-100 * 1) / 4];
    expect(Array.from(willrSeries(high, low, close, 2))).toEqual(expected);
    expect(Array.from(wasm.willr(high, low, close, 2))).toEqual(expected);
    const s = new Willr(2);
    expect([s.add(10, 8, 9), s.isStable, s.add(12, 9, 12), s.isStable, s.replace(12, 9, 8)]).toEqual([NaN, false, -0, true, -100]);
  });

  it("handles period 1, periods too long for the series, empty input and flat windows", async () => {
    const wasm = await wasmIndicators();
    const high = Float64Array.of(10, 12), low = Float64Array.of(8, 9), close = Float64Array.of(9, 11);
    const empty = new Float64Array(0);
    for (const willr of [willrSeries, wasm.willr.bind(wasm)]) {
      expect(Array.from(willr(high, low, close, 1))).toEqual([-50, (-100 * 1) / 3]);
      expect(Array.from(willr(high, low, close, 3)).every(Number.isNaN)).toBe(true);
      expect(Array.from(willr(high, low, close, 2 ** 40)).every(Number.isNaN)).toBe(true);
      expect(willr(empty, empty, empty, 14).length).toBe(0);
      // No range in the window: 0, as TA-Lib (TTR's WPR gives 0.5, i.e. -50).
      const flat = Float64Array.of(3, 3, 3, 4);
      expect(Array.from(willr(flat, flat, flat, 3))).toEqual([NaN, NaN, 0, -0]);
    }
  });

  it("allocates nothing in the module per call", async () => {
    const wasm = await wasmIndicators();
    const hlc = [sp500.high, sp500.low, sp500.close] as const;
    wasm.willr(...hlc, 14);
    const bytes = wasm.k.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) wasm.willr(...hlc, 14);
    expect(wasm.k.memory.buffer.byteLength).toBe(bytes);
  });

  it("rejects a bad period or unequal inputs, naming them", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(1, 2);
    expect(() => wasm.willr(x, x, x, 0)).toThrow(/willr.period must be an integer >= 1, got 0/);
    expect(() => willrSeries(x, x, x, Infinity)).toThrow(/willr.period/);
    expect(() => new Willr(-1)).toThrow(/willr.period/);
    expect(() => wasm.willr(Float64Array.of(1), x, x, 2)).toThrow(/willr: input series have different lengths/);
  });
});
