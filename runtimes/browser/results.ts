// The report as the page shows it: the statistics, the analysis (benchmark,
// trade statistics, monthly returns, drawdowns) and the trade, rejection,
// dropped-signal and resized-order lists (a page of rows at a time).
import type { TradeRecord } from "../../src/portfolio/trades.ts";
import type { Rejection, ResizedOrder } from "../../src/backtest/types.ts";
import type { DroppedSignal } from "../../src/core/signal.ts";
import { formatDropCounts } from "../../src/report/format.ts";
import type { ReportAnalysis } from "../../src/report/analysis.ts";
import { h, PAGE_ROWS, pagedRows } from "./dom.ts";
import type { PageReport } from "./protocol.ts";
import { fmtInt, fmtMoney, fmtMs, fmtNum, fmtPct, fmtPrice, fmtTime } from "./format.ts";

interface Stat<R = PageReport> {
  readonly key: string;
  readonly label: string;
  readonly value: (r: R) => number | null;
  readonly format: (x: number) => string;
  readonly help: string;
  /** Colour the value by its sign. */
  readonly signed?: boolean;
  /** Shown only for reports this holds for. */
  readonly when?: (r: R) => boolean;
}

const STATS: readonly Stat[] = [
  { key: "totalReturn", label: "Total return", value: (r) => r.totalReturn, format: (x) => fmtPct(x), help: "final equity / initial cash − 1", signed: true },
  { key: "cagr", label: "CAGR", value: (r) => r.cagr, format: (x) => fmtPct(x), help: "compound annual growth rate", signed: true },
  { key: "sharpe", label: "Sharpe", value: (r) => r.sharpe, format: (x) => fmtNum(x, 3), help: "annualized, risk-free 0, sample sd", signed: true },
  { key: "sortino", label: "Sortino", value: (r) => r.sortino, format: (x) => fmtNum(x, 3), help: "annualized, MAR 0", signed: true },
  { key: "volatility", label: "Volatility", value: (r) => r.analysis.volatility, format: (x) => fmtPct(x), help: "annualized sd of the bar returns" },
  { key: "maxDrawdown", label: "Max drawdown", value: (r) => r.maxDrawdown, format: (x) => fmtPct(x), help: "largest peak-to-trough fall" },
  { key: "winRate", label: "Win rate", value: (r) => r.winRate, format: (x) => fmtPct(x, 1), help: "closed trades with a profit" },
  { key: "trades", label: "Trades", value: (r) => r.trades.length, format: fmtInt, help: "closed round trips" },
  { key: "exposure", label: "Exposure", value: (r) => r.exposure, format: (x) => fmtPct(x, 1), help: "bars with a position" },
  { key: "finalEquity", label: "Final equity", value: (r) => r.finalEquity, format: fmtMoney, help: "cash plus positions at the last close" },
  { key: "initialCash", label: "Initial cash", value: (r) => r.initialCash, format: fmtMoney, help: "starting cash" },
  { key: "totalCommission", label: "Commission", value: (r) => r.totalCommission, format: fmtMoney, help: "paid in total" },
  { key: "resized", label: "Resized orders", value: (r) => r.resized.length, format: fmtInt, help: "buys cash at the fill paid only in part" },
  { key: "rejections", label: "Rejected orders", value: (r) => r.rejections.length, format: fmtInt, help: "denied by pre-trade checks" },
  {
    key: "droppedSignals", label: "Dropped signals", value: (r) => r.droppedSignals?.length ?? null, format: fmtInt,
    help: "signals the combination or the memory filter did not act on", when: (r) => r.droppedSignals !== undefined,
  },
  { key: "bars", label: "Bars", value: (r) => r.bars, format: fmtInt, help: "bars replayed" },
  { key: "elapsedMs", label: "Engine time", value: (r) => r.elapsedMs, format: fmtMs, help: "stepping the engine in the worker" },
];

/** The statistics, each value's full precision in data-value. */
export function renderStats(container: HTMLElement, r: PageReport): void {
  renderTiles(container, STATS, r, "stat");
}

/** Stat tiles (dt, dd) with test ids `${prefix}-${key}`; an undefined figure (null) shows a dash and data-value "null". */
function renderTiles<R>(container: HTMLElement, stats: readonly Stat<R>[], r: R, prefix: string): void {
  container.replaceChildren(...stats.filter((s) => s.when?.(r) ?? true).map((s) => {
    const v = s.value(r);
    const tone = s.signed && v !== null && v !== 0 ? (v > 0 ? "pos" : "neg") : "";
    return h("div", { className: "stat" },
      h("dt", { title: s.help }, s.label),
      h("dd", { "data-testid": `${prefix}-${s.key}`, "data-value": String(v), className: tone }, v === null ? "—" : s.format(v)));
  }));
}

type BenchmarkFigures = NonNullable<PageReport["analysis"]["benchmark"]>;

const BENCHMARK_STATS: readonly Stat<BenchmarkFigures>[] = [
  { key: "totalReturn", label: "Benchmark return", value: (b) => b.totalReturn, format: (x) => fmtPct(x), help: "over the bars shared with the run", signed: true },
  { key: "cagr", label: "Benchmark CAGR", value: (b) => b.cagr, format: (x) => fmtPct(x), help: "compound annual growth rate", signed: true },
  { key: "maxDrawdown", label: "Benchmark max drawdown", value: (b) => b.maxDrawdown, format: (x) => fmtPct(x), help: "largest peak-to-trough fall" },
  { key: "excessReturn", label: "Excess return", value: (b) => b.excessReturn, format: (x) => fmtPct(x), help: "strategy total return − benchmark's", signed: true },
  { key: "activePremium", label: "Active premium", value: (b) => b.activePremium, format: (x) => fmtPct(x), help: "annualized return difference (PerformanceAnalytics ActivePremium)", signed: true },
  { key: "annualizedAlpha", label: "Alpha (a year)", value: (b) => b.annualizedAlpha, format: (x) => fmtPct(x), help: "(1 + CAPM.alpha per bar)^bars a year − 1, risk-free 0", signed: true },
  { key: "beta", label: "Beta", value: (b) => b.beta, format: (x) => fmtNum(x, 3), help: "CAPM.beta: cov(strategy, benchmark) / var(benchmark)" },
  { key: "correlation", label: "Correlation", value: (b) => b.correlation, format: (x) => fmtNum(x, 3), help: "of the bar returns" },
  { key: "trackingError", label: "Tracking error", value: (b) => b.trackingError, format: (x) => fmtPct(x), help: "annualized sd of the return difference" },
  { key: "informationRatio", label: "Information ratio", value: (b) => b.informationRatio, format: (x) => fmtNum(x, 3), help: "active premium / tracking error", signed: true },
];

/** The comparison with the benchmark (buy and hold of the series; none for a run of several). */
export function renderBenchmark(container: HTMLElement, note: HTMLElement, a: PageReport["analysis"], severalSeries = false): void {
  const b = a.benchmark;
  note.textContent = b === null
    ? severalSeries
      ? "No benchmark: a run of several series has no one series to buy and hold (as nt backtest with several --data files and no --benchmark)."
      : "No benchmark: the series is too short to compare."
    : `${b.name}, ${fmtTime(b.start)} → ${fmtTime(b.end)} (${fmtInt(b.bars)} bars); R PerformanceAnalytics conventions, risk-free 0.`;
  if (b === null) container.replaceChildren();
  else renderTiles(container, BENCHMARK_STATS, b, "bench");
}

const TRADE_STATS: readonly Stat<ReportAnalysis["trades"]>[] = [
  { key: "profitFactor", label: "Profit factor", value: (s) => s.profitFactor, format: (x) => fmtNum(x, 2), help: "gross profit / gross loss" },
  { key: "expectancy", label: "Expectancy", value: (s) => s.expectancy, format: fmtMoney, help: "mean P&L per trade", signed: true },
  { key: "averageWin", label: "Average win", value: (s) => s.averageWin, format: fmtMoney, help: "mean P&L of the winning trades", signed: true },
  { key: "averageLoss", label: "Average loss", value: (s) => s.averageLoss, format: fmtMoney, help: "mean P&L of the losing trades", signed: true },
  { key: "largestWin", label: "Largest win", value: (s) => s.largestWin, format: fmtMoney, help: "best trade", signed: true },
  { key: "largestLoss", label: "Largest loss", value: (s) => s.largestLoss, format: fmtMoney, help: "worst trade", signed: true },
  { key: "averageBars", label: "Average bars held", value: (s) => s.averageBars, format: (x) => fmtNum(x, 1), help: "bars from entry to exit" },
  { key: "longestWinStreak", label: "Longest win streak", value: (s) => s.longestWinStreak, format: fmtInt, help: "winning trades in a row" },
  { key: "longestLossStreak", label: "Longest loss streak", value: (s) => s.longestLossStreak, format: fmtInt, help: "losing trades in a row" },
];

export function renderTradeStats(container: HTMLElement, a: PageReport["analysis"]): void {
  renderTiles(container, TRADE_STATS, a.trades, "tstat");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Monthly returns as a calendar heat table, as in the HTML report: red
 * losses, green gains, three shades each by size against the largest month
 * (the legend states the bands), then the year's and the benchmark's return.
 */
export function renderMonthly(table: HTMLTableElement, legend: HTMLElement, a: PageReport["analysis"]): void {
  const largest = a.monthly.reduce((m, x) => Math.max(m, Math.abs(x.return)), 0);
  const level = (r: number) => (largest > 0 && r !== 0 ? Math.sign(r) * Math.max(1, Math.ceil((Math.abs(r) / largest) * 3)) : 0);
  // A tiny loss prints as 0.0, not -0.0.
  const pct = (r: number | null) => (r === null ? "" : (r * 100).toFixed(1).replace(/^-(0\.0)$/, "$1"));
  const byMonth = new Map(a.monthly.map((m) => [m.year * 12 + m.month - 1, m.return]));
  const withBench = a.benchmark !== null;
  table.tHead!.replaceChildren(h("tr", {}, h("th", { scope: "col" }, ""), ...MONTHS.map((m) => h("th", { scope: "col", className: "num" }, m)),
    h("th", { scope: "col", className: "num" }, "Year"), withBench ? h("th", { scope: "col", className: "num", title: a.benchmark!.name }, "Bench") : null));
  table.tBodies[0].replaceChildren(...a.yearly.map((y) => h("tr", {},
    h("th", { scope: "row" }, String(y.year)),
    ...MONTHS.map((_, m) => {
      const r = byMonth.get(y.year * 12 + m);
      if (r === undefined) return h("td", {});
      return h("td", { className: `num h${level(r)}`, "data-testid": "month-cell", "data-value": String(r), title: `${y.year}-${String(m + 1).padStart(2, "0")}: ${fmtPct(r)}` }, pct(r));
    }),
    h("td", { className: `num total ${y.return > 0 ? "pos" : y.return < 0 ? "neg" : ""}`, "data-testid": "year-return", "data-value": String(y.return) }, pct(y.return)),
    withBench ? h("td", { className: "num total", "data-value": String(y.benchmark) }, pct(y.benchmark)) : null)));
  const edge = (k: number) => ((k * largest * 100) / 3).toFixed(1);
  legend.replaceChildren("Colour scale, % a month: ", ...[-3, -2, -1, 1, 2, 3].map((k) =>
    h("span", { className: `swatch h${k}` }, k < 0 ? `${edge(k)} … ${edge(k + 1)}` : `${edge(k - 1)} … ${edge(k)}`)));
}

/** The worst drawdowns (PerformanceAnalytics table.Drawdowns; lengths in bars). */
export function renderDrawdowns(table: HTMLTableElement, a: PageReport["analysis"]): void {
  table.tBodies[0].replaceChildren(...a.drawdowns.map((d, i) => h("tr", { "data-testid": "drawdown-row" },
    h("td", { className: "num" }, String(i + 1)),
    h("td", { className: "num neg", "data-testid": "drawdown-depth", "data-value": String(d.depth) }, fmtPct(d.depth)),
    h("td", {}, fmtTime(d.start)),
    h("td", {}, fmtTime(d.trough)),
    h("td", {}, d.end === null ? "not recovered" : fmtTime(d.end)),
    h("td", { className: "num" }, fmtInt(d.length)),
    h("td", { className: "num" }, fmtInt(d.toTrough)),
    h("td", { className: "num" }, d.recovery === null ? "" : fmtInt(d.recovery)))));
}

/** Buys sized at the last close that cash at the fill price paid only in part, with the prices that explain it. */
export function renderResized(table: HTMLTableElement, pager: HTMLElement, note: HTMLElement, resized: readonly ResizedOrder[], decimals: number): void {
  note.textContent = resized.length === 0
    ? "No order was resized: cash at each fill paid for the whole order."
    : `${fmtInt(resized.length)} buy${resized.length === 1 ? " was" : "s were"} sized at the last close; at the fill price cash paid for fewer units. These are not risk rejections.`;
  pagedRows(table, pager, resized, (r, i) => h("tr", { "data-testid": "resized-row" },
    h("td", { className: "num" }, String(i + 1)),
    h("td", {}, fmtTime(r.time)),
    h("td", { className: "num" }, fmtInt(r.requested)),
    h("td", { className: "num", "data-testid": "resized-filled", "data-value": String(r.filled) }, fmtInt(r.filled)),
    h("td", { className: "num" }, fmtPrice(r.lastClose, decimals)),
    h("td", { className: "num" }, fmtPrice(r.price, decimals)),
    h("td", { className: "num" }, fmtPct(r.price / r.lastClose - 1))));
}

export function renderTrades(
  table: HTMLTableElement,
  pager: HTMLElement,
  note: HTMLElement,
  trades: readonly TradeRecord[],
  decimals: number,
  onFocus: (t: TradeRecord) => void,
  /** A run of several series (a pair, mirror): each trade's symbol in a last column. */
  symbols = false,
): void {
  note.textContent = trades.length === 0
    ? "No closed trades."
    : `${fmtInt(trades.length)} closed trade${trades.length === 1 ? "" : "s"}${trades.length > PAGE_ROWS ? `, ${PAGE_ROWS} to a page; the CSV export has them all` : ""}.`;
  pagedRows(table, pager, trades, (t, i) => {
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
      h("td", { className: "num" }, fmtPrice(t.entryPrice, decimals)),
      h("td", { className: "num" }, fmtPrice(t.exitPrice, decimals)),
      h("td", { className: `num ${tone}`, "data-testid": "trade-pnl", "data-value": String(t.pnl) }, fmtMoney(t.pnl)),
      h("td", { className: `num ${tone}` }, fmtPct(t.returnPct)),
      h("td", { className: "reason", title: `${t.entryReason} → ${t.exitReason}` }, `${t.entryReason} → ${t.exitReason}`),
      symbols ? h("td", { "data-testid": "trade-symbol" }, t.symbol) : null);
  });
}

/** The orders the pre-trade checks denied: date, rule and the engine's reason. */
export function renderRejections(table: HTMLTableElement, pager: HTMLElement, note: HTMLElement, rejections: readonly Rejection[]): void {
  note.textContent = rejections.length === 0
    ? "No orders were rejected."
    : `${fmtInt(rejections.length)} rejected order${rejections.length === 1 ? "" : "s"}${rejections.length > PAGE_ROWS ? `, ${PAGE_ROWS} to a page; the JSON export has them all` : ""}.`;
  pagedRows(table, pager, rejections, (r, i) =>
    h("tr", { "data-testid": "rejection-row" },
      h("td", { className: "num" }, String(i + 1)),
      h("td", { "data-testid": "rejection-time", "data-value": String(r.time) }, fmtTime(r.time)),
      h("td", { "data-testid": "rejection-rule" }, r.rule),
      h("td", { className: "reason", title: r.reason }, r.reason)));
}

/**
 * The signals the signal layer did not act on (a combination's rules, the
 * memory filter's vetoes), each with its reason and the figures behind it,
 * as the CLI's report lists them; `dropped` is absent for a run without one.
 */
export function renderDropped(table: HTMLTableElement, pager: HTMLElement, note: HTMLElement, dropped: readonly DroppedSignal[] | undefined): void {
  const list = dropped ?? [];
  note.textContent = dropped === undefined
    ? "This run has no signal layer: combine strategies or turn on the memory filter to see the signals it drops."
    : dropped.length === 0
      ? "No signal was dropped: every signal was acted on."
      : `${fmtInt(dropped.length)} signal${dropped.length === 1 ? "" : "s"} dropped (${formatDropCounts(dropped)})` +
        `${dropped.length > PAGE_ROWS ? `, ${PAGE_ROWS} to a page; the JSON export has them all` : ""}.`;
  pagedRows(table, pager, list, (d, i) =>
    h("tr", { "data-testid": "dropped-row" },
      h("td", { className: "num" }, String(i + 1)),
      h("td", { "data-testid": "dropped-time", "data-value": String(d.time) }, fmtTime(d.time)),
      h("td", { "data-testid": "dropped-strategy" }, d.strategy),
      h("td", { "data-testid": "dropped-direction" }, d.direction),
      h("td", { className: "num", "data-testid": "dropped-confidence", "data-value": String(d.confidence) }, fmtNum(d.confidence, 2)),
      h("td", { "data-testid": "dropped-signal-time", "data-value": String(d.signalTime) }, fmtTime(d.signalTime)),
      h("td", { "data-testid": "dropped-reason" }, d.reason),
      h("td", { className: "detail", "data-testid": "dropped-detail" }, d.detail)));
}
