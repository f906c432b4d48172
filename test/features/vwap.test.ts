import { describe, expect, it } from "vitest";
import { Vwap, vwapSeries } from "../../src/features/vwap.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");
const sp500 = readFixture("sp500_2000_vega_datasets.csv");

describe("vwap", () => {
  it("matches TTR VWAP(Close, Volume, 20) on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      // TTR weights the close: typical price (H+L+C)/3 misses VWAP20 by up to 0.9 % on ttrc.
      const rows = rowsOf(fx.Close, fx.Volume);
      expectSeriesClose(vwapSeries(fx.Close, fx.Volume, 20), fx.VWAP20, 1e-9, 0, `${name} twin`);
      expectSeriesClose(wasm.vwap(fx.Close, fx.Volume, 20), fx.VWAP20, 1e-9, 0, `${name} wasm`);
      expectSeriesClose(runStreaming(() => new Vwap(20), rows), fx.VWAP20, 1e-9, 0, `${name} streaming`);
      expectSeriesClose(runStreaming(() => new Vwap(20), rows, true), fx.VWAP20, 1e-9, 0, `${name} replace`);
    }
  });

  it("agrees between kernel, twin and streaming on 20 years of S&P 500 bars", async () => {
    const wasm = await wasmIndicators();
    const rows = rowsOf(sp500.close, sp500.volume);
    for (const period of [1, 20, 390, 5000]) {
      const twin = vwapSeries(sp500.close, sp500.volume, period);
      expectAgree(wasm.vwap(sp500.close, sp500.volume, period), twin, 1e-12);
      expectAgree(runStreaming(() => new Vwap(period), rows, true), twin, 1e-12);
    }
  });

  it("keeps its running sums exact through many revisions of the forming bar", () => {
    // A live feed replaces the forming bar on every tick; fractional volumes make every sum inexact.
    const price = Float64Array.from({ length: 300 }, (_, i) => 100 + Math.sin(i / 5) * 10);
    const volume = Float64Array.from({ length: 300 }, (_, i) => 0.1 + ((i * 7) % 13) / 3);
    const s = new Vwap(30);
    const out = new Float64Array(300);
    price.forEach((p, i) => {
      s.add(p * 3, volume[i] * 1000);
      // Ticks of every size: were revisions to pass through running sums, each would leave
      // them a rounding error of the tick's magnitude.
      for (let t = 0; t < 100; t++) s.replace(p * (1 + t), volume[i] * 10 ** (t % 9) + t / 7);
      out[i] = s.replace(p, volume[i]);
    });
    expectAgree(out, vwapSeries(price, volume, 30), 1e-12);
  });

  it("handles period 1, periods too long for the series, empty input and idle windows", async () => {
    const wasm = await wasmIndicators();
    const price = Float64Array.of(10, 12, 11, 13, 14, 15);
    const idleVolume = Float64Array.of(0.1, 0.2, 0, 0, 0.3, 0);
    const idleExpected = Float64Array.of(NaN, (1 + 2.4) / 0.3, 12, NaN, 14, 14);
    const empty = new Float64Array(0);
    for (const vwap of [vwapSeries, wasm.vwap.bind(wasm)]) {
      expect(Array.from(vwap(price, Float64Array.of(1, 3, 2, 2, 5, 5), 1))).toEqual([10, 12, 11, 13, 14, 15]);
      expect(Array.from(vwap(price, Float64Array.of(1, 3, 2, 2, 5, 5), 2))).toEqual([NaN, 46 / 4, 58 / 5, 48 / 4, 96 / 7, 145 / 10]);
      expect(Array.from(vwap(price, price, 7)).every(Number.isNaN)).toBe(true);
      expect(Array.from(vwap(price, price, 2 ** 40)).every(Number.isNaN)).toBe(true);
      expect(vwap(empty, empty, 20).length).toBe(0);
      // A window that traded nothing has no average price, even though running sums of these
      // fractional volumes come back to 2.8e-17 rather than 0.
      expectAgree(vwap(price, idleVolume, 2), idleExpected, 1e-14);
    }
    expectAgree(runStreaming(() => new Vwap(2), rowsOf(price, idleVolume)), idleExpected, 1e-14);
  });

  it("allocates nothing in the module per call", async () => {
    const wasm = await wasmIndicators();
    wasm.vwap(sp500.close, sp500.volume, 20);
    const bytes = wasm.k.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) wasm.vwap(sp500.close, sp500.volume, 20);
    expect(wasm.k.memory.buffer.byteLength).toBe(bytes);
  });

  it("rejects a bad period or unequal inputs, naming them", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(1, 2);
    expect(() => wasm.vwap(x, x, 0)).toThrow(/vwap.period must be an integer >= 1, got 0/);
    expect(() => vwapSeries(x, x, 0.5)).toThrow(/vwap.period/);
    expect(() => new Vwap(0)).toThrow(/vwap.period/);
    expect(() => wasm.vwap(x, Float64Array.of(1), 2)).toThrow(/vwap: input series have different lengths/);
  });
});
