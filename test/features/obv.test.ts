import { describe, expect, it } from "vitest";
import { Obv, obvSeries } from "../../src/features/obv.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");
const sp500 = readFixture("sp500_2000_vega_datasets.csv");

describe("obv", () => {
  it("matches TTR OBV on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      // ttrc has 189 unchanged closes, which must keep the total.
      const rows = rowsOf(fx.Close, fx.Volume);
      expectSeriesClose(obvSeries(fx.Close, fx.Volume), fx.OBV, 1e-9, 0, `${name} twin`);
      expectSeriesClose(wasm.obv(fx.Close, fx.Volume), fx.OBV, 1e-9, 0, `${name} wasm`);
      expectSeriesClose(runStreaming(() => new Obv(), rows), fx.OBV, 1e-9, 0, `${name} streaming`);
      expectSeriesClose(runStreaming(() => new Obv(), rows, true), fx.OBV, 1e-9, 0, `${name} replace`);
    }
  });

  it("agrees exactly between kernel, twin and streaming on 20 years of S&P 500 bars", async () => {
    const wasm = await wasmIndicators();
    // Integer volumes: every sum is exact, so the three must be equal to the last bit.
    const twin = obvSeries(sp500.close, sp500.volume);
    expectAgree(wasm.obv(sp500.close, sp500.volume), twin, 0);
    expectAgree(runStreaming(() => new Obv(), rowsOf(sp500.close, sp500.volume), true), twin, 0);
  });

  it("starts at the first volume and adds, subtracts or keeps by the close's direction", async () => {
    const wasm = await wasmIndicators();
    const close = Float64Array.of(10, 11, 11, 9, 12);
    const volume = Float64Array.of(100, 20, 30, 40, 50);
    const expected = [100, 120, 120, 80, 130];
    expect(Array.from(obvSeries(close, volume))).toEqual(expected);
    expect(Array.from(wasm.obv(close, volume))).toEqual(expected);
    const s = new Obv();
    expect([s.isStable, s.add(10, 100), s.isStable, s.add(11, 20), s.replace(9, 20), s.value]).toEqual([false, 100, true, 120, 80, 80]);
    expect(Array.from(wasm.obv(Float64Array.of(5), Float64Array.of(7)))).toEqual([7]);
    expect(wasm.obv(new Float64Array(0), new Float64Array(0)).length).toBe(0);
    expect(obvSeries(new Float64Array(0), new Float64Array(0)).length).toBe(0);
  });

  it("rejects unequal inputs, naming the indicator", async () => {
    const wasm = await wasmIndicators();
    expect(() => wasm.obv(Float64Array.of(1, 2), Float64Array.of(1))).toThrow(/obv: input series have different lengths \(2, 1\)/);
    expect(() => obvSeries(Float64Array.of(1), Float64Array.of(1, 2))).toThrow(/obv: input series have different lengths/);
  });
});
