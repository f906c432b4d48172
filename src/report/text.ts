import type { TradeRecord } from "../portfolio/trades.ts";
import type { BacktestReport, Rejection } from "../backtest/types.ts";
import {
  formatDate, formatElapsed, formatMoney, formatNumber, formatPercent, formatPrice, formatQuantity, formatStrategy,
  timeFormatter,
} from "./format.ts";

/** How many of the latest trades and the first rejections the text shows. */
const LAST_TRADES = 10;
const FIRST_REJECTIONS = 5;
/** Reasons are cut to this many characters so a row fits a terminal. */
const REASON_WIDTH = 60;

/**
 * The backtest report as plain text for a terminal: a summary of the run,
 * the latest trades and the first risk rejections, each as an aligned table.
 */
export function formatReportText(report: BacktestReport): string {
  const sections = [summary(report)];
  if (report.trades.length > 0) sections.push(tradesSection(report.trades));
  else sections.push("No trades.");
  if (report.rejections.length > 0) sections.push(rejectionsSection(report.rejections));
  return sections.join("\n\n") + "\n";
}

function summary(r: BacktestReport): string {
  const rows: [string, string][] = [
    ["Symbol", r.symbol],
    ["Period", `${formatDate(r.start)} to ${formatDate(r.end)}`],
    ["Bars", formatNumber(r.bars, 0)],
    ["Strategy", formatStrategy(r.strategy.name, r.strategy.params)],
    ["Initial cash", formatMoney(r.initialCash)],
    ["Final equity", formatMoney(r.finalEquity)],
    ["Total return", formatPercent(r.totalReturn, 2, true)],
    ["CAGR", formatPercent(r.cagr, 2, true)],
    ["Sharpe", formatNumber(r.sharpe, 2)],
    ["Sortino", formatNumber(r.sortino, 2)],
    // Stored as a positive fraction; shown as the fall it is.
    ["Max drawdown", formatPercent(-r.maxDrawdown)],
    ["Trades", formatNumber(r.trades.length, 0)],
    ["Win rate", formatPercent(r.winRate)],
    ["Exposure", formatPercent(r.exposure)],
    ["Commissions", formatMoney(r.totalCommission)],
    ["Rejections", formatNumber(r.rejections.length, 0)],
    ["Speed", `${formatNumber(r.barsPerSecond, 0)} bars/s (${formatElapsed(r.elapsedMs)})`],
  ];
  const title = `Backtest ${r.symbol}: ${formatStrategy(r.strategy.name, r.strategy.params)}`;
  return [title, table(["", ""], rows, "ll", false)].join("\n");
}

function tradesSection(trades: readonly TradeRecord[]): string {
  const shown = trades.slice(-LAST_TRADES);
  const first = trades.length - shown.length;
  const when = timeFormatter(shown.flatMap((t) => [t.entryTime, t.exitTime]));
  const rows = shown.map((t, i) => [
    String(first + i + 1),
    t.side,
    when(t.entryTime),
    when(t.exitTime),
    formatQuantity(t.quantity),
    formatPrice(t.entryPrice),
    formatPrice(t.exitPrice),
    formatMoney(t.pnl),
    formatPercent(t.returnPct, 2, true),
  ]);
  const title = shown.length < trades.length ? `Last ${shown.length} of ${trades.length} trades` : `Trades (${trades.length})`;
  const header = ["#", "Side", "Entry", "Exit", "Qty", "Entry price", "Exit price", "P&L", "Return"];
  return [title, table(header, rows, "rlllrrrrr")].join("\n");
}

function rejectionsSection(rejections: readonly Rejection[]): string {
  const shown = rejections.slice(0, FIRST_REJECTIONS);
  const when = timeFormatter(shown.map((r) => r.time));
  const rows = shown.map((r) => [when(r.time), r.symbol, r.rule, clip(r.reason)]);
  const title = shown.length < rejections.length
    ? `Risk rejections (first ${shown.length} of ${rejections.length})`
    : `Risk rejections (${rejections.length})`;
  return [title, table(["Time", "Symbol", "Rule", "Reason"], rows, "llll")].join("\n");
}

/** One line, at most REASON_WIDTH characters. */
function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > REASON_WIDTH ? `${line.slice(0, REASON_WIDTH - 1)}…` : line;
}

/**
 * Rows padded into columns two spaces apart and indented by two; `align`
 * has an "l" or "r" per column. The header line is left out when `withHeader` is false.
 */
function table(header: readonly string[], rows: readonly (readonly string[])[], align: string, withHeader = true): string {
  const all = withHeader ? [header, ...rows] : rows;
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  const line = (row: readonly string[]) =>
    "  " + row.map((cell, c) => (align[c] === "r" ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd();
  return all.map(line).join("\n");
}
