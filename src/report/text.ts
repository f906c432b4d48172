import type { Rejection, ResizedOrder } from "../backtest/types.ts";
import type { DroppedSignal } from "../core/signal.ts";
import type { TradeRecord } from "../portfolio/trades.ts";
import type { AnalyzedReport, ReportAnalysis } from "./analysis.ts";
import {
  formatDate, formatDropCounts, formatElapsed, formatMoney, formatNumber, formatPercent, formatPrice, formatQuantity, formatSignal,
  formatStrategy, timeFormatter,
} from "./format.ts";

/** How many of the latest trades and the first rejections and resized orders the text shows. */
const LAST_TRADES = 10;
const FIRST_REJECTIONS = 5;
/** Reasons are cut to this many characters so a row fits a terminal. */
const REASON_WIDTH = 60;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The backtest report as plain text for a terminal, in sections of aligned
 * columns: the run, performance beside the benchmark, the comparison with
 * it, trade statistics, monthly returns, the worst drawdowns, rolling
 * figures, the latest trades, then resized orders, risk rejections and the
 * signals a combination of strategies dropped.
 */
export function formatReportText(report: AnalyzedReport): string {
  const a = report.analysis;
  const sections = [summary(report), performance(report)];
  if (a.benchmark) sections.push(versus(a.benchmark));
  if (report.trades.length > 0) sections.push(tradeStatsSection(report));
  if (a.monthly.length > 0) sections.push(monthlySection(a));
  if (a.drawdowns.length > 0) sections.push(drawdownSection(a));
  if (a.rolling.time.length > 0) sections.push(rollingSection(a));
  sections.push(report.trades.length > 0 ? tradesSection(report.trades) : "No trades.");
  if (report.resized.length > 0) sections.push(resizedSection(report.resized));
  if (report.rejections.length > 0) sections.push(rejectionsSection(report.rejections));
  if (report.droppedSignals !== undefined && report.droppedSignals.length > 0) sections.push(droppedSection(report.droppedSignals));
  return sections.join("\n\n") + "\n";
}

function summary(r: AnalyzedReport): string {
  const rows: [string, string][] = [
    ["Period", `${formatDate(r.start)} to ${formatDate(r.end)}`],
    ["Bars", `${formatNumber(r.bars, 0)} (${formatNumber(r.periodsPerYear, 0)} a year)`],
    ["Initial cash", formatMoney(r.initialCash)],
    ["Final equity", formatMoney(r.finalEquity)],
    ["Exposure", formatPercent(r.exposure)],
    ["Commissions", formatMoney(r.totalCommission)],
    ["Resized orders", formatNumber(r.resized.length, 0)],
    ["Rejections", formatNumber(r.rejections.length, 0)],
    ...(r.droppedSignals === undefined ? [] : [["Dropped signals", droppedSummary(r.droppedSignals)] as [string, string]]),
    ["Speed", `${formatNumber(r.barsPerSecond, 0)} bars/s (${formatElapsed(r.elapsedMs)})`],
  ];
  const title = `Backtest ${r.symbol}: ${formatStrategy(r.strategy.name, r.strategy.params)}`;
  return [title, table(["", ""], rows, "ll", false)].join("\n");
}

/** The headline figures, the benchmark's beside them (over the bars both have). */
function performance(r: AnalyzedReport): string {
  const b = r.analysis.benchmark;
  const pct = (x: number) => formatPercent(x, 2, true);
  // Max drawdown is stored as a positive fraction; shown as the fall it is.
  const rows = [
    ["Total return", pct(r.totalReturn), b ? pct(b.totalReturn) : ""],
    ["CAGR", pct(r.cagr), b ? pct(b.cagr) : ""],
    ["Volatility", formatPercent(r.analysis.volatility), b ? formatPercent(b.volatility) : ""],
    ["Sharpe", formatNumber(r.sharpe, 2), b ? formatNumber(b.sharpe, 2) : ""],
    ["Sortino", formatNumber(r.sortino, 2), b ? formatNumber(b.sortino, 2) : ""],
    ["Max drawdown", formatPercent(-r.maxDrawdown), b ? formatPercent(-b.maxDrawdown) : ""],
  ];
  const header = ["Performance", "Strategy", b ? b.name : ""];
  const note = b && b.bars < r.bars ? `\n  (${b.name} over the ${formatNumber(b.bars, 0)} bars it shares with the run)` : "";
  return table(header, rows, "lrr", true, true) + note;
}

function versus(b: NonNullable<ReportAnalysis["benchmark"]>): string {
  const num = (x: number | null, d = 2) => formatNumber(x ?? NaN, d);
  const rows: [string, string][] = [
    ["Excess return", formatPercent(b.excessReturn, 2, true)],
    ["Active premium", `${formatPercent(b.activePremium, 2, true)} a year`],
    ["Alpha", `${formatPercent(b.annualizedAlpha ?? NaN, 2, true)} a year (${formatPercent(b.alpha ?? NaN, 4, true)} a bar)`],
    ["Beta", num(b.beta)],
    ["Correlation", num(b.correlation)],
    ["Tracking error", formatPercent(b.trackingError ?? NaN)],
    ["Information ratio", num(b.informationRatio)],
  ];
  const title = `Against ${b.name} (${formatDate(b.start)} to ${formatDate(b.end)}, risk-free 0)`;
  return [title, table(["", ""], rows, "ll", false)].join("\n");
}

function tradeStatsSection(r: AnalyzedReport): string {
  const s = r.analysis.trades;
  const money = (x: number | null) => formatMoney(x ?? NaN);
  const rows = [
    ["Win rate", formatPercent(r.winRate), "", "Profit factor", formatNumber(s.profitFactor ?? NaN, 2)],
    ["Average win", money(s.averageWin), "", "Average loss", money(s.averageLoss)],
    ["Largest win", money(s.largestWin), "", "Largest loss", money(s.largestLoss)],
    ["Expectancy", money(s.expectancy), "", "Average bars held", formatNumber(s.averageBars ?? NaN, 1)],
    ["Longest win streak", formatNumber(s.longestWinStreak, 0), "", "Longest loss streak", formatNumber(s.longestLossStreak, 0)],
  ];
  return [`Trade statistics (${formatNumber(s.count, 0)} trades; P&L after commissions)`, table(["", "", "", "", ""], rows, "lrllr", false)].join("\n");
}

/** Years down, months across, then the year's return and the benchmark's, in percent with one decimal. */
function monthlySection(a: ReportAnalysis): string {
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? "" : formatNumber(x * 100, 1));
  const withBench = a.benchmark !== null;
  const rows = a.yearly.map((y) => {
    const months = MONTHS.map((_, m) => pct(a.monthly.find((x) => x.year === y.year && x.month === m + 1)?.return));
    return [String(y.year), ...months, pct(y.return), ...(withBench ? [pct(y.benchmark)] : [])];
  });
  const header = ["", ...MONTHS, "Year", ...(withBench ? ["Bench"] : [])];
  const title = `Monthly returns (%)${withBench ? `; Bench: ${a.benchmark!.name}` : ""}`;
  return [title, table(header, rows, "l" + "r".repeat(header.length - 1))].join("\n");
}

function drawdownSection(a: ReportAnalysis): string {
  const rows = a.drawdowns.map((d, i) => [
    String(i + 1), formatPercent(d.depth), formatDate(d.start), formatDate(d.trough), d.end === null ? "not recovered" : formatDate(d.end),
    formatNumber(d.length, 0), formatNumber(d.toTrough, 0), d.recovery === null ? "" : formatNumber(d.recovery, 0),
  ]);
  const header = ["#", "Depth", "Start", "Trough", "Recovered", "Bars", "To trough", "To recover"];
  const n = a.drawdowns.length;
  return [`Worst ${n} drawdown${n === 1 ? "" : "s"} (PerformanceAnalytics table.Drawdowns)`, table(header, rows, "rrlllrrr")].join("\n");
}

function rollingSection(a: ReportAnalysis): string {
  const { window, sharpe, volatility } = a.rolling;
  const row = (label: string, x: readonly number[], f: (v: number) => string) => {
    const sorted = [...x].sort((p, q) => p - q);
    return [label, f(x[x.length - 1]), f(sorted[0]), f(median(sorted)), f(sorted[sorted.length - 1])];
  };
  const rows = [row("Sharpe", sharpe, (v) => formatNumber(v, 2)), row("Volatility", volatility, (v) => formatPercent(v))];
  return [`Rolling ${window}-bar figures (annualized)`, table(["", "Last", "Min", "Median", "Max"], rows, "lrrrr")].join("\n");
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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

/** Each resized buy with the prices that explain it: sized at the last close, filled higher. */
function resizedSection(resized: readonly ResizedOrder[]): string {
  const shown = resized.slice(0, FIRST_REJECTIONS);
  const when = timeFormatter(shown.map((r) => r.time));
  const rows = shown.map((r) => [
    when(r.time), r.symbol, formatQuantity(r.requested), formatQuantity(r.filled), formatPrice(r.lastClose), formatPrice(r.price),
    formatPercent(r.price / r.lastClose - 1, 2, true),
  ]);
  const count = shown.length < resized.length ? `first ${shown.length} of ${resized.length}` : String(resized.length);
  const title = `Resized orders (${count}): buys sized at the last close that cash at the fill price could not pay in full`;
  return [title, table(["Time", "Symbol", "Asked", "Filled", "Last close", "Fill price", "Change"], rows, "llrrrrr")].join("\n");
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

function droppedSummary(dropped: readonly DroppedSignal[]): string {
  return dropped.length === 0 ? "0" : `${formatNumber(dropped.length, 0)} (${formatDropCounts(dropped)})`;
}

/** The first signals the signal layer dropped, each with its reason and the figures behind it. */
function droppedSection(dropped: readonly DroppedSignal[]): string {
  const shown = dropped.slice(0, FIRST_REJECTIONS);
  const when = timeFormatter(shown.flatMap((d) => [d.time, d.signalTime]));
  const rows = shown.map((d) => [when(d.time), d.strategy, formatSignal(d.direction, d.confidence), when(d.signalTime), d.reason, clip(d.detail)]);
  const count = shown.length < dropped.length ? `first ${shown.length} of ${dropped.length}` : String(dropped.length);
  const title = `Dropped signals (${count}; ${formatDropCounts(dropped)})`;
  return [title, table(["Time", "Strategy", "Signal", "Signalled", "Reason", "Detail"], rows, "llrlll")].join("\n");
}

/** One line, at most REASON_WIDTH characters. */
function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > REASON_WIDTH ? `${line.slice(0, REASON_WIDTH - 1)}…` : line;
}

/**
 * Rows padded into columns two spaces apart and indented by two; `align`
 * has an "l" or "r" per column. The header line is left out when
 * `withHeader` is false; with `titled` its first cell is the section's
 * title, at the margin, two left of the rows.
 */
function table(header: readonly string[], rows: readonly (readonly string[])[], align: string, withHeader = true, titled = false): string {
  const all = withHeader && !titled ? [header, ...rows] : rows;
  const measured = withHeader ? [header, ...rows] : rows;
  const widths = header.map((_, c) => Math.max(...measured.map((row) => row[c].length - (titled && row === header && c === 0 ? 2 : 0))));
  const cells = (row: readonly string[]) => row.map((cell, c) => (align[c] === "r" ? cell.padStart(widths[c]) : cell.padEnd(widths[c])));
  const lines = all.map((row) => `  ${cells(row).join("  ")}`.trimEnd());
  if (titled) lines.unshift([header[0].padEnd(widths[0] + 2), ...cells(header).slice(1)].join("  ").trimEnd());
  return lines.join("\n");
}
