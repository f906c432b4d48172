import { describe, expect, it } from "vitest";
import { tsIndicators } from "../../src/features/indicators.ts";
import { computeIndicators, parseIndicatorList } from "../../src/features/spec.ts";
import { WasmIndicators } from "../../src/kernels/indicators.ts";
import { Sma } from "../../src/features/sma.ts";
import { Obv } from "../../src/features/obv.ts";
import { Adx } from "../../src/features/adx.ts";
import { wasmBytes } from "../helpers.ts";

const ALL = "sma:3,ema:3,wma:3,rsi:3,macd:2:4:2,bbands:3:2,atr:3,adx:3,stoch:3:2:2,obv,vwap:3,cci:3,willr:3,roc:3";

function bars(n: number) {
  const close = Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i));
  return { symbol: "X", time: new Float64Array(n), open: close, high: close.map((c) => c + 1), low: close.map((c) => c - 1), close, volume: new Float64Array(n).fill(10) };
}

describe("indicator inputs", () => {
  it("refuses NaN and infinite values in every batch form, naming the index", async () => {
    const wasm = await WasmIndicators.load(wasmBytes("indicators"));
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const column of ["close", "high", "volume"] as const) {
        const b = bars(40);
        b[column] = b[column].slice();
        b[column][17] = bad;
        for (const item of parseIndicatorList(ALL)) {
          const uses = column === "close" || ["atr", "adx", "stoch", "cci", "willr"].includes(item.name) && column === "high" || ["obv", "vwap"].includes(item.name) && column === "volume";
          if (!uses) continue;
          for (const impl of [wasm, tsIndicators]) {
            expect(() => computeIndicators(impl, b, [item]), `${item.text} ${column}=${bad}`).toThrow(/input value at index 17 is (NaN|Infinity|-Infinity)/);
          }
        }
      }
    }
  });

  it("refuses them in the streaming forms too", () => {
    expect(() => new Sma(3).add(NaN)).toThrow(/sma: input NaN is not a finite number/);
    expect(() => new Obv().add(1, Infinity)).toThrow(/obv/);
    const adx = new Adx(3);
    adx.add(2, 1, 1.5);
    expect(() => adx.replace(2, NaN, 1.5)).toThrow(/adx/);
  });

  it("serves empty input from a fresh kernel instance", async () => {
    const fresh = await WasmIndicators.load(wasmBytes("indicators"));
    expect(fresh.sma(new Float64Array(0), 3).length).toBe(0);
  });

  it("refuses a series too large for kernel memory before touching it", async () => {
    const fresh = await WasmIndicators.load(wasmBytes("indicators"));
    const huge = new Float64Array(50_000_000);
    expect(() => fresh.sma(huge, 3)).toThrow(/MiB of kernel memory/);
    expect(Array.from(fresh.sma(Float64Array.of(1, 2, 3), 3))).toEqual([NaN, NaN, 2]);
  });
});

describe("recursive indicators' input check", () => {
  it("finds a bad value anywhere, first or last, through the propagated output", async () => {
    const wasm = await WasmIndicators.load(wasmBytes("indicators"));
    for (const at of [0, 1, 13, 499]) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const x = Float64Array.from({ length: 500 }, (_, i) => 100 + Math.sin(i));
        x[at] = bad;
        expect(() => wasm.ema(x, 14), `ema ${at} ${bad}`).toThrow(new RegExp(`index ${at} is`));
        expect(() => wasm.rsi(x, 14), `rsi ${at} ${bad}`).toThrow(new RegExp(`index ${at} is`));
      }
    }
  });
});
