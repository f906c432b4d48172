// The report as the page shows it: the statistics, the trade list, and the
// exports (the whole report as JSON, the trades as CSV).
import type { TradeRecord } from "../../src/portfolio/trades.ts";
import type { BacktestReport, Rejection } from "../../src/backtest/types.ts";
import { toCsv } from "../../src/data/csv-write.ts";
import { formatDates } from "../../src/core/dates.ts";
import { h } from "./dom.ts";
import { fmtInt, fmtMoney, fmtMs, fmtNum, fmtPct, fmtPrice, fmtTime } from "./format.ts";

interface Stat {
  readonly key: string;
  readonly label: string;
  readonly value: (r: BacktestReport) => number;
  readonly format: (x: number) => string;
  readonly help: string;
  /** Colour the value by its sign. */
  readonly signed?: boolean;
}

const STATS: readonly Stat[] = [
  { key: "totalReturn", label: "Total return", value: (r) => r.totalReturn, format: (x) => fmtPct(x), help: "final equity / initial cash − 1", signed: true },
  { key: "cagr", label: "CAGR", value: (r) => r.cagr, format: (x) => fmtPct(x), help: "compound annual growth rate", signed: true },
  { key: "sharpe", label: "Sharpe", value: (r) => r.sharpe, format: (x) => fmtNum(x, 3), help: "annualized, risk-free 0, sample sd", signed: true },
  { key: "sortino", label: "Sortino", value: (r) => r.sortino, format: (x) => fmtNum(x, 3), help: "annualized, MAR 0", signed: true },
  { key: "maxDrawdown", label: "Max drawdown", value: (r) => r.maxDrawdown, format: (x) => fmtPct(x), help: "largest peak-to-trough fall" },
  { key: "winRate", label: "Win rate", value: (r) => r.winRate, format: (x) => fmtPct(x, 1), help: "closed trades with a profit" },
  { key: "trades", label: "Trades", value: (r) => r.trades.length, format: fmtInt, help: "closed round trips" },
  { key: "exposure", label: "Exposure", value: (r) => r.exposure, format: (x) => fmtPct(x, 1), help: "bars with a position" },
  { key: "finalEquity", label: "Final equity", value: (r) => r.finalEquity, format: fmtMoney, help: "cash plus positions at the last close" },
  { key: "initialCash", label: "Initial cash", value: (r) => r.initialCash, format: fmtMoney, help: "starting cash" },
  { key: "totalCommission", label: "Commission", value: (r) => r.totalCommission, format: fmtMoney, help: "paid in total" },
  { key: "rejections", label: "Rejected orders", value: (r) => r.rejections.length, format: fmtInt, help: "denied by pre-trade checks" },
  { key: "bars", label: "Bars", value: (r) => r.bars, format: fmtInt, help: "bars replayed" },
  { key: "elapsedMs", label: "Engine time", value: (r) => r.elapsedMs, format: fmtMs, help: "stepping the engine in the worker" },
];

/** The statistics, each value's full precision in data-value. */
export function renderStats(container: HTMLElement, r: BacktestReport): void {
  container.replaceChildren(...STATS.map((s) => {
    const v = s.value(r);
    const tone = s.signed && v !== 0 ? (v > 0 ? "pos" : "neg") : "";
    return h("div", { className: "stat" },
      h("dt", { title: s.help }, s.label),
      h("dd", { "data-testid": `stat-${s.key}`, "data-value": String(v), className: tone }, s.format(v)));
  }));
}

/** Most rows the trade table draws; the CSV export always has them all. */
const MAX_ROWS = 2000;

export function renderTrades(
  table: HTMLTableElement,
  note: HTMLElement,
  trades: readonly TradeRecord[],
  onFocus: (t: TradeRecord) => void,
): void {
  const body = table.tBodies[0];
  const shown = trades.slice(0, MAX_ROWS);
  body.replaceChildren(...shown.map((t, i) => {
    const tone = t.pnl > 0 ? "pos" : t.pnl < 0 ? "neg" : "";
    const go = h("button", { type: "button", className: "link", "aria-label": `Show trade ${i + 1} on the chart` }, String(i + 1));
    go.addEventListener("click", () => onFocus(t));
    return h("tr", { "data-testid": "trade-row" },
      h("td", {}, go),
      h("td", {}, t.side),
      h("td", {}, fmtTime(t.entryTime)),
      h("td", {}, fmtTime(t.exitTime)),
      h("td", { className: "num" }, fmtInt(t.bars)),
      h("td", { className: "num" }, fmtInt(t.quantity)),
      h("td", { className: "num" }, fmtPrice(t.entryPrice)),
      h("td", { className: "num" }, fmtPrice(t.exitPrice)),
      h("td", { className: `num ${tone}`, "data-testid": "trade-pnl", "data-value": String(t.pnl) }, fmtMoney(t.pnl)),
      h("td", { className: `num ${tone}` }, fmtPct(t.returnPct)),
      h("td", { className: "reason", title: `${t.entryReason} → ${t.exitReason}` }, `${t.entryReason} → ${t.exitReason}`));
  }));
  note.textContent = trades.length === 0
    ? "No closed trades."
    : trades.length > MAX_ROWS
      ? `Showing the first ${fmtInt(MAX_ROWS)} of ${fmtInt(trades.length)} trades; the CSV export has them all.`
      : `${fmtInt(trades.length)} closed trade${trades.length === 1 ? "" : "s"}.`;
}

/** The orders the pre-trade checks denied: date, rule and the engine's reason. */
export function renderRejections(table: HTMLTableElement, note: HTMLElement, rejections: readonly Rejection[]): void {
  const shown = rejections.slice(0, MAX_ROWS);
  table.tBodies[0].replaceChildren(...shown.map((r, i) =>
    h("tr", { "data-testid": "rejection-row" },
      h("td", { className: "num" }, String(i + 1)),
      h("td", { "data-testid": "rejection-time", "data-value": String(r.time) }, fmtTime(r.time)),
      h("td", { "data-testid": "rejection-rule" }, r.rule),
      h("td", { className: "reason", title: r.reason }, r.reason))));
  note.textContent = rejections.length === 0
    ? "No orders were rejected."
    : rejections.length > MAX_ROWS
      ? `Showing the first ${fmtInt(MAX_ROWS)} of ${fmtInt(rejections.length)} rejected orders; the JSON export has them all.`
      : `${fmtInt(rejections.length)} rejected order${rejections.length === 1 ? "" : "s"}.`;
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

export function reportFileStem(r: BacktestReport): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_");
  return `backtest-${safe(r.symbol)}-${safe(r.strategy.name)}`;
}
