import { describe, expect, it } from "vitest";
import { Adx, adxSeries } from "../../src/features/adx.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming, type Streaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");
const sp500 = readFixture("sp500_2000_vega_datasets.csv");

type Output = "adx" | "plusDI" | "minusDI";
const read: Record<Output, (a: Adx) => number> = { adx: (a) => a.value, plusDI: (a) => a.plusDI, minusDI: (a) => a.minusDI };

/** A streaming Adx that reports one of its outputs, for runStreaming. */
function reporting(output: Output, period: number): () => Streaming {
  return () => {
    const a = new Adx(period);
    return {
      add: (h, l, c) => (a.add(h, l, c), read[output](a)),
      replace: (h, l, c) => (a.replace(h, l, c), read[output](a)),
    };
  };
}

describe("adx", () => {
  it("matches TTR ADX(14) with +DI and -DI on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const hlc = [fx.High, fx.Low, fx.Close] as const;
      const twin = adxSeries(...hlc, 14);
      const kernel = wasm.adx(...hlc, 14);
      for (const [output, expected] of [["adx", fx.ADX14], ["plusDI", fx.DIp14], ["minusDI", fx.DIn14]] as const) {
        const label = `${name} ${output}`;
        expectSeriesClose(twin[output], expected, 1e-9, 0, `${label} twin`);
        expectSeriesClose(kernel[output], expected, 1e-9, 0, `${label} wasm`);
        expectSeriesClose(runStreaming(reporting(output, 14), rowsOf(...hlc)), expected, 1e-9, 0, `${label} streaming`);
        expectSeriesClose(runStreaming(reporting(output, 14), rowsOf(...hlc), true), expected, 1e-9, 0, `${label} replace`);
      }
    }
  });

  it("agrees between kernel, twin and streaming on 20 years of S&P 500 bars", async () => {
    const wasm = await wasmIndicators();
    const hlc = [sp500.high, sp500.low, sp500.close] as const;
    for (const period of [1, 5, 14, 50]) {
      const twin = adxSeries(...hlc, period);
      const kernel = wasm.adx(...hlc, period);
      for (const output of ["adx", "plusDI", "minusDI"] as const) {
        expectAgree(kernel[output], twin[output], 1e-12);
        expectAgree(runStreaming(reporting(output, period), rowsOf(...hlc), true), twin[output], 1e-12);
      }
    }
  });

  it("follows the definition on a hand-worked series", async () => {
    const wasm = await wasmIndicators();
    // period 2. Bar 1: up 2, down -1, TR 12 - 9.5 -> +DM 2. Bar 2: up -1, down 2, TR 3 -> -DM 2.
    // Bar 3: up 1, down -1, TR 3 -> +DM 1.
    const high = Float64Array.of(10, 12, 11, 12);
    const low = Float64Array.of(9, 10, 8, 9);
    const close = Float64Array.of(9.5, 11, 9, 11);
    // Wilder sums at bar 2: seed sum over bar 1 (TR 2.5, +DM 2, -DM 0), decayed by 1/2, plus bar 2.
    const tr2 = 2.5 - 2.5 / 2 + 3, plus2 = 2 - 2 / 2 + 0, minus2 = 0 + 2;
    const tr3 = tr2 - tr2 / 2 + 3, plus3 = plus2 - plus2 / 2 + 1, minus3 = minus2 - minus2 / 2 + 0;
    const di = (part: number, whole: number) => (100 * part) / whole;
    const dx = (p: number, m: number) => (100 * Math.abs(p - m)) / (p + m);
    const dx2 = dx(di(plus2, tr2), di(minus2, tr2)), dx3 = dx(di(plus3, tr3), di(minus3, tr3));
    for (const r of [adxSeries(high, low, close, 2), wasm.adx(high, low, close, 2)]) {
      expectAgree(r.plusDI, Float64Array.of(NaN, NaN, di(plus2, tr2), di(plus3, tr3)), 1e-14);
      expectAgree(r.minusDI, Float64Array.of(NaN, NaN, di(minus2, tr2), di(minus3, tr3)), 1e-14);
      expectAgree(r.adx, Float64Array.of(NaN, NaN, NaN, (dx2 + dx3) / 2), 1e-14);
    }
    const s = new Adx(2);
    expect([s.add(10, 9, 9.5), s.add(12, 10, 11), s.add(11, 8, 9), s.minusDI, s.isStable]).toEqual([NaN, NaN, NaN, di(minus2, tr2), false]);
    expect([s.add(12, 9, 11), s.isStable]).toEqual([(dx2 + dx3) / 2, true]);
  });

  it("handles period 1, periods too long for the series, empty input and flat bars", async () => {
    const wasm = await wasmIndicators();
    const high = Float64Array.of(10, 12, 11), low = Float64Array.of(9, 10, 8), close = Float64Array.of(9.5, 11, 9);
    const empty = new Float64Array(0);
    for (const adx of [adxSeries, wasm.adx.bind(wasm)]) {
      // Period 1: each bar's own DM over its own TR; ADX = DX.
      const one = adx(high, low, close, 1);
      expect(Array.from(one.plusDI)).toEqual([NaN, (100 * 2) / 2.5, 0]);
      expect(Array.from(one.minusDI)).toEqual([NaN, 0, (100 * 2) / 3]);
      expect(Array.from(one.adx)).toEqual([NaN, 100, 100]);
      // Period 2 on 3 bars: DIs from bar 2, ADX would need bar 3.
      const two = adx(high, low, close, 2);
      expect(Number.isNaN(two.plusDI[2])).toBe(false);
      expect(Array.from(two.adx).every(Number.isNaN)).toBe(true);
      for (const r of [adx(high, low, close, 3), adx(high, low, close, 2 ** 40)]) {
        expect([...r.adx, ...r.plusDI, ...r.minusDI].every(Number.isNaN)).toBe(true);
      }
      expect(adx(empty, empty, empty, 14).adx.length).toBe(0);
      // A flat market has no true range and no movement: DIs and DX are 0, as in TA-Lib.
      const flat = new Float64Array(40).fill(7);
      const r = adx(flat, flat, flat, 14);
      expect(Array.from(r.plusDI.subarray(14))).toEqual(new Array(26).fill(0));
      expect(Array.from(r.adx.subarray(27))).toEqual(new Array(13).fill(0));
    }
  });

  it("rejects a bad period or unequal inputs, naming them", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(1, 2);
    expect(() => wasm.adx(x, x, x, 0)).toThrow(/adx.period must be an integer >= 1, got 0/);
    expect(() => adxSeries(x, x, x, -3)).toThrow(/adx.period/);
    expect(() => new Adx(1.5)).toThrow(/adx.period/);
    expect(() => wasm.adx(x, Float64Array.of(1, 2, 3), x, 14)).toThrow(/adx: input series have different lengths/);
  });
});
