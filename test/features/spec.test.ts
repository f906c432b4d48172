import { describe, expect, it } from "vitest";
import { tsIndicators } from "../../src/features/indicators.ts";
import { columnNames, computeIndicators, parseIndicatorList } from "../../src/features/spec.ts";
import { readFixture, wasmIndicators } from "../helpers.ts";
import { expectAgree } from "./contract.ts";

const ALL = "sma:20,ema:12,wma:20,rsi:14,macd:12:26:9,bbands:20:2,atr:14,adx:14,stoch:14:3:3,obv,vwap:20,cci:20,willr:14,roc:10";

describe("indicator lists", () => {
  it("names one column per item, and item.part for several outputs", () => {
    const items = parseIndicatorList(ALL);
    expect(items.flatMap(columnNames)).toEqual([
      "sma:20", "ema:12", "wma:20", "rsi:14", "macd:12:26:9.macd", "macd:12:26:9.signal", "macd:12:26:9.hist",
      "bbands:20:2.lower", "bbands:20:2.middle", "bbands:20:2.upper", "atr:14", "adx:14.adx", "adx:14.plusDI",
      "adx:14.minusDI", "stoch:14:3:3.k", "stoch:14:3:3.d", "obv", "vwap:20", "cci:20", "willr:14", "roc:10",
    ]);
  });

  it("computes the same columns with the WASM kernels as with the TypeScript twins", async () => {
    const fx = readFixture("ttrc_ttr_indicators.csv");
    const bars = { symbol: "TTRC", time: new Float64Array(fx.rows), open: fx.Open, high: fx.High, low: fx.Low, close: fx.Close, volume: fx.Volume };
    const items = parseIndicatorList(ALL);
    const wasm = computeIndicators(await wasmIndicators(), bars, items);
    const twin = computeIndicators(tsIndicators, bars, items);
    expect([...wasm.keys()]).toEqual(items.flatMap(columnNames));
    for (const [name, col] of wasm) expectAgree(col, twin.get(name)!, 1e-9);
    // Spot check against the TTR reference through the list path.
    expect(wasm.get("sma:20")![100]).toBeCloseTo(fx.SMA20[100], 9);
  });

  it("fills defaults for omitted arguments", () => {
    expect(parseIndicatorList("rsi, macd:5")).toEqual([
      { text: "rsi", name: "rsi", args: [14] },
      { text: "macd:5", name: "macd", args: [5, 26, 9] },
    ]);
  });

  it("explains bad items", () => {
    expect(() => parseIndicatorList("smma:20")).toThrow(/unknown indicator "smma" in "smma:20"; known: sma, ema/);
    expect(() => parseIndicatorList("sma:x")).toThrow(/"sma:x": argument 1 must be a number, got "x"/);
    expect(() => parseIndicatorList("obv:3")).toThrow(/obv takes at most 0 argument/);
    expect(() => parseIndicatorList(" , ")).toThrow(/empty/);
    const bars = { symbol: "X", time: new Float64Array(3), open: new Float64Array(3), high: new Float64Array(3), low: new Float64Array(3), close: new Float64Array(3), volume: new Float64Array(3) };
    expect(() => computeIndicators(tsIndicators, bars, parseIndicatorList("sma:0"))).toThrow(/"sma:0": sma.period must be an integer >= 1/);
  });
});
