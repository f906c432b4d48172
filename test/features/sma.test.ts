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

describe("kernel outputs into caller arrays", () => {
  it("writes into the given arrays and returns them, with the same values as fresh arrays", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.from({ length: 500 }, (_, i) => 100 + Math.sin(i / 5) * 10);
    const out = new Float64Array(500);
    expect(wasm.sma(x, 10, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(wasm.sma(x, 10)));
    const bands = { lower: new Float64Array(500), middle: new Float64Array(500), upper: new Float64Array(500) };
    expect(wasm.bbands(x, 20, 2, bands).upper).toBe(bands.upper);
    expect(Array.from(bands.middle)).toEqual(Array.from(wasm.bbands(x, 20, 2).middle));
    expect(() => wasm.sma(x, 10, new Float64Array(3))).toThrow(/output array has length 3, expected 500/);
  });
});
