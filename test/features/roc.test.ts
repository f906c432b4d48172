import { describe, expect, it } from "vitest";
import { ROC } from "technicalindicators";
import { Roc, rocSeries } from "../../src/features/roc.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming } from "./contract.ts";

const talib = readFixture("talib_regtest_252bars.csv");
const sp500 = readFixture("sp500_2000_vega_datasets.csv");

describe("roc", () => {
  it("gives TA-Lib's own regression values on its 252 bars (percent scale)", async () => {
    // ta_regtest/test_mom.c, ROC(14): ((price / prevPrice) - 1) * 100, printed to the digits shown.
    const wasm = await wasmIndicators();
    const expected: [number, number, number][] = [[14, -0.546, 3], [15, -2.109, 3], [16, -5.53, 2], [20, -4.49, 2], [21, -5.5256, 4], [251, -1.0367, 4]];
    const close = talib.Close;
    for (const r of [rocSeries(close, 14), wasm.roc(close, 14), runStreaming(() => new Roc(14), rowsOf(close))]) {
      expect(r.slice(0, 14).every(Number.isNaN)).toBe(true);
      for (const [i, value, digits] of expected) expect(r[i]).toBeCloseTo(value, digits);
    }
  });

  it("matches the closed form on a geometric series", async () => {
    const wasm = await wasmIndicators();
    // x[i] = 100 * 1.01^i, so ROC(n) = (1.01^n - 1) * 100 at every defined index.
    const x = Float64Array.from({ length: 200 }, (_, i) => 100 * 1.01 ** i);
    const expected = Float64Array.from({ length: 200 }, (_, i) => (i < 10 ? NaN : (1.01 ** 10 - 1) * 100));
    expectSeriesClose(rocSeries(x, 10), expected, 1e-12, 0, "twin");
    expectSeriesClose(wasm.roc(x, 10), expected, 1e-12, 0, "wasm");
  });

  it("matches technicalindicators' ROC on the S&P 500 (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    const close = sp500.close;
    for (const period of [1, 12, 250]) {
      // technicalindicators returns only the defined values and computes (x - prev) / prev * 100.
      const ref = new Float64Array(close.length).fill(NaN);
      ref.set(ROC.calculate({ period, values: Array.from(close) }), period);
      expectSeriesClose(rocSeries(close, period), ref, 1e-9, 0, `twin ${period}`);
      expectSeriesClose(wasm.roc(close, period), ref, 1e-9, 0, `wasm ${period}`);
      expectSeriesClose(runStreaming(() => new Roc(period), rowsOf(close)), ref, 1e-9, 0, `streaming ${period}`);
      expectSeriesClose(runStreaming(() => new Roc(period), rowsOf(close), true), ref, 1e-9, 0, `replace ${period}`);
      expectAgree(wasm.roc(close, period), rocSeries(close, period), 0);
    }
  });

  it("is NaN from a zero base and handles short and empty input", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(0, 2, 3);
    for (const r of [rocSeries(x, 1), wasm.roc(x, 1), runStreaming(() => new Roc(1), rowsOf(x))]) {
      expect(Array.from(r)).toEqual([NaN, NaN, 50]);
    }
    expect(Array.from(wasm.roc(x, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(wasm.roc(x, 2 ** 32 + 1)).every(Number.isNaN)).toBe(true); // not wrapped to 1
    expect(Array.from(rocSeries(x, 3)).every(Number.isNaN)).toBe(true);
    expect(wasm.roc(new Float64Array(0), 3).length).toBe(0);
    const s = new Roc(1);
    expect([s.add(4), s.isStable, s.add(5), s.isStable]).toEqual([NaN, false, 25, true]);
  });

  it("rejects a bad period, naming it", async () => {
    const wasm = await wasmIndicators();
    expect(() => wasm.roc(Float64Array.of(1), 0)).toThrow(/roc.period must be an integer >= 1, got 0/);
    expect(() => rocSeries(Float64Array.of(1), 2.5)).toThrow(/roc.period/);
    expect(() => new Roc(-3)).toThrow(/roc.period/);
  });
});
