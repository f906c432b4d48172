import type { BarSeries } from "../../core/data.ts";
import { invalid } from "../errors.ts";
import { shown } from "../../core/errors.ts";
import { array, isObject, numbers, type Json } from "./validate.ts";

/**
 * Bars sent inline, in either of two shapes:
 *   rows:    [{ "time": 1577923200000, "open": 1, "high": 2, "low": 0.5, "close": 1.5, "volume": 10 }, ...]
 *   columns: { "time": [...], "open": [...], "high": [...], "low": [...], "close": [...], "volume": [...] }
 * `date` may stand for `time`: epoch milliseconds, "YYYY-MM-DD" or an ISO
 * 8601 date-time (UTC unless it carries Z or an offset). The checks are the
 * CSV loader's: finite prices, low <= open, close <= high, volume >= 0,
 * strictly increasing time; the first failure names its field and row.
 */
export function barsFromJson(value: Json | undefined, field: string, symbol: string): BarSeries {
  const series = Array.isArray(value) ? fromRows(value, field, symbol) : isObject(value) ? fromColumns(value, field, symbol)
    : fail(field, `must be an array of bars or an object of columns, got ${shown(value)}`);
  checkBars(series, field, Array.isArray(value));
  return series;
}

const PRICE_KEYS = ["open", "high", "low", "close", "volume"] as const;

function fromRows(rows: Json[], field: string, symbol: string): BarSeries {
  array(rows, field, 1);
  const n = rows.length;
  const cols = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!isObject(row)) fail(`${field}[${i}]`, `must be a bar object, got ${shown(row)}`);
    const at = `${field}[${i}]`;
    cols.time[i] = timeOf(row.time ?? row.date, row.time !== undefined ? `${at}.time` : `${at}.date`);
    for (const key of PRICE_KEYS) {
      const v = row[key];
      if (typeof v !== "number" || !Number.isFinite(v)) fail(`${at}.${key}`, `must be a finite number, got ${shown(v)}`);
      cols[key][i] = v;
    }
  }
  return { symbol, ...cols };
}

function fromColumns(o: { [key: string]: Json }, field: string, symbol: string): BarSeries {
  const timeKey = o.time !== undefined ? "time" : "date";
  const rawTime = array(o[timeKey], `${field}.${timeKey}`, 1);
  const n = rawTime.length;
  const time = new Float64Array(n);
  for (let i = 0; i < n; i++) time[i] = timeOf(rawTime[i], `${field}.${timeKey}[${i}]`);
  const col = (key: string) => {
    const values = numbers(o[key], `${field}.${key}`);
    if (values.length !== n) fail(`${field}.${key}`, `has ${values.length} values but ${timeKey} has ${n}`);
    return values;
  };
  return { symbol, time, open: col("open"), high: col("high"), low: col("low"), close: col("close"), volume: col("volume") };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Epoch ms from a number (ms) or a date string; never the host's local time zone. */
function timeOf(v: Json | undefined, field: string): number {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) fail(field, `must be a finite number, got ${v}`);
    return v;
  }
  if (typeof v === "string") {
    const d = DATE.exec(v);
    let t = NaN;
    if (d) {
      t = Date.UTC(+d[1], +d[2] - 1, +d[3]);
      if (new Date(t).getUTCDate() !== +d[3]) t = NaN;
    } else if (DATE_TIME.test(v)) {
      t = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(v) ? v : `${v}Z`);
    }
    if (Number.isFinite(t)) return t;
  }
  return fail(field, `must be epoch milliseconds, "YYYY-MM-DD" or an ISO 8601 date-time, got ${shown(v)}`);
}

/** The loader invariants; `rows` says whether errors name bars[i].key or bars.key[i]. */
function checkBars(s: BarSeries, field: string, rows: boolean): void {
  const at = (key: string, i: number) => (rows ? `${field}[${i}].${key}` : `${field}.${key}[${i}]`);
  for (let i = 0; i < s.close.length; i++) {
    const lo = s.low[i], hi = s.high[i];
    if (lo > hi) fail(at("low", i), `(${lo}) is above high (${hi})`);
    if (s.open[i] < lo || s.open[i] > hi) fail(at("open", i), `(${s.open[i]}) is outside low..high (${lo}..${hi})`);
    if (s.close[i] < lo || s.close[i] > hi) fail(at("close", i), `(${s.close[i]}) is outside low..high (${lo}..${hi})`);
    if (s.volume[i] < 0) fail(at("volume", i), `must be >= 0, got ${s.volume[i]}`);
    if (i > 0 && !(s.time[i] > s.time[i - 1])) fail(at("time", i), "must be later than the previous bar's");
  }
}

/** Raised when a close-only series is asked for a column it does not have. */
export class MissingColumn extends Error {
  constructor(readonly column: string) {
    super(`a plain series has no ${column} column`);
  }
}

/**
 * A close-only series (`series: [..]` in a request). Reading any other column
 * throws MissingColumn, so an indicator that needs high, low or volume is
 * refused by name instead of being fed made-up data.
 */
export function closeOnlySeries(close: Float64Array): BarSeries {
  const missing = (column: string) => () => { throw new MissingColumn(column); };
  return Object.defineProperties({ symbol: "SERIES", close } as unknown as BarSeries, {
    time: { get: missing("time") },
    open: { get: missing("open") },
    high: { get: missing("high") },
    low: { get: missing("low") },
    volume: { get: missing("volume") },
  });
}

function fail(field: string, message: string): never {
  throw invalid(field, message);
}
