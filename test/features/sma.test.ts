import { describe, expect, it } from "vitest";
import { Sma, smaSeries } from "../../src/features/sma.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");

describe("sma", () => {
  it("matches TTR on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const close = fx.Close;
      expectSeriesClose(smaSeries(close, 20), fx.SMA20, 1e-9, 0, `${name} twin`);
      expectSeriesClose(wasm.sma(close, 20), fx.SMA20, 1e-9, 0, `${name} wasm`);
      expectSeriesClose(runStreaming(() => new Sma(20), rowsOf(close)), fx.SMA20, 1e-9, 0, `${name} streaming`);
      expectSeriesClose(runStreaming(() => new Sma(20), rowsOf(close), true), fx.SMA20, 1e-9, 0, `${name} replace`);
    }
  });

  it("keeps the kernel's running sum exact over long series", async () => {
    const wasm = await wasmIndicators();
    const x = new Float64Array(50_000).map((_, i) => 100 + Math.sin(i / 7) * 30 + (i % 13));
    expectAgree(wasm.sma(x, 50), smaSeries(x, 50), 1e-12);
    expectAgree(runStreaming(() => new Sma(50), rowsOf(x)), smaSeries(x, 50), 1e-12);
  });

  it("handles periods of 1 and longer than the series", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(1, 2, 3);
    expect(Array.from(wasm.sma(x, 1))).toEqual([1, 2, 3]);
    expect(Array.from(wasm.sma(x, 5)).every(Number.isNaN)).toBe(true);
    expect(wasm.sma(new Float64Array(0), 3).length).toBe(0);
  });

  it("rejects a bad period, naming it", async () => {
    const wasm = await wasmIndicators();
    expect(() => wasm.sma(Float64Array.of(1), 0)).toThrow(/sma.period must be an integer >= 1, got 0/);
    expect(() => new Sma(2.5)).toThrow(/sma.period/);
  });
});
