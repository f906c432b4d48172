import { describe, expect, it } from "vitest";
import { Atr, atrSeries } from "../../src/features/atr.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");
const sp500 = readFixture("sp500_2000_vega_datasets.csv");

describe("atr", () => {
  it("matches TTR ATR(14) and its true range on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const hlc = [fx.High, fx.Low, fx.Close] as const;
      // ATR(1) is the true range itself: its seed is one true range, and each step replaces it.
      for (const [period, expected] of [[14, fx.ATR14], [1, fx.TR]] as const) {
        const label = `${name} ATR(${period})`;
        expectSeriesClose(atrSeries(...hlc, period), expected, 1e-9, 0, `${label} twin`);
        expectSeriesClose(wasm.atr(...hlc, period), expected, 1e-9, 0, `${label} wasm`);
        expectSeriesClose(runStreaming(() => new Atr(period), rowsOf(...hlc)), expected, 1e-9, 0, `${label} streaming`);
        expectSeriesClose(runStreaming(() => new Atr(period), rowsOf(...hlc), true), expected, 1e-9, 0, `${label} replace`);
      }
    }
  });

  it("agrees between kernel, twin and streaming on 20 years of S&P 500 bars", async () => {
    const wasm = await wasmIndicators();
    const hlc = [sp500.high, sp500.low, sp500.close] as const;
    for (const period of [2, 14, 100]) {
      const twin = atrSeries(...hlc, period);
      expectAgree(wasm.atr(...hlc, period), twin, 1e-12);
      expectAgree(runStreaming(() => new Atr(period), rowsOf(...hlc), true), twin, 1e-12);
    }
  });

  it("seeds with the mean true range of bars 1..period", async () => {
    const wasm = await wasmIndicators();
    // True ranges of bars 1..3: 3 (from the close of 10 up to 13), 2, 5 (from the close of 12 down to 7).
    const high = Float64Array.of(11, 13, 12, 11);
    const low = Float64Array.of(9, 11, 10, 7);
    const close = Float64Array.of(10, 12, 12, 8);
    const expected = [NaN, NaN, 5 / 2, (5 / 2 + 5) / 2];
    expect(Array.from(atrSeries(high, low, close, 2))).toEqual(expected);
    expect(Array.from(wasm.atr(high, low, close, 2))).toEqual(expected);
    const s = new Atr(2);
    expect([s.add(11, 9, 10), s.add(13, 11, 12), s.isStable, s.add(12, 10, 12), s.isStable, s.value]).toEqual([NaN, NaN, false, 5 / 2, true, 5 / 2]);
  });

  it("handles period 1, periods as long as the series, empty input and flat bars", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(5, 6, 7);
    for (const atr of [atrSeries, wasm.atr.bind(wasm)]) {
      expect(Array.from(atr(x, x, x, 1))).toEqual([NaN, 1, 1]);
      // The first ATR needs period + 1 bars.
      expect(Array.from(atr(x, x, x, 3)).every(Number.isNaN)).toBe(true);
      expect(Array.from(atr(x, x, x, 1e12)).every(Number.isNaN)).toBe(true);
      expect(atr(new Float64Array(0), new Float64Array(0), new Float64Array(0), 3).length).toBe(0);
      const flat = new Float64Array(30).fill(42);
      expect(Array.from(atr(flat, flat, flat, 14).subarray(14))).toEqual(new Array(16).fill(0));
    }
  });

  it("allocates nothing in the module per call", async () => {
    const wasm = await wasmIndicators();
    const hlc = [sp500.high, sp500.low, sp500.close] as const;
    wasm.atr(...hlc, 14);
    const bytes = wasm.k.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) wasm.atr(...hlc, 14);
    expect(wasm.k.memory.buffer.byteLength).toBe(bytes);
  });

  it("rejects a bad period or unequal inputs, naming them", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(1, 2);
    expect(() => wasm.atr(x, x, x, 0)).toThrow(/atr.period must be an integer >= 1, got 0/);
    expect(() => atrSeries(x, x, x, 2.5)).toThrow(/atr.period/);
    expect(() => new Atr(NaN)).toThrow(/atr.period/);
    expect(() => wasm.atr(x, x, Float64Array.of(1), 1)).toThrow(/atr: input series have different lengths \(2, 2, 1\)/);
    expect(() => atrSeries(x, Float64Array.of(1), x, 1)).toThrow(/atr: input series have different lengths/);
  });
});
