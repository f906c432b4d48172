// Hosts other than our wrappers call the kernels with raw arguments: a window
// no indicator allows must give NaN outputs and leave every other buffer alone.
import { describe, expect, it } from "vitest";
import { WasmIndicators } from "../../src/kernels/indicators.ts";
import { wasmBytes } from "../helpers.ts";

describe("kernel argument guards", () => {
  it("answers NaN for impossible windows without writing outside the output", async () => {
    const { k } = await WasmIndicators.load(wasmBytes("indicators"));
    const n = 64;
    const ptr = Array.from({ length: 8 }, () => k.reserve(n * 8) >>> 0);
    const view = (i: number) => new Float64Array(k.memory.buffer, ptr[i], n);
    const calls: [string, () => void][] = [];
    for (const period of [0, -3]) {
      calls.push([`sma ${period}`, () => k.sma(ptr[0], ptr[3], n, period)]);
      calls.push([`ema ${period}`, () => k.ema(ptr[0], ptr[3], n, period)]);
      calls.push([`wma ${period}`, () => k.wma(ptr[0], ptr[3], n, period)]);
      calls.push([`rsi ${period}`, () => k.rsi(ptr[0], ptr[3], n, period)]);
      calls.push([`roc ${period}`, () => k.roc(ptr[0], ptr[3], n, period)]);
      calls.push([`atr ${period}`, () => k.atr(ptr[0], ptr[1], ptr[2], ptr[3], n, period)]);
      calls.push([`cci ${period}`, () => k.cci(ptr[0], ptr[1], ptr[2], ptr[3], n, period)]);
      calls.push([`vwap ${period}`, () => k.vwap(ptr[0], ptr[1], ptr[3], n, period)]);
      calls.push([`bbands ${period}`, () => k.bbands(ptr[0], ptr[3], ptr[4], ptr[5], n, period, 2)]);
      calls.push([`adx ${period}`, () => k.adx(ptr[0], ptr[1], ptr[2], ptr[3], ptr[4], ptr[5], n, period)]);
    }
    calls.push(["macd fast > slow", () => k.macd(ptr[0], ptr[3], ptr[4], ptr[5], n, 26, 12, 9)]);
    calls.push(["stoch 0", () => k.stoch(ptr[0], ptr[1], ptr[2], ptr[3], ptr[4], ptr[6], n, 0, 3, 3)]);
    for (const [name, call] of calls) {
      for (let i = 0; i < 3; i++) view(i).set(Float64Array.from({ length: n }, (_, j) => 100 + i + j));
      for (let i = 3; i < 6; i++) view(i).fill(7);
      view(7).fill(42);
      call();
      for (let i = 0; i < 3; i++) expect(view(i).every((v, j) => v === 100 + i + j), `${name}: input ${i} untouched`).toBe(true);
      expect(view(3).every(Number.isNaN), `${name}: output is NaN`).toBe(true);
      expect(view(7).every((v) => v === 42), `${name}: unrelated buffer untouched`).toBe(true);
    }
  });
});
