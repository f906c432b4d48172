import type { BarSeries } from "../core/data.ts";
import { ConfigError } from "../core/errors.ts";
import type { Indicators } from "./indicators.ts";

/**
 * Indicator lists as users write them: "sma:20,macd:12:26:9,obv". Each item
 * becomes one output column named exactly as the item, or item.part for
 * indicators with several outputs (macd:12:26:9.signal).
 */
export interface IndicatorItem {
  readonly text: string;
  readonly name: string;
  readonly args: readonly number[];
}

interface Definition {
  /** Default arguments; an item may give fewer (defaults fill the rest). */
  readonly defaults: readonly number[];
  readonly parts?: readonly string[];
  compute(ind: Indicators, bars: BarSeries, args: readonly number[]): Float64Array | Record<string, Float64Array>;
}

const DEFINITIONS: Record<string, Definition> = {
  sma: { defaults: [20], compute: (i, b, [n]) => i.sma(b.close, n) },
  ema: { defaults: [20], compute: (i, b, [n]) => i.ema(b.close, n) },
  wma: { defaults: [20], compute: (i, b, [n]) => i.wma(b.close, n) },
  rsi: { defaults: [14], compute: (i, b, [n]) => i.rsi(b.close, n) },
  macd: {
    defaults: [12, 26, 9], parts: ["macd", "signal", "hist"],
    compute: (i, b, [f, s, g]) => ({ ...i.macd(b.close, f, s, g) }),
  },
  bbands: {
    defaults: [20, 2], parts: ["lower", "middle", "upper"],
    compute: (i, b, [n, k]) => ({ ...i.bbands(b.close, n, k) }),
  },
  atr: { defaults: [14], compute: (i, b, [n]) => i.atr(b.high, b.low, b.close, n) },
  adx: {
    defaults: [14], parts: ["adx", "plusDI", "minusDI"],
    compute: (i, b, [n]) => ({ ...i.adx(b.high, b.low, b.close, n) }),
  },
  stoch: {
    defaults: [14, 3, 3], parts: ["k", "d"],
    compute: (i, b, [k, s, d]) => ({ ...i.stoch(b.high, b.low, b.close, k, s, d) }),
  },
  obv: { defaults: [], compute: (i, b) => i.obv(b.close, b.volume) },
  vwap: { defaults: [20], compute: (i, b, [n]) => i.vwap(b.close, b.volume, n) },
  cci: { defaults: [20], compute: (i, b, [n]) => i.cci(b.high, b.low, b.close, n) },
  willr: { defaults: [14], compute: (i, b, [n]) => i.willr(b.high, b.low, b.close, n) },
  roc: { defaults: [10], compute: (i, b, [n]) => i.roc(b.close, n) },
};

export const indicatorNames = Object.keys(DEFINITIONS);

export function parseIndicatorList(list: string): IndicatorItem[] {
  const items = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new ConfigError("the indicator list is empty; e.g. sma:20,rsi:14", { field: "spec" });
  return items.map(parseItem);
}

function parseItem(text: string): IndicatorItem {
  const [name, ...rawArgs] = text.split(":");
  const def = Object.hasOwn(DEFINITIONS, name.toLowerCase()) ? DEFINITIONS[name.toLowerCase()] : undefined;
  if (!def) throw new ConfigError(`unknown indicator "${name}" in "${text}"; known: ${indicatorNames.join(", ")}`, { field: "spec" });
  if (rawArgs.length > def.defaults.length) {
    throw new ConfigError(`"${text}": ${name} takes at most ${def.defaults.length} argument(s)`, { field: "spec" });
  }
  const args = def.defaults.map((d, k) => {
    if (k >= rawArgs.length) return d;
    const v = Number(rawArgs[k]);
    if (rawArgs[k].trim() === "" || !Number.isFinite(v)) {
      throw new ConfigError(`"${text}": argument ${k + 1} must be a number, got "${rawArgs[k]}"`, { field: "spec" });
    }
    return v;
  });
  return { text, name: name.toLowerCase(), args };
}

/** Output column names of an item, in order. */
export function columnNames(item: IndicatorItem): string[] {
  const parts = DEFINITIONS[item.name].parts;
  return parts ? parts.map((p) => `${item.text}.${p}`) : [item.text];
}

/** Computes every item; returns columns in item order. Parameter errors name the item. */
export function computeIndicators(ind: Indicators, bars: BarSeries, items: readonly IndicatorItem[]): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const item of items) {
    const def = DEFINITIONS[item.name];
    let result: Float64Array | Record<string, Float64Array>;
    try {
      result = def.compute(ind, bars, item.args);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`"${item.text}": ${e.message}`, { field: "spec" });
      throw e;
    }
    if (result instanceof Float64Array) out.set(item.text, result);
    else for (const part of def.parts!) out.set(`${item.text}.${part}`, result[part]);
  }
  return out;
}
