// The downloads of a run, built in the engine's worker from the whole report
// (a million bars of JSON is no work for the page's thread): the report as
// JSON (what `nt backtest --json` prints), its trades as CSV, and the
// self-contained HTML report (what `nt backtest --out` writes).
import type { BacktestReport } from "../../src/backtest/types.ts";
import { formatDates } from "../../src/core/dates.ts";
import { toCsv } from "../../src/data/csv-write.ts";
import type { TradeRecord } from "../../src/portfolio/trades.ts";
import type { AnalyzedReport } from "../../src/report/analysis.ts";
import { renderReportHtml } from "../../src/report/html.ts";
import type { ExportFormat } from "./protocol.ts";

export function exportFile(report: AnalyzedReport, format: ExportFormat): Blob {
  switch (format) {
    case "json": return new Blob([JSON.stringify(report)], { type: "application/json" });
    case "csv": return new Blob([tradesCsv(report.trades)], { type: "text/csv" });
    case "html": return new Blob([renderReportHtml(report)], { type: "text/html" });
  }
}

/** The closed trades as CSV, dates as in the report's other exports, numbers at full precision. */
export function tradesCsv(trades: readonly TradeRecord[]): string {
  // One formatting decision for both columns: dates only when every time is a UTC midnight.
  const dates = formatDates([...trades.map((t) => t.entryTime), ...trades.map((t) => t.exitTime)]);
  const col = (f: (t: TradeRecord) => number) => Float64Array.from(trades, f);
  return toCsv(
    ["side", "entry_time", "exit_time", "entry_price", "exit_price", "quantity", "pnl", "return_pct", "commission", "bars", "entry_reason", "exit_reason"],
    [
      trades.map((t) => t.side),
      dates.slice(0, trades.length),
      dates.slice(trades.length),
      col((t) => t.entryPrice), col((t) => t.exitPrice), col((t) => t.quantity), col((t) => t.pnl),
      col((t) => t.returnPct), col((t) => t.commission), col((t) => t.bars),
      trades.map((t) => t.entryReason), trades.map((t) => t.exitReason),
    ],
  );
}

/** Longest export file name: far below any file system's limit. */
const MAX_NAME_CHARS = 150;

/**
 * An export's file name from the strategy and its parameters, in letters,
 * digits, dots and dashes only (anything else becomes "_"): the report of
 * momentum with fast 10 and slow 30 is momentum_fast-10_slow-30.json, its
 * trades momentum_fast-10_slow-30.csv.
 */
export function exportName(strategy: BacktestReport["strategy"], format: ExportFormat): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9.-]+/g, "_");
  const parts = [safe(strategy.name), ...Object.entries(strategy.params).map(([k, v]) => `${safe(k)}-${safe(String(v))}`)];
  return `${parts.join("_").slice(0, MAX_NAME_CHARS)}.${format}`;
}
