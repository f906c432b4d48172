import { describe, expect, it } from "vitest";
import { Cci, cciSeries } from "../../src/features/cci.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");

describe("cci", () => {
  it("matches TTR CCI(20) on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    // CCI crosses zero, and there tp - SMA(tp) is rounding noise: ttrc[453] is
    // -2.7e-12 in TTR and -1.3e-12 here, both really 0 (the noise is about
    // ulp(price) / (0.015 * MAD), ~1e-12). So below |CCI| = 0.01 the 1e-9
    // bound is taken against 0.01, i.e. 1e-11 absolute; elsewhere it is relative.
    const floor = 0.01;
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const { High: h, Low: l, Close: c } = fx;
      expectSeriesClose(cciSeries(h, l, c, 20), fx.CCI20, 1e-9, 0, `${name} twin`, floor);
      expectSeriesClose(wasm.cci(h, l, c, 20), fx.CCI20, 1e-9, 0, `${name} wasm`, floor);
      expectSeriesClose(runStreaming(() => new Cci(20), rowsOf(h, l, c)), fx.CCI20, 1e-9, 0, `${name} streaming`, floor);
      expectSeriesClose(runStreaming(() => new Cci(20), rowsOf(h, l, c), true), fx.CCI20, 1e-9, 0, `${name} replace`, floor);
    }
  });

  it("divides by 0.015 times the mean absolute deviation of the typical price", async () => {
    const wasm = await wasmIndicators();
    // Typical prices 1, 2, 6 (high = low = close): mean 3, mean |deviation| 2, so (6 - 3) / (0.015 * 2) = 100.
    const tp = Float64Array.of(1, 2, 6);
    expect(cciSeries(tp, tp, tp, 3)[2]).toBeCloseTo(100, 12);
    expect(wasm.cci(tp, tp, tp, 3)[2]).toBeCloseTo(100, 12);
    // Only the typical price counts: (h + l + c) / 3 with h = 3, l = 0, c = 0 is 1.
    const h = Float64Array.of(3, 6, 18), zero = new Float64Array(3);
    expect(wasm.cci(h, zero, zero, 3)[2]).toBeCloseTo(100, 12);
  });

  it("agrees between kernel, twin and streaming over a long series", async () => {
    const wasm = await wasmIndicators();
    const c = new Float64Array(5_000).map((_, i) => 100 + Math.sin(i / 7) * 30 + (i % 13));
    const h = c.map((v, i) => v + 1 + (i % 3));
    const l = c.map((v, i) => v - 1 - (i % 5));
    for (const period of [2, 20, 200]) {
      const twin = cciSeries(h, l, c, period);
      expectAgree(wasm.cci(h, l, c, period), twin, 1e-12);
      expectAgree(runStreaming(() => new Cci(period), rowsOf(h, l, c)), twin, 0);
    }
  });

  it("is 0 over a flat window (TA-Lib) and handles short and empty input", async () => {
    const wasm = await wasmIndicators();
    const flat = new Float64Array(30).fill(4);
    for (const r of [cciSeries(flat, flat, flat, 20), wasm.cci(flat, flat, flat, 20)]) {
      expect(r.slice(0, 19).every(Number.isNaN) && r.slice(19).every((v) => v === 0)).toBe(true);
    }
    // Period 1: every window is flat.
    const x = Float64Array.of(5, 1, 4);
    expect(Array.from(wasm.cci(x, x, x, 1))).toEqual([0, 0, 0]);
    expect(Array.from(wasm.cci(x, x, x, 4)).every(Number.isNaN)).toBe(true);
    expect(Array.from(wasm.cci(x, x, x, 2 ** 32 + 1)).every(Number.isNaN)).toBe(true); // not wrapped to 1
    expect(Array.from(cciSeries(x, x, x, 4)).every(Number.isNaN)).toBe(true);
    const none = new Float64Array(0);
    expect(wasm.cci(none, none, none, 3).length).toBe(0);
    const s = new Cci(2);
    expect([s.add(1, 1, 1), s.isStable, s.add(2, 2, 2), s.isStable]).toEqual([NaN, false, 0.5 / (0.015 * 0.5), true]);
  });

  it("rejects bad input, naming the field", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(1, 2, 3);
    expect(() => wasm.cci(x, x, x, 0)).toThrow(/cci.period must be an integer >= 1, got 0/);
    expect(() => cciSeries(x, x, x, 1.5)).toThrow(/cci.period/);
    expect(() => new Cci(0)).toThrow(/cci.period/);
    expect(() => wasm.cci(x, x, Float64Array.of(1, 2), 2)).toThrow(/cci: input series have different lengths \(3, 3, 2\)/);
    expect(() => cciSeries(x, Float64Array.of(1), x, 2)).toThrow(/cci: input series have different lengths/);
  });
});
