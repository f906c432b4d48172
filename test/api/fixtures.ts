// Request bodies and in-process reference answers shared by the API tests.
import { readFileSync } from "node:fs";
import type { BacktestReport } from "../../src/backtest/types.ts";
import type { BarSeries } from "../../src/core/data.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { parseReturnsCsv } from "../../src/data/returns-csv.ts";
import { runStrategyBacktest, type BacktestRequest } from "../../src/backtest/job.ts";
import { buyAndHold, withAnalysis, type Benchmark } from "../../src/report/analysis.ts";
import { root } from "../helpers.ts";

export const sp500Csv = readFileSync(`${root}data/sp500.csv`, "utf8");
export const sp500: BarSeries = parseBarsCsv(sp500Csv, { source: "sp500.csv", symbol: "SPX" });

/** The first n bars as row objects, the shape clients most often send. */
export function barRows(s: BarSeries, n = s.close.length): Record<string, number>[] {
  return Array.from({ length: Math.min(n, s.close.length) }, (_, i) => ({
    time: s.time[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i],
  }));
}

/** The first n bars as columns. */
export function barColumns(s: BarSeries, n = s.close.length): Record<string, number[]> {
  const cut = (a: Float64Array) => Array.from(a.subarray(0, n));
  return { time: cut(s.time), open: cut(s.open), high: cut(s.high), low: cut(s.low), close: cut(s.close), volume: cut(s.volume) };
}

/** Daily simple returns of the S&P 500 closes. */
export function sp500Returns(): number[] {
  const c = sp500.close;
  return Array.from({ length: c.length - 1 }, (_, i) => c[i + 1] / c[i] - 1);
}

/** EDHEC hedge-fund index returns (PerformanceAnalytics' edhec), first k assets, as rows of a matrix. */
export function edhecRows(k = 5): { assets: string[]; rows: number[][] } {
  const table = parseReturnsCsv(readFileSync(`${root}test/fixtures/pa_edhec_returns.csv`, "utf8"), "pa_edhec_returns.csv");
  const cols = table.columns.slice(0, k);
  return { assets: cols.map((c) => c.name), rows: table.dates.map((_, t) => cols.map((c) => c.values[t])) };
}

/** Fields that measure wall-clock time (or identify a run) and so differ run to run; everything else must match to the bit. */
const VOLATILE = new Set(["elapsedMs", "barsPerSecond", "id", "createdAt", "startedAt", "finishedAt", "endedAt"]);

/** A JSON value without its volatile fields, for exact comparison. */
export function stable<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (key, v) => (VOLATILE.has(key) ? undefined : v));
}

/** A report as it reads after a round trip through JSON (Decimal and NaN included). */
export function asJson(report: BacktestReport): unknown {
  return stable(JSON.parse(JSON.stringify(report)));
}

/** What POST /backtest answers for a run, computed in-process: the report with its analysis (against buying and holding the series by default). */
export function expectedBacktest(series: BarSeries, req: BacktestRequest, benchmark: Benchmark | null = buyAndHold(series)): unknown {
  return asJson(withAnalysis(runStrategyBacktest(series, req), benchmark));
}
