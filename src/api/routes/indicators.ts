import { ConfigError } from "../../core/errors.ts";
import type { BarSeries } from "../../core/data.ts";
import { columnNames, computeIndicators, parseIndicatorList, type IndicatorItem } from "../../features/spec.ts";
import type { ApiApp, AppState } from "../context.ts";
import { ApiError, invalid } from "../errors.ts";
import { BINARY_CONTENT_TYPE, columnsBinary } from "../columns-binary.ts";
import { columnsJson, numbersJson } from "../json.ts";
import { barsFromJson, closeOnlySeries, MissingColumn } from "../input/bars.ts";
import { array, numbers, onlyKeys, readJsonObject, string, type Json } from "../input/validate.ts";

/** The most indicator items one request may ask for. */
export const MAX_INDICATORS = 32;

/**
 * POST /indicators: columns of indicator values over inline bars (or a plain
 * close series), computed by the WASM kernels; null where a value is not yet
 * defined (the kernels' NaN). With `Accept: application/octet-stream` the
 * same columns come back as raw float64 (src/api/columns-binary.ts).
 */
export function indicatorRoutes(app: ApiApp, state: AppState): void {
  const kernels = state.deps.kernels.indicators;
  const maxValues = state.deps.config.maxOutputValues;
  app.post("/indicators", async (c) => {
    const body = await readJsonObject(c.req);
    onlyKeys(body, ["bars", "series", "indicators"]);
    const items = parseItems(body.indicators);
    if (body.bars !== undefined && body.series !== undefined) throw invalid("series", "cannot be combined with bars; give one");
    let series: BarSeries;
    let time: Float64Array | undefined;
    if (body.bars !== undefined) {
      series = barsFromJson(body.bars, "bars", "DATA");
      time = series.time;
    } else if (body.series !== undefined) {
      series = closeOnlySeries(numbers(body.series, "series", 1));
    } else {
      throw invalid("bars", "is required: give bars (rows or columns of OHLCV) or series (close prices)");
    }
    const cells = series.close.length * items.flatMap(columnNames).length;
    if (cells > maxValues) {
      throw new ApiError(413, "too_many_values", `the answer would hold ${cells} values (rows x output columns); at most ${maxValues}`);
    }
    const columns: [string, Float64Array][] = [];
    for (const item of items) columns.push(...compute(kernels, series, item));
    if (c.req.header("accept")?.includes(BINARY_CONTENT_TYPE)) {
      const { body: bytes, headers } = columnsBinary(time ? [["time", time], ...columns] : columns, series.close.length);
      return c.body(bytes, 200, headers);
    }
    // Written by hand (src/api/json.ts): serializing the numbers is most of this route's cost.
    const json = `{"rows":${series.close.length},${time ? `"time":${numbersJson(time)},` : ""}"columns":${columnsJson(columns)}}`;
    return c.body(json, 200, { "content-type": "application/json; charset=UTF-8" });
  });
}

function parseItems(value: Json | undefined): IndicatorItem[] {
  if (value === undefined) throw invalid("indicators", 'is required, e.g. ["sma:20", "rsi:14"]');
  const texts = typeof value === "string" ? [value] : array(value, "indicators", 1, MAX_INDICATORS).map((v, i) => string(v, `indicators[${i}]`, 64));
  let items: IndicatorItem[];
  try {
    items = texts.flatMap((t) => parseIndicatorList(t));
  } catch (e) {
    if (e instanceof ConfigError) throw invalid("indicators", e.message);
    throw e;
  }
  if (items.length > MAX_INDICATORS) throw invalid("indicators", `must list at most ${MAX_INDICATORS} items, got ${items.length}`);
  const seen = new Set<string>();
  for (const item of items) {
    for (const name of columnNames(item)) {
      if (seen.has(name)) throw invalid("indicators", `lists "${item.text}" twice`);
      seen.add(name);
    }
  }
  return items;
}

/** One item's columns; a parameter error or a column a plain series lacks is a 400 naming the item. */
function compute(kernels: AppState["deps"]["kernels"]["indicators"], series: BarSeries, item: IndicatorItem): Map<string, Float64Array> {
  try {
    return computeIndicators(kernels, series, [item]);
  } catch (e) {
    if (e instanceof MissingColumn) {
      throw invalid("indicators", `"${item.text}" needs ${e.column} data; send bars (OHLCV) instead of a plain series`);
    }
    if (e instanceof ConfigError) throw invalid("indicators", e.message);
    throw e;
  }
}
