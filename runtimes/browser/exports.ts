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

export function reportFileStem(r: Pick<BacktestReport, "symbol" | "strategy">): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_");
  return `backtest-${safe(r.symbol)}-${safe(r.strategy.name)}`;
}
