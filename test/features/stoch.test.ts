import { describe, expect, it } from "vitest";
import { HighLowWindow, Stoch, stochSeries } from "../../src/features/stoch.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree, rowsOf, runStreaming, type Streaming } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");
const sp500 = readFixture("sp500_2000_vega_datasets.csv");

/** A streaming Stoch that reports d instead of k, for runStreaming. */
function reportingD(kPeriod: number, kSlow: number, dPeriod: number): () => Streaming {
  return () => {
    const s = new Stoch(kPeriod, kSlow, dPeriod);
    return {
      add: (h, l, c) => (s.add(h, l, c), s.d),
      replace: (h, l, c) => (s.replace(h, l, c), s.d),
    };
  };
}

const percent = (x: Float64Array) => x.map((v) => v * 100);

describe("stoch", () => {
  it("matches TTR stoch(14, 3, 3) on ttrc and the TA-Lib 252 bars (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const hlc = [fx.High, fx.Low, fx.Close] as const;
      // TTR's fastD is TA-Lib's slow %K and its slowD is slow %D, as fractions. With kSlow 1,
      // slow %K is fast %K itself, which checks TTR's fastK column too.
      const cases = [
        [3, "k", fx.STOCH_fastD], [3, "d", fx.STOCH_slowD], [1, "k", fx.STOCH_fastK],
      ] as const;
      for (const [kSlow, output, ttr] of cases) {
        const expected = percent(ttr);
        const label = `${name} stoch(14, ${kSlow}, 3).${output}`;
        const make = output === "k" ? () => new Stoch(14, kSlow, 3) : reportingD(14, kSlow, 3);
        expectSeriesClose(stochSeries(...hlc, 14, kSlow, 3)[output], expected, 1e-9, 0, `${label} twin`);
        expectSeriesClose(wasm.stoch(...hlc, 14, kSlow, 3)[output], expected, 1e-9, 0, `${label} wasm`);
        expectSeriesClose(runStreaming(make, rowsOf(...hlc)), expected, 1e-9, 0, `${label} streaming`);
        expectSeriesClose(runStreaming(make, rowsOf(...hlc), true), expected, 1e-9, 0, `${label} replace`);
      }
    }
  });

  it("agrees between kernel, twin and streaming on 20 years of S&P 500 bars", async () => {
    const wasm = await wasmIndicators();
    const hlc = [sp500.high, sp500.low, sp500.close] as const;
    for (const [kPeriod, kSlow, dPeriod] of [[1, 1, 1], [5, 3, 3], [14, 3, 3], [200, 10, 7]]) {
      const twin = stochSeries(...hlc, kPeriod, kSlow, dPeriod);
      const kernel = wasm.stoch(...hlc, kPeriod, kSlow, dPeriod);
      expectAgree(kernel.k, twin.k, 1e-12);
      expectAgree(kernel.d, twin.d, 1e-12);
      expectAgree(runStreaming(() => new Stoch(kPeriod, kSlow, dPeriod), rowsOf(...hlc), true), twin.k, 1e-12);
      expectAgree(runStreaming(reportingD(kPeriod, kSlow, dPeriod), rowsOf(...hlc), true), twin.d, 1e-12);
    }
  });

  it("tracks the window's extremes through ties, revisions and expiry", () => {
    const w = new HighLowWindow(3);
    const seen: number[][] = [];
    const bars = [[5, 1], [5, 2], [4, 3], [3, 3], [6, 0], [2, 2], [2, 2], [2, 2]];
    for (const [h, l] of bars) {
      w.add(h, l);
      seen.push([w.highest, w.lowest]);
    }
    expect(seen).toEqual([[5, 1], [5, 1], [5, 1], [5, 2], [6, 0], [6, 0], [6, 0], [2, 2]]);
    // A revision may lower the latest bar below what it had pushed out; older bars count again.
    const r = new HighLowWindow(3);
    r.add(5, 1);
    r.add(4, 2);
    r.add(9, 0);
    r.replace(3, 3);
    expect([r.highest, r.lowest]).toEqual([5, 1]);
  });

  it("follows the definition on a hand-worked series", async () => {
    const wasm = await wasmIndicators();
    const high = Float64Array.of(10, 12, 11, 13, 12);
    const low = Float64Array.of(8, 9, 9, 10, 11);
    const close = Float64Array.of(9, 11, 10, 13, 11);
    // Fast %K over 2 bars, from bar 1: (11-8)/(12-8), (10-9)/(12-9), (13-9)/(13-9), (11-10)/(13-10).
    const fast = [75, 100 / 3, 100, 100 / 3];
    const k = [NaN, NaN, (fast[0] + fast[1]) / 2, (fast[1] + fast[2]) / 2, (fast[2] + fast[3]) / 2];
    const d = [NaN, NaN, NaN, (k[2] + k[3]) / 2, (k[3] + k[4]) / 2];
    for (const r of [stochSeries(high, low, close, 2, 2, 2), wasm.stoch(high, low, close, 2, 2, 2)]) {
      expectAgree(r.k, Float64Array.from(k), 1e-14);
      expectAgree(r.d, Float64Array.from(d), 1e-14);
    }
    const s = new Stoch(2, 2, 2);
    expect([s.add(10, 8, 9), s.add(12, 9, 11), s.add(11, 9, 10), s.isStable]).toEqual([NaN, NaN, k[2], false]);
    s.add(13, 10, 13);
    expect([s.k, s.d, s.isStable]).toEqual([k[3], d[3], true]);
  });

  it("handles period 1, periods too long for the series, empty input and flat windows", async () => {
    const wasm = await wasmIndicators();
    const high = Float64Array.of(10, 12, 11), low = Float64Array.of(8, 9, 9), close = Float64Array.of(9, 11, 10);
    const empty = new Float64Array(0);
    for (const stoch of [stochSeries, wasm.stoch.bind(wasm)]) {
      // All periods 1: where each close sits in its own bar's range.
      expectAgree(stoch(high, low, close, 1, 1, 1).k, Float64Array.of(50, 200 / 3, 50), 1e-14);
      for (const [kPeriod, kSlow, dPeriod] of [[4, 1, 1], [2, 3, 1], [2, 2, 2 ** 33]]) {
        const r = stoch(high, low, close, kPeriod, kSlow, dPeriod);
        expect([...r.d].every(Number.isNaN)).toBe(true);
      }
      expect(stoch(empty, empty, empty, 14, 3, 3).k.length).toBe(0);
      // A window with no range gives 0 (TA-Lib; TTR would give 50); it recovers once the range returns.
      const flatHigh = Float64Array.of(5, 5, 5, 5, 6), flatLow = Float64Array.of(5, 5, 5, 5, 5), flatClose = Float64Array.of(5, 5, 5, 5, 6);
      expect(Array.from(stoch(flatHigh, flatLow, flatClose, 3, 1, 1).k)).toEqual([NaN, NaN, 0, 0, 100]);
    }
  });

  it("allocates nothing in the module per call", async () => {
    const wasm = await wasmIndicators();
    const hlc = [sp500.high, sp500.low, sp500.close] as const;
    wasm.stoch(...hlc, 14, 3, 3);
    const bytes = wasm.k.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) wasm.stoch(...hlc, 14, 3, 3);
    expect(wasm.k.memory.buffer.byteLength).toBe(bytes);
  });

  it("rejects bad periods or unequal inputs, naming them", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(1, 2);
    expect(() => wasm.stoch(x, x, x, 0, 3, 3)).toThrow(/stoch.kPeriod must be an integer >= 1, got 0/);
    expect(() => wasm.stoch(x, x, x, 14, 1.5, 3)).toThrow(/stoch.kSlow must be an integer >= 1, got 1.5/);
    expect(() => stochSeries(x, x, x, 14, 3, -1)).toThrow(/stoch.dPeriod/);
    expect(() => new Stoch(14, 3, NaN)).toThrow(/stoch.dPeriod/);
    expect(() => stochSeries(x, x, Float64Array.of(1), 14, 3, 3)).toThrow(/stoch: input series have different lengths/);
  });
});
