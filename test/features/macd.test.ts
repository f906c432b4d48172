import { describe, expect, it } from "vitest";
import { smoothSeries } from "../../src/features/ema.ts";
import { Macd, macdSeries, type MacdResult } from "../../src/features/macd.ts";
import { expectSeriesClose, readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree } from "./contract.ts";

const ttrc = readFixture("ttrc_ttr_indicators.csv");
const talib = readFixture("talib_regtest_252bars_ttr_indicators.csv");

/** Streaming MACD run into three series (with `revise`, every bar is first added wrong, then replaced). */
function streamMacd(values: Float64Array, revise = false): MacdResult {
  const m = new Macd(12, 26, 9);
  const out = { macd: new Float64Array(values.length), signal: new Float64Array(values.length), hist: new Float64Array(values.length) };
  values.forEach((v, i) => {
    if (revise) m.add(v * 1.01 + 1);
    out.macd[i] = revise ? m.replace(v) : m.add(v);
    out.signal[i] = m.signal;
    out.hist[i] = m.hist;
  });
  return out;
}

/**
 * TTR seeds the fast EMA at index fast - 1, TA-Lib (and we) at slow - 1, so
 * the two differ until that start has decayed by (1 - 2/13) a bar (the signal
 * line's own start decays faster, by 0.8). From `from` on the difference is
 * below 1e-12 relative on these series: (11/13)^(200 - 25) is about 2e-13.
 */
const washedOut = { ttrc: 300, talib: 200 };

describe("macd", () => {
  it("matches TTR once the fast EMA's seed has decayed (twin, kernel, streaming)", async () => {
    const wasm = await wasmIndicators();
    for (const [name, fx] of [["ttrc", ttrc], ["talib", talib]] as const) {
      const close = fx.Close;
      const from = washedOut[name];
      const runs: [string, MacdResult][] = [
        ["twin", macdSeries(close, 12, 26, 9)],
        ["wasm", wasm.macd(close, 12, 26, 9)],
        ["streaming", streamMacd(close)],
        ["replace", streamMacd(close, true)],
      ];
      for (const [how, r] of runs) {
        expectSeriesClose(r.macd, fx.MACD, 1e-9, from, `${name} ${how} macd`);
        expectSeriesClose(r.signal, fx.MACD_signal, 1e-9, from, `${name} ${how} signal`);
        expectSeriesClose(r.hist, fx.MACD_hist, 1e-9, from, `${name} ${how} hist`);
      }
    }
  });

  it("gives TA-Lib's own regression values on its 252 bars", async () => {
    // ta_regtest/test_macd.c: first output (index 33) MACD -1.9738, signal -2.7071, to 4 decimals.
    const wasm = await wasmIndicators();
    for (const r of [macdSeries(talib.Close, 12, 26, 9), wasm.macd(talib.Close, 12, 26, 9), streamMacd(talib.Close)]) {
      expect(r.macd[33]).toBeCloseTo(-1.9738, 4);
      expect(r.signal[33]).toBeCloseTo(-2.7071, 4);
      expect(r.hist[33]).toBeCloseTo(-1.9738 + 2.7071, 4);
    }
  });

  it("differs from TTR only in the fast EMA's seed", () => {
    // TTR's MACD rebuilt from our EMA with the fast EMA seeded at index 11
    // matches every defined fixture value, so the early gap is the seeding alone.
    for (const fx of [ttrc, talib]) {
      const fast = smoothSeries(fx.Close, 12, 2 / 13);
      const slow = smoothSeries(fx.Close, 26, 2 / 27);
      const macd = fast.map((f, i) => f - slow[i]);
      const signal = new Float64Array(macd.length).fill(NaN);
      signal.set(smoothSeries(macd.subarray(25), 9, 0.2), 25);
      expectSeriesClose(macd, fx.MACD, 1e-9, 0, "ttr-seeded macd");
      expectSeriesClose(signal, fx.MACD_signal, 1e-9, 0, "ttr-seeded signal");
      expectSeriesClose(macd.map((m, i) => m - signal[i]), fx.MACD_hist, 1e-9, 0, "ttr-seeded hist");
    }
  });

  it("starts the line at slow - 1 and the signal and histogram at slow + signal - 2", async () => {
    const wasm = await wasmIndicators();
    const x = ttrc.Close.subarray(0, 60);
    for (const r of [macdSeries(x, 12, 26, 9), wasm.macd(x, 12, 26, 9), streamMacd(x), streamMacd(x, true)]) {
      expect(r.macd.findIndex((v) => !Number.isNaN(v))).toBe(25);
      expect(r.signal.findIndex((v) => !Number.isNaN(v))).toBe(33);
      expect(r.hist.findIndex((v) => !Number.isNaN(v))).toBe(33);
      // Index 25: the SMA of closes 14..25 minus the SMA of closes 0..25.
      const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
      expect(r.macd[25]).toBeCloseTo(mean(x.subarray(14, 26)) - mean(x.subarray(0, 26)), 12);
    }
  });

  it("agrees between kernel, twin and streaming over a long series", async () => {
    const wasm = await wasmIndicators();
    const x = new Float64Array(5_000).map((_, i) => 100 + Math.sin(i / 7) * 30 + (i % 13));
    const twin = macdSeries(x, 12, 26, 9);
    const k = wasm.macd(x, 12, 26, 9);
    const s = streamMacd(x);
    for (const key of ["macd", "signal", "hist"] as const) {
      expectAgree(k[key], twin[key], 1e-12);
      expectAgree(s[key], twin[key], 0);
    }
  });

  it("handles short series, period 1 and empty input", async () => {
    const wasm = await wasmIndicators();
    const x = ttrc.Close.subarray(0, 30);
    for (const r of [macdSeries(x, 12, 26, 9), wasm.macd(x, 12, 26, 9)]) {
      expect(r.macd.slice(25).every((v) => !Number.isNaN(v))).toBe(true);
      expect(r.signal.every(Number.isNaN) && r.hist.every(Number.isNaN)).toBe(true);
    }
    for (const r of [macdSeries(x.subarray(0, 25), 12, 26, 9), wasm.macd(x.subarray(0, 25), 12, 26, 9)]) {
      expect([...r.macd, ...r.signal, ...r.hist].every(Number.isNaN)).toBe(true);
    }
    // fast 1: the line is x - EMA(slow); signal 1 is the line itself.
    const one = wasm.macd(x, 1, 3, 1);
    expectAgree(one.macd, macdSeries(x, 1, 3, 1).macd, 1e-12);
    expect(Array.from(one.signal)).toEqual(Array.from(one.macd));
    expect(one.hist.slice(2).every((v) => v === 0)).toBe(true);
    // 2^32 + 1 and 2^32 + 3 would wrap to 1 and 3 as the kernel's i32s.
    const huge = wasm.macd(x, 2 ** 32 + 1, 2 ** 32 + 3, 9);
    expect([...huge.macd, ...huge.signal].every(Number.isNaN)).toBe(true);
    const empty = wasm.macd(new Float64Array(0), 12, 26, 9);
    expect([empty.macd.length, empty.signal.length, empty.hist.length]).toEqual([0, 0, 0]);
  });

  it("rejects bad periods, naming the field", async () => {
    const wasm = await wasmIndicators();
    const x = Float64Array.of(1, 2, 3);
    expect(() => wasm.macd(x, 26, 12, 9)).toThrow(/macd.fast must be less than macd.slow/);
    expect(() => macdSeries(x, 12, 12, 9)).toThrow(/macd.fast must be less than macd.slow/);
    expect(() => wasm.macd(x, 0, 26, 9)).toThrow(/macd.fast must be an integer >= 1, got 0/);
    expect(() => macdSeries(x, 12, 26.5, 9)).toThrow(/macd.slow/);
    expect(() => new Macd(12, 26, 0)).toThrow(/macd.signal/);
  });
});
