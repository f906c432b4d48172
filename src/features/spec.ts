import type { BarSeries } from "../core/data.ts";
import { ConfigError, shown } from "../core/errors.ts";
import { settingFromText, type SettingSpec } from "../core/settings.ts";
import type { Indicators } from "./indicators.ts";
import { type AnyIndicator, INDICATORS, INPUT_COLUMNS, indicatorEntry, MAX_BAND_WIDTH, MAX_PERIOD } from "./registry.ts";

/**
 * Indicator lists as users write them: "sma:20,macd:12:26:9,obv". Each item
 * becomes one output column named exactly as the item, or item.part for
 * indicators with several outputs (macd:12:26:9.signal). The CLI's --spec
 * and the API's `indicators` both go through parseIndicatorLists, so an item
 * is accepted or refused the same way in both.
 */
export interface IndicatorItem {
  readonly text: string;
  readonly name: string;
  readonly args: readonly number[];
  /** Where the item was written (the CLI's "spec", the API's "indicators[2]"): errors about it name this. */
  readonly field: string;
}

export { MAX_BAND_WIDTH, MAX_PERIOD };
/** The most items one list (or one request) may hold. */
export const MAX_INDICATOR_ITEMS = 32;

export const indicatorNames: string[] = INDICATORS.map((e) => e.name);

/** Each indicator with its arguments and defaults, one per line: "macd:fast:slow:signal (default macd:12:26:9)". */
export function indicatorForms(): string[] {
  return INDICATORS.map(({ name, params }) => params.length === 0 ? name
    : `${[name, ...params.map((a) => a.name)].join(":")} (default ${[name, ...params.map((a) => a.default)].join(":")})`);
}

/** The rules every item follows, for help texts and the API description. */
export const INDICATOR_RULES =
  `Arguments are written in plain decimal (no exponent, hex, sign or spaces): periods are integers from 1 to ${MAX_PERIOD} ` +
  `and no longer than the series; bbands' k is a number from 0 to ${MAX_BAND_WIDTH}. ` +
  `At most ${MAX_INDICATOR_ITEMS} items, each listed once (the same indicator with the same arguments twice is an error).`;

/** One comma-separated list, as the CLI's --spec gives it. */
export function parseIndicatorList(list: string, field = "spec"): IndicatorItem[] {
  return parseIndicatorLists([{ field, text: list }]);
}

/**
 * Several lists (the API's `indicators` array, one per element) into one
 * list of items, in order. Errors name the list's field: an unknown
 * indicator, a malformed or out-of-range argument, more than
 * MAX_INDICATOR_ITEMS items, or an item repeating an earlier one.
 */
export function parseIndicatorLists(lists: readonly { readonly field: string; readonly text: string }[]): IndicatorItem[] {
  const items: IndicatorItem[] = [];
  for (const { field, text } of lists) {
    const texts = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
    if (texts.length === 0) throw new ConfigError(`the indicator list ${shown(text)} is empty; e.g. sma:20,rsi:14`, { field });
    for (const t of texts) {
      if (items.length === MAX_INDICATOR_ITEMS) throw new ConfigError(`at most ${MAX_INDICATOR_ITEMS} indicator items may be listed`, { field });
      const item = parseItem(t, field);
      const earlier = items.find((e) => e.name === item.name && e.args.every((a, k) => a === item.args[k]));
      if (earlier) {
        throw new ConfigError(`${shown(item.text)} repeats ${shown(earlier.text)}: the same indicator with the same arguments; list it once`, { field });
      }
      items.push(item);
    }
  }
  return items;
}

function parseItem(text: string, field: string): IndicatorItem {
  const [given, ...rawArgs] = text.split(":");
  const name = given.toLowerCase();
  const def = indicatorEntry(name);
  if (!def) throw new ConfigError(`unknown indicator ${shown(given)} in ${shown(text)}; known: ${indicatorNames.join(", ")}`, { field });
  const params: readonly SettingSpec[] = def.params;
  if (rawArgs.length > params.length) {
    throw new ConfigError(`${shown(text)}: ${name} takes at most ${params.length} argument(s)${params.length ? ` (${params.map((a) => a.name).join(", ")})` : ""}`, { field });
  }
  const args = params.map((spec, k) => {
    if (k >= rawArgs.length) return spec.default as number;
    try {
      return settingFromText(spec, rawArgs[k], `${name}.${spec.name}`) as number;
    } catch (e) {
      throw new ConfigError(`${shown(text)}: ${(e as Error).message}`, { field });
    }
  });
  return { text, name, args, field };
}

/** Output column names of an item, in order. */
export function columnNames(item: IndicatorItem): string[] {
  const parts = entryOf(item).outputs;
  return parts ? parts.map((p) => `${item.text}.${p}`) : [item.text];
}

/** Computes every item; returns columns in item order. Errors name the item and its field. */
export function computeIndicators(ind: Indicators, bars: BarSeries, items: readonly IndicatorItem[]): Map<string, Float64Array> {
  const rows = bars.close.length;
  for (const item of items) checkFitsSeries(item, rows);
  const out = new Map<string, Float64Array>();
  for (const item of items) {
    const def = entryOf(item);
    let result: Float64Array | Record<string, Float64Array>;
    try {
      // Columns are read only as the indicator needs them: a close-only series has no high to give.
      const series = INPUT_COLUMNS[def.inputs].map((column) => bars[column]);
      const method = ind[def.name] as (...args: unknown[]) => Float64Array | Record<string, Float64Array>;
      result = method.call(ind, ...series, ...item.args);
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${shown(item.text)}: ${e.message}`, { field: item.field });
      throw e;
    }
    if (result instanceof Float64Array) out.set(item.text, result);
    else for (const part of def.outputs ?? []) out.set(`${item.text}.${part}`, result[part]);
  }
  return out;
}

/** A period longer than the series would give a column with no value at all: the caller asked for something else. */
function checkFitsSeries(item: IndicatorItem, rows: number): void {
  entryOf(item).params.forEach((spec: SettingSpec, k: number) => {
    if (spec.type === "integer" && item.args[k] > rows) {
      throw new ConfigError(`${shown(item.text)}: ${item.name}.${spec.name} (${item.args[k]}) is longer than the series (${rows} rows)`, { field: item.field });
    }
  });
}

function entryOf(item: IndicatorItem): AnyIndicator {
  return indicatorEntry(item.name)!;
}
