import { describe, expect, it } from "vitest";
import { tsIndicators } from "../../src/features/indicators.ts";
import { type ConfigError, MAX_SHOWN_CHARS } from "../../src/core/errors.ts";
import { columnNames, computeIndicators, MAX_BAND_WIDTH, MAX_INDICATOR_ITEMS, MAX_PERIOD, parseIndicatorList, parseIndicatorLists } from "../../src/features/spec.ts";
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
      { text: "rsi", name: "rsi", args: [14], field: "spec" },
      { text: "macd:5", name: "macd", args: [5, 26, 9], field: "spec" },
    ]);
  });

  it("explains bad items", () => {
    expect(() => parseIndicatorList("smma:20")).toThrow(/unknown indicator "smma" in "smma:20"; known: sma, ema/);
    expect(() => parseIndicatorList("sma:x")).toThrow(/"sma:x": sma.period must be an integer from 1 to 100000 written in plain decimal \(no exponent, hex, \+ or spaces\), got "x"/);
    expect(() => parseIndicatorList("obv:3")).toThrow(/obv takes at most 0 argument/);
    expect(() => parseIndicatorList(" , ")).toThrow(/empty/);
    expect(() => parseIndicatorList("sma:0")).toThrow('"sma:0": sma.period must be an integer from 1 to 100000, got "0"');
  });
});

/** The error a list gets, as { message, field }. */
function refusal(list: string, field?: string): { message: string; field?: string } {
  try {
    parseIndicatorList(list, field);
  } catch (e) {
    return { message: (e as ConfigError).message, field: (e as ConfigError).field };
  }
  throw new Error(`${list} was accepted`);
}

describe("indicator arguments (issue 12, finding 5)", () => {
  const bars = (n: number) => ({ symbol: "X", time: new Float64Array(n), open: new Float64Array(n).fill(1), high: new Float64Array(n).fill(1), low: new Float64Array(n).fill(1), close: new Float64Array(n).fill(1), volume: new Float64Array(n).fill(1) });

  it("takes periods only as plain decimal integers within 1..MAX_PERIOD", () => {
    const period = (arg: string) => `"sma:${arg}": sma.period must be an integer from 1 to ${MAX_PERIOD} written in plain decimal (no exponent, hex, + or spaces), got "${arg}"`;
    for (const arg of ["1e9", "0x10", "+5", " 5", "1e1", "Infinity", "NaN", ""]) expect(refusal(`sma:${arg}`).message, arg).toBe(period(arg));
    for (const arg of ["5.5", "5.0", "-5", "0", String(MAX_PERIOD + 1)]) {
      expect(refusal(`sma:${arg}`).message, arg).toBe(`"sma:${arg}": sma.period must be an integer from 1 to ${MAX_PERIOD}, got "${arg}"`);
    }
    expect(parseIndicatorList(`sma:${MAX_PERIOD},sma:05`).map((i) => i.args)).toEqual([[MAX_PERIOD], [5]]);
    expect(refusal("macd:12:1e2").message).toMatch(/^"macd:12:1e2": macd.slow must be an integer from 1 to 100000 written in plain decimal/);
  });

  it("keeps the Bollinger width within 0..MAX_BAND_WIDTH", () => {
    expect(refusal("bbands:20:1e308").message).toBe(`"bbands:20:1e308": bbands.k must be a number from 0 to ${MAX_BAND_WIDTH} written in plain decimal (no exponent, hex, + or spaces), got "1e308"`);
    expect(refusal("bbands:20:11").message).toBe(`"bbands:20:11": bbands.k must be a number from 0 to ${MAX_BAND_WIDTH}, got "11"`);
    expect(parseIndicatorList("bbands:20:2.5,bbands:20:0,bbands:20:.5").map((i) => i.args)).toEqual([[20, 2.5], [20, 0], [20, 0.5]]);
  });

  it("refuses a period longer than the series, naming the item's field", () => {
    const items = parseIndicatorList("sma:3,sma:4", "indicators[1]");
    expect(computeIndicators(tsIndicators, bars(4), items).size).toBe(2);
    expect(() => computeIndicators(tsIndicators, bars(3), items)).toThrow('"sma:4": sma.period (4) is longer than the series (3 rows)');
    try {
      computeIndicators(tsIndicators, bars(3), parseIndicatorList("macd:2:30:2", "indicators[0]"));
    } catch (e) {
      expect((e as ConfigError).field).toBe("indicators[0]");
    }
  });

  it("refuses the same indicator with the same arguments twice, however it is written", () => {
    expect(refusal("sma:5,sma:5")).toEqual({ message: '"sma:5" repeats "sma:5": the same indicator with the same arguments; list it once', field: "spec" });
    expect(refusal("sma,SMA:20").message).toBe('"SMA:20" repeats "sma": the same indicator with the same arguments; list it once');
    expect(refusal("bbands:20:2,bbands:20:2.0").message).toMatch(/repeats "bbands:20:2"/);
    expect(parseIndicatorList("sma:5,ema:5,sma:6")).toHaveLength(3);
    const across = () => parseIndicatorLists([{ field: "indicators[0]", text: "rsi" }, { field: "indicators[1]", text: "rsi:14" }]);
    expect(across).toThrow('"rsi:14" repeats "rsi"');
  });

  it("caps the list at MAX_INDICATOR_ITEMS items", () => {
    const many = Array.from({ length: MAX_INDICATOR_ITEMS + 1 }, (_, k) => `sma:${k + 1}`).join(",");
    expect(refusal(many).message).toBe(`at most ${MAX_INDICATOR_ITEMS} indicator items may be listed`);
    expect(parseIndicatorList(many.slice(0, many.lastIndexOf(",")))).toHaveLength(MAX_INDICATOR_ITEMS);
  });

  it("shows a long bad item in at most MAX_SHOWN_CHARS characters", () => {
    const long = `sma:${"9".repeat(100_000)}`;
    const { message } = refusal(long);
    expect(message.length).toBeLessThan(250);
    expect(message).not.toContain("9".repeat(MAX_SHOWN_CHARS + 1));
    expect(message).toContain("…\" (100004 characters)");
  });
});
