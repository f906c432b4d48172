import { describe, expect, it } from "vitest";
import { Wma, wmaSeries } from "../../src/features/wma.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");

describe("wma", () => {
  it("matches TTR WMA(20) on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const close = fx.Close;
      expectSeriesClose(wmaSeries(close, 20), fx.WMA20, 1e-9, 0, `${name} twin`);
      expectSeriesClose(wasm.wma(close, 20), fx.WMA20, 1e-9, 0, `${name} wasm`);
      expectSeriesClose(runStreaming(() => new Wma(20), rowsOf(close)), fx.WMA20, 1e-9, 0, `${name} streaming`);
      expectSeriesClose(runStreaming(() => new Wma(20), rowsOf(close), true), fx.WMA20, 1e-9, 0, `${name} replace`);
    }
  });

  it("weights the newest value most", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(1, 2, 6, 3);
    // (1*1 + 2*2 + 3*6) / 6 = 23/6, then (1*2 + 2*6 + 3*3) / 6 = 23/6.
    expect(Array.from(wmaSeries(x, 3))).toEqual([NaN, NaN, 23 / 6, 23 / 6]);
    expectAgree(wasm.wma(x, 3), wmaSeries(x, 3), 1e-15);
  });

  it("keeps the kernel's running sums exact over long series", async () => {
    const wasm = await wasmIndicators();
    const x = new Float64Array(30_000).map((_, i) => 100 + Math.sin(i / 7) * 30 + (i % 13));
    for (const period of [1, 2, 50]) {
      expectAgree(wasm.wma(x, period), wmaSeries(x, period), 1e-12);
      expectAgree(runStreaming(() => new Wma(period), rowsOf(x)), wmaSeries(x, period), 0);
    }
  });

  it("handles period 1, periods longer than the series and empty input", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(5, 1, 4);
    expect(Array.from(wasm.wma(x, 1))).toEqual([5, 1, 4]);
    expect(Array.from(wmaSeries(x, 1))).toEqual([5, 1, 4]);
    expect(Array.from(wasm.wma(x, 4)).every(Number.isNaN)).toBe(true);
    expect(Array.from(wasm.wma(x, 2 ** 32 + 1)).every(Number.isNaN)).toBe(true); // not wrapped to 1
    expect(Array.from(wmaSeries(x, 4)).every(Number.isNaN)).toBe(true);
    expect(wasm.wma(new Float64Array(0), 3).length).toBe(0);
    const s = new Wma(2);
    expect([s.add(5), s.isStable, s.add(1), s.isStable, s.value]).toEqual([NaN, false, 7 / 3, true, 7 / 3]);
  });

  it("rejects a bad period, naming it", async () => {
    const wasm = await wasmIndicators();
    expect(() => wasm.wma(Float64Array.of(1), 0)).toThrow(/wma.period must be an integer >= 1, got 0/);
    expect(() => wmaSeries(Float64Array.of(1), 1.5)).toThrow(/wma.period/);
    expect(() => new Wma(-1)).toThrow(/wma.period/);
  });
});
