import { describe, expect, it } from "vitest";
import { Rsi, rsiSeries } from "../../src/features/rsi.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");

describe("rsi", () => {
  it("matches TTR RSI(14) on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const close = fx.Close;
      expectSeriesClose(rsiSeries(close, 14), fx.RSI14, 1e-9, 0, `${name} twin`);
      expectSeriesClose(wasm.rsi(close, 14), fx.RSI14, 1e-9, 0, `${name} wasm`);
      expectSeriesClose(runStreaming(() => new Rsi(14), rowsOf(close)), fx.RSI14, 1e-9, 0, `${name} streaming`);
      expectSeriesClose(runStreaming(() => new Rsi(14), rowsOf(close), true), fx.RSI14, 1e-9, 0, `${name} replace`);
    }
  });

  it("seeds with the mean change, then smooths with alpha = 1/n", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(10, 12, 11, 14, 13);
    // Changes +2, -1, +3, -1. Seed over two: gain 1, loss 0.5 -> 100 * 1/1.5.
    // Then gain 0.5*3 + 0.5*1 = 2, loss 0.25 -> 100 * 2/2.25; gain 1, loss 0.625.
    const expected = [NaN, NaN, 200 / 3, 800 / 9, 100 / 1.625];
    expectAgree(rsiSeries(x, 2), Float64Array.from(expected), 1e-14);
    expectAgree(wasm.rsi(x, 2), Float64Array.from(expected), 1e-14);
  });

  it("is 100 on a rising series and 0 on a flat one (TA-Lib's value for no movement)", async () => {
    const wasm = await wasmIndicators();
    const rising = Float64Array.from({ length: 30 }, (_, i) => 50 + i);
    const flat = new Float64Array(30).fill(7);
    for (const f of [rsiSeries, wasm.rsi.bind(wasm)]) {
      expect(f(rising, 14).slice(14).every((v) => v === 100)).toBe(true);
      expect(f(flat, 14).slice(14).every((v) => v === 0)).toBe(true);
    }
  });

  it("agrees between kernel, twin and streaming over a long series", async () => {
    const wasm = await wasmIndicators();
    const x = new Float64Array(20_000).map((_, i) => 100 + Math.sin(i / 7) * 30 + (i % 13));
    for (const period of [1, 2, 14, 200]) {
      expectAgree(wasm.rsi(x, period), rsiSeries(x, period), 1e-12);
      expectAgree(runStreaming(() => new Rsi(period), rowsOf(x)), rsiSeries(x, period), 0);
    }
  });

  it("handles period 1, periods as long as the series and empty input", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(5, 1, 4);
    expect(Array.from(wasm.rsi(x, 1))).toEqual([NaN, 0, 100]);
    expect(Array.from(rsiSeries(x, 1))).toEqual([NaN, 0, 100]);
    // The first value needs period + 1 inputs.
    expect(Array.from(wasm.rsi(x, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(wasm.rsi(x, 2 ** 32 + 1)).every(Number.isNaN)).toBe(true); // not wrapped to 1
    expect(Array.from(rsiSeries(x, 3)).every(Number.isNaN)).toBe(true);
    expect(wasm.rsi(new Float64Array(0), 3).length).toBe(0);
    const s = new Rsi(1);
    expect([s.add(5), s.isStable, s.add(1), s.isStable]).toEqual([NaN, false, 0, true]);
  });

  it("rejects a bad period, naming it", async () => {
    const wasm = await wasmIndicators();
    expect(() => wasm.rsi(Float64Array.of(1), 0)).toThrow(/rsi.period must be an integer >= 1, got 0/);
    expect(() => rsiSeries(Float64Array.of(1), NaN)).toThrow(/rsi.period/);
    expect(() => new Rsi(0)).toThrow(/rsi.period/);
  });
});
