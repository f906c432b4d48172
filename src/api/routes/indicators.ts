import { ConfigError, shown } from "../../core/errors.ts";
import type { BarSeries } from "../../core/data.ts";
import { columnNames, computeIndicators, MAX_INDICATOR_ITEMS, parseIndicatorLists, type IndicatorItem } from "../../features/spec.ts";
import type { ApiApp, AppState } from "../context.ts";
import { ApiError, invalid } from "../errors.ts";
import { BINARY_CONTENT_TYPE, columnsBinary } from "../columns-binary.ts";
import { columnsPieces, tsJson } from "../json.ts";
import { barsFromJson, closeOnlySeries, MissingColumn } from "../input/bars.ts";
import { array, isObject, numbers, onlyKeys, string, type Json, type JsonObject } from "../input/validate.ts";
import type { Answer } from "../answer.ts";
import type { ComputeEnv, ComputeRequest } from "../compute/port.ts";
import { offload } from "../compute/route.ts";
import { computeAccess } from "../middleware/auth.ts";

/** The longest `indicators` string: every item of the longest list, with room to spare. */
const MAX_LIST_CHARS = 64 * MAX_INDICATOR_ITEMS;

/**
 * POST /indicators: columns of indicator values over inline bars, a plain
 * close series or a bundled sample, computed by the WASM kernels; null where
 * a value is not yet defined (the kernels' NaN). With `Accept:
 * application/octet-stream` the same columns come back as raw float64
 * (src/api/columns-binary.ts). It runs on the compute pool (src/api/compute).
 */
export function indicatorRoutes(app: ApiApp, state: AppState): void {
  app.post("/indicators", computeAccess(state.keys, state.deps.config.publicRoutes, "/indicators"), offload(state, "indicators"));
}

/** Where the bars come from: exactly one of these. */
const DATA_FIELDS = ["bars", "series", "sample"] as const;

export async function indicatorsAnswer(body: JsonObject, request: ComputeRequest, env: ComputeEnv): Promise<Answer> {
  const kernels = env.kernels.indicators;
  onlyKeys(body, [...DATA_FIELDS, "indicators"]);
  const items = parseItems(body.indicators);
  const given = DATA_FIELDS.filter((k) => body[k] !== undefined);
  if (given.length > 1) throw invalid(given[1], `cannot be combined with ${given[0]}; give one`);
  let series: BarSeries;
  let time: Float64Array | undefined;
  if (body.bars !== undefined) {
    series = barsFromJson(body.bars, "bars", "DATA");
    time = series.time;
  } else if (body.series !== undefined) {
    series = closeOnlySeries(numbers(body.series, "series", 1));
  } else if (body.sample !== undefined) {
    series = await env.samples.get(string(body.sample, "sample", 64));
    time = series.time;
  } else {
    throw invalid("bars", "is required: give bars (rows or columns of OHLCV), series (close prices) or sample (a bundled series name)");
  }
  const cells = series.close.length * items.flatMap(columnNames).length;
  if (cells > request.maxOutputValues) {
    throw new ApiError(413, "too_many_values", `the answer would hold ${cells} values (rows x output columns); at most ${request.maxOutputValues}`);
  }
  const columns: [string, Float64Array][] = [];
  for (const item of items) columns.push(...compute(kernels, series, item));
  if (request.accept?.includes(BINARY_CONTENT_TYPE)) {
    const { body: bytes, headers } = columnsBinary(time ? [["time", time], ...columns] : columns, series.close.length);
    return { status: 200, headers, body: bytes };
  }
  // Serializing the numbers was most of this route's cost: json.wasm writes them (bench/RESULTS.md, JSON answers).
  const pieces = [`{"rows":${series.close.length},`, ...(time ? ['"time":', time, ","] : []), '"columns":', ...columnsPieces(columns), "}"];
  return { status: 200, headers: { "content-type": "application/json; charset=UTF-8" }, body: (env.kernels.json ?? tsJson).write(pieces) };
}

/**
 * How many values the answer would print (rows x output columns), read from
 * the body without validating it; 0 where it is malformed (the answer is
 * then an error, cheap to give); unknown (Infinity) for a bundled sample,
 * whose length is known only once it is loaded.
 */
export function indicatorsOutputValues(body: JsonObject): number {
  if (body.sample !== undefined) return Infinity;
  const bars = body.bars;
  const column = Array.isArray(body.series) ? body.series : Array.isArray(bars) ? bars : isObject(bars) ? bars.close : undefined;
  if (!Array.isArray(column)) return 0;
  try {
    return column.length * (parseItems(body.indicators).flatMap(columnNames).length + (bars === undefined ? 0 : 1));
  } catch {
    return 0;
  }
}

/** The `indicators` field: one list as a string, or an array of lists; errors name the element at fault. */
function parseItems(value: Json | undefined): IndicatorItem[] {
  if (value === undefined) throw invalid("indicators", 'is required, e.g. ["sma:20", "rsi:14"]');
  const lists = typeof value === "string"
    ? [{ field: "indicators", text: string(value, "indicators", MAX_LIST_CHARS) }]
    : array(value, "indicators", 1, MAX_INDICATOR_ITEMS).map((v, i) => ({ field: `indicators[${i}]`, text: string(v, `indicators[${i}]`, 64) }));
  try {
    return parseIndicatorLists(lists);
  } catch (e) {
    throw asValidation(e);
  }
}

/** One item's columns; a parameter error or a column a plain series lacks is a 400 naming the item. */
function compute(kernels: ComputeEnv["kernels"]["indicators"], series: BarSeries, item: IndicatorItem): Map<string, Float64Array> {
  try {
    return computeIndicators(kernels, series, [item]);
  } catch (e) {
    if (e instanceof MissingColumn) {
      throw invalid(item.field, `${shown(item.text)} needs ${e.column} data; send bars (OHLCV) instead of a plain series`);
    }
    throw asValidation(e);
  }
}

/** The spec parser's errors (the CLI's too) as this route's 400, with the same message and field. */
function asValidation(e: unknown): unknown {
  return e instanceof ConfigError ? new ApiError(400, "validation", e.message, e.field) : e;
}
