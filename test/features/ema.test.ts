import { describe, expect, it } from "vitest";
import { Ema, emaSeries } from "../../src/features/ema.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");

/** A seeded random walk from 100, so failures reproduce. */
function randomWalk(n: number, seed = 7): Float64Array {
  let s = seed;
  let x = 100;
  return new Float64Array(n).map(() => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (x += s / 2147483648 - 0.5);
  });
}

describe("ema", () => {
  it("matches TTR EMA(12) on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const close = fx.Close;
      expectSeriesClose(emaSeries(close, 12), fx.EMA12, 1e-9, 0, `${name} twin`);
      expectSeriesClose(wasm.ema(close, 12), fx.EMA12, 1e-9, 0, `${name} wasm`);
      expectSeriesClose(runStreaming(() => new Ema(12), rowsOf(close)), fx.EMA12, 1e-9, 0, `${name} streaming`);
      expectSeriesClose(runStreaming(() => new Ema(12), rowsOf(close), true), fx.EMA12, 1e-9, 0, `${name} replace`);
    }
  });

  it("seeds with the SMA of the first period values, then follows alpha = 2/(n+1)", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(1, 2, 3, 10, 4);
    // Seed (1+2+3)/3 = 2 at index 2; alpha = 0.5: 0.5*10 + 0.5*2 = 6; 0.5*4 + 0.5*6 = 5.
    const expected = [NaN, NaN, 2, 6, 5];
    expect(Array.from(emaSeries(x, 3))).toEqual(expected);
    expect(Array.from(wasm.ema(x, 3))).toEqual(expected);
  });

  it("agrees between kernel, twin and streaming over a long series", async () => {
    const wasm = await wasmIndicators();
    const x = randomWalk(20_003);
    for (const period of [1, 2, 12, 200]) {
      const twin = emaSeries(x, period);
      // The kernel steps four bars at a time (a shorter dependency chain), so
      // it rounds differently from the one-bar recurrence, but only in the last bits.
      expectAgree(wasm.ema(x, period), twin, 1e-13);
      expectAgree(runStreaming(() => new Ema(period), rowsOf(x)), twin, 0);
    }
  });

  it("handles period 1, periods longer than the series and empty input", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(5, 1, 4);
    expect(Array.from(wasm.ema(x, 1))).toEqual([5, 1, 4]);
    expect(Array.from(emaSeries(x, 1))).toEqual([5, 1, 4]);
    expect(Array.from(wasm.ema(x, 3))).toEqual([NaN, NaN, 10 / 3]);
    expect(Array.from(wasm.ema(x, 4)).every(Number.isNaN)).toBe(true);
    // 2^32 + 1 would wrap to 1 as the kernel's i32: the wrapper must not pass it on.
    expect(Array.from(wasm.ema(x, 2 ** 32 + 1)).every(Number.isNaN)).toBe(true);
    expect(Array.from(emaSeries(x, 4)).every(Number.isNaN)).toBe(true);
    expect(wasm.ema(new Float64Array(0), 3).length).toBe(0);
    expect(emaSeries(new Float64Array(0), 3).length).toBe(0);
    const s = new Ema(3);
    expect([s.add(5), s.isStable, s.add(1), s.add(4), s.isStable]).toEqual([NaN, false, NaN, 10 / 3, true]);
  });

  it("allocates nothing in the module per call", async () => {
    const wasm = await wasmIndicators();
    const x = randomWalk(10_000);
    wasm.ema(x, 12);
    const pages = wasm.k.memory.buffer.byteLength;
    for (let i = 0; i < 50; i++) wasm.ema(x, 12);
    expect(wasm.k.memory.buffer.byteLength).toBe(pages);
  });

  it("rejects a bad period, naming it", async () => {
    const wasm = await wasmIndicators();
    expect(() => wasm.ema(Float64Array.of(1), 0)).toThrow(/ema.period must be an integer >= 1, got 0/);
    expect(() => emaSeries(Float64Array.of(1), -2)).toThrow(/ema.period/);
    expect(() => new Ema(2.5)).toThrow(/ema.period/);
  });
});
