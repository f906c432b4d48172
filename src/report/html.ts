import type { TradeRecord } from "../portfolio/trades.ts";
import type { BacktestReport, Rejection, ResizedOrder } from "../backtest/types.ts";
import type { DroppedSignal } from "../core/signal.ts";
import type { AnalyzedReport, ReportAnalysis } from "./analysis.ts";
import {
  formatDate, formatDropCounts, formatElapsed, formatMoney, formatNumber, formatPercent, formatPrice, formatQuantity, formatStrategy,
  timeFormatter,
} from "./format.ts";

/**
 * The backtest report as one self-contained HTML page: inline CSS and SVG
 * only, no scripts, fonts or links, so it opens offline and can be mailed or
 * archived as a single file.
 */
export function renderReportHtml(report: AnalyzedReport): string {
  const strategy = formatStrategy(report.strategy.name, report.strategy.params);
  const { time, equity, drawdown } = report.equity;
  const a = report.analysis;
  const bench = a.benchmark;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Backtest ${report.symbol}: ${strategy}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(report.symbol)} <span class="muted">${escapeHtml(strategy)}</span></h1>
<p class="muted">${formatDate(report.start)} to ${formatDate(report.end)}, ${formatNumber(report.bars, 0)} bars</p>
</header>
${statsGrid(report)}
<section>
<h2>Equity${bench ? ` <span class="muted">and ${escapeHtml(bench.name)}</span>` : ""}</h2>
${bench ? `<p class="legend"><span class="key strategy"></span>Strategy <span class="key bench"></span>${escapeHtml(bench.name)}, scaled to the same starting equity</p>\n` : ""}${lineChart({ label: "Equity", time, values: equity, formatValue: moneyTick, area: false, benchmark: bench?.curve })}
</section>
<section>
<h2>Drawdown</h2>
${lineChart({ label: "Drawdown", time, values: drawdown, formatValue: percentTick, area: true })}
</section>
${bench ? benchmarkSection(bench) : ""}
${report.trades.length > 0 ? tradeStatsSection(a.trades) : ""}
${a.monthly.length > 0 ? monthlyTable(a) : ""}
${a.drawdowns.length > 0 ? drawdownTable(a) : ""}
${a.rolling.time.length > 0 ? rollingCharts(a) : ""}
${tradesTable(report.trades)}
${report.resized.length > 0 ? resizedTable(report.resized) : ""}
${report.rejections.length > 0 ? rejectionsTable(report.rejections) : ""}
${report.droppedSignals !== undefined && report.droppedSignals.length > 0 ? droppedTable(report.droppedSignals) : ""}
<footer class="muted">${footer(report)}</footer>
</body>
</html>
`;
}

function footer(r: BacktestReport): string {
  return `${formatNumber(r.bars, 0)} bars in ${formatElapsed(r.elapsedMs)} (${formatNumber(r.barsPerSecond, 0)} bars/s)`;
}

/** Text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #667085; --bg: #ffffff; --panel: #f5f7fa; --line: #2563eb;
  --dd: #dc2626; --grid: #e4e7ec; --pos: #15803d; --neg: #b91c1c; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #98a2b3; --bg: #111418; --panel: #1b2027;
  --line: #60a5fa; --dd: #f87171; --grid: #2b313a; --pos: #4ade80; --neg: #f87171; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg);
  max-width: 1040px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.muted { color: var(--muted); font-weight: normal; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin-top: 16px; }
.stat { background: var(--panel); border-radius: 6px; padding: 8px 10px; }
.stat .label { display: block; color: var(--muted); font-size: 12px; }
.stat .value { font-size: 16px; font-variant-numeric: tabular-nums; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart text { fill: var(--muted); font-size: 11px; }
svg.chart .grid { stroke: var(--grid); stroke-width: 1; }
svg.chart .series { fill: none; stroke: var(--line); stroke-width: 1.5; }
svg.chart.area .series { stroke: var(--dd); }
svg.chart .fill { fill: var(--dd); fill-opacity: 0.25; stroke: none; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--grid); text-align: left; white-space: nowrap; }
td.num, th.num { text-align: right; }
td.reason { white-space: normal; }
.pos { color: var(--pos); } .neg { color: var(--neg); }
footer { margin-top: 28px; font-size: 12px; }
svg.chart .bench { fill: none; stroke: var(--muted); stroke-width: 1.2; stroke-dasharray: 4 3; }
.legend { margin: 0 0 4px; font-size: 12px; color: var(--muted); }
.key { display: inline-block; width: 18px; height: 0; margin: 0 6px 3px 12px; vertical-align: middle; border-top: 2px solid var(--line); }
.key.strategy { margin-left: 0; } .key.bench { border-top: 2px dashed var(--muted); }
table.heat td { text-align: right; min-width: 44px; }
table.heat td.total { font-weight: 600; }
.h-3 { background: rgba(220, 38, 38, 0.55); } .h-2 { background: rgba(220, 38, 38, 0.33); } .h-1 { background: rgba(220, 38, 38, 0.14); }
.h1 { background: rgba(22, 163, 74, 0.14); } .h2 { background: rgba(22, 163, 74, 0.33); } .h3 { background: rgba(22, 163, 74, 0.55); }
.scale span { display: inline-block; padding: 1px 6px; margin-right: 2px; font-size: 11px; }
`;

function statsGrid(r: AnalyzedReport): string {
  return grid([
    ["Initial cash", formatMoney(r.initialCash)],
    ["Final equity", formatMoney(r.finalEquity)],
    ["Total return", formatPercent(r.totalReturn, 2, true), r.totalReturn],
    ["CAGR", formatPercent(r.cagr, 2, true), r.cagr],
    ["Sharpe", formatNumber(r.sharpe, 2)],
    ["Sortino", formatNumber(r.sortino, 2)],
    ["Volatility", formatPercent(r.analysis.volatility)],
    // Stored as a positive fraction; shown as the fall it is.
    ["Max drawdown", formatPercent(-r.maxDrawdown), -r.maxDrawdown],
    ["Trades", formatNumber(r.trades.length, 0)],
    ["Win rate", formatPercent(r.winRate)],
    ["Exposure", formatPercent(r.exposure)],
    ["Commissions", formatMoney(r.totalCommission)],
    ["Resized orders", formatNumber(r.resized.length, 0)],
    ["Rejections", formatNumber(r.rejections.length, 0)],
    ...(r.droppedSignals === undefined ? [] : [["Dropped signals", formatNumber(r.droppedSignals.length, 0)] as const]),
    ["Bars", formatNumber(r.bars, 0)],
    ["Bars/s", formatNumber(r.barsPerSecond, 0)],
  ]);
}

/** Labelled figures in tiles; a third element colours the value by its sign. */
function grid(stats: readonly (readonly [string, string, number?])[]): string {
  const cells = stats.map(([label, value, sign]) => `<div class="stat"><span class="label">${escapeHtml(label)}</span>` +
    `<span class="value${signClass(sign)}">${escapeHtml(value)}</span></div>`);
  return `<div class="stats">\n${cells.join("\n")}\n</div>`;
}

function benchmarkSection(b: NonNullable<ReportAnalysis["benchmark"]>): string {
  const num = (x: number | null) => formatNumber(x ?? NaN, 2);
  const pct = (x: number | null) => formatPercent(x ?? NaN, 2, true);
  return `<section>
<h2>Against ${escapeHtml(b.name)} <span class="muted">${formatDate(b.start)} to ${formatDate(b.end)}, ${formatNumber(b.bars, 0)} bars, risk-free 0</span></h2>
${grid([
    ["Benchmark return", pct(b.totalReturn), b.totalReturn],
    ["Benchmark CAGR", pct(b.cagr), b.cagr],
    ["Benchmark volatility", formatPercent(b.volatility)],
    ["Benchmark Sharpe", num(b.sharpe)],
    ["Benchmark max drawdown", formatPercent(-b.maxDrawdown), -b.maxDrawdown],
    ["Excess return", pct(b.excessReturn), b.excessReturn],
    ["Active premium (a year)", pct(b.activePremium), b.activePremium],
    ["Alpha (a year)", pct(b.annualizedAlpha), b.annualizedAlpha ?? undefined],
    ["Beta", num(b.beta)],
    ["Correlation", num(b.correlation)],
    ["Tracking error", formatPercent(b.trackingError ?? NaN)],
    ["Information ratio", num(b.informationRatio)],
  ])}
</section>`;
}

function tradeStatsSection(s: ReportAnalysis["trades"]): string {
  const money = (x: number | null) => formatMoney(x ?? NaN);
  return `<section>
<h2>Trade statistics <span class="muted">P&amp;L after commissions</span></h2>
${grid([
    ["Profit factor", formatNumber(s.profitFactor ?? NaN, 2)],
    ["Expectancy", money(s.expectancy), s.expectancy ?? undefined],
    ["Average win", money(s.averageWin), s.averageWin ?? undefined],
    ["Average loss", money(s.averageLoss), s.averageLoss ?? undefined],
    ["Largest win", money(s.largestWin), s.largestWin ?? undefined],
    ["Largest loss", money(s.largestLoss), s.largestLoss ?? undefined],
    ["Average bars held", formatNumber(s.averageBars ?? NaN, 1)],
    ["Longest win streak", formatNumber(s.longestWinStreak, 0)],
    ["Longest loss streak", formatNumber(s.longestLossStreak, 0)],
  ])}
</section>`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Monthly returns as a calendar heat table: red for losses, green for
 * gains, three shades each by the size against the largest month, with the
 * scale shown; the year's and the benchmark's return close each row.
 */
function monthlyTable(a: ReportAnalysis): string {
  const largest = a.monthly.reduce((m, x) => Math.max(m, Math.abs(x.return)), 0);
  const level = (r: number) => (largest > 0 && r !== 0 ? Math.sign(r) * Math.max(1, Math.ceil((Math.abs(r) / largest) * 3)) : 0);
  const pct = (r: number) => formatNumber(r * 100, 1);
  const withBench = a.benchmark !== null;
  const rows = a.yearly.map((y) => {
    const cells = MONTHS.map((_, m) => {
      const x = a.monthly.find((v) => v.year === y.year && v.month === m + 1);
      if (!x) return "<td></td>";
      const h = level(x.return);
      return `<td${h !== 0 ? ` class="h${h}"` : ""} title="${y.year}-${String(m + 1).padStart(2, "0")}: ${escapeHtml(formatPercent(x.return, 2, true))}">${pct(x.return)}</td>`;
    });
    const bench = withBench ? `<td class="total">${y.benchmark === null ? "" : pct(y.benchmark)}</td>` : "";
    return `<tr><th>${y.year}</th>${cells.join("")}<td class="total${signClass(y.return)}">${pct(y.return)}</td>${bench}</tr>`;
  });
  const head = `<tr><th></th>${MONTHS.map((m) => `<th class="num">${m}</th>`).join("")}<th class="num">Year</th>${withBench ? '<th class="num">Bench</th>' : ""}</tr>`;
  // Each shade covers a third of the largest month, in percent: -9.4 … -6.3, …, 6.3 … 9.4.
  const edge = (k: number) => formatNumber((k * largest * 100) / 3, 1);
  const scale = [-3, -2, -1, 1, 2, 3].map((k) => `<span class="h${k}">${k < 0 ? `${edge(k)} … ${edge(k + 1)}` : `${edge(k - 1)} … ${edge(k)}`}</span>`).join("");
  return `<section>
<h2>Monthly returns <span class="muted">%${withBench ? `; Bench: ${escapeHtml(a.benchmark!.name)}` : ""}</span></h2>
<table class="heat">
<thead>${head}</thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
<p class="legend scale">${scale}</p>
</section>`;
}

function drawdownTable(a: ReportAnalysis): string {
  const rows = a.drawdowns.map((d, i) => [
    num(String(i + 1)), num(formatPercent(d.depth), d.depth), td(formatDate(d.start)), td(formatDate(d.trough)),
    td(d.end === null ? "not recovered" : formatDate(d.end)), num(formatNumber(d.length, 0)), num(formatNumber(d.toTrough, 0)),
    num(d.recovery === null ? "" : formatNumber(d.recovery, 0)),
  ]);
  const header = ["#", "Depth", "Start", "Trough", "Recovered", "Bars", "To trough", "To recover"];
  const table = htmlTable(header, new Set(["#", "Depth", "Bars", "To trough", "To recover"]), rows);
  return `<section>\n<h2>Worst drawdowns <span class="muted">PerformanceAnalytics table.Drawdowns; lengths in bars</span></h2>\n${table}\n</section>`;
}

function rollingCharts(a: ReportAnalysis): string {
  const { window, time, sharpe, volatility } = a.rolling;
  return `<section>
<h2>Rolling Sharpe <span class="muted">${window} bars, annualized</span></h2>
${lineChart({ label: "Rolling Sharpe", time, values: sharpe, formatValue: moneyTick, area: false, maxPoints: ROLLING_POINTS })}
</section>
<section>
<h2>Rolling volatility <span class="muted">${window} bars, annualized</span></h2>
${lineChart({ label: "Rolling volatility", time, values: volatility, formatValue: percentTick, area: false, maxPoints: ROLLING_POINTS })}
</section>`;
}

function resizedTable(resized: readonly ResizedOrder[]): string {
  const when = timeFormatter(resized.map((r) => r.time));
  const rows = resized.map((r, i) => [
    num(String(i + 1)), td(when(r.time)), td(r.symbol), num(formatQuantity(r.requested)), num(formatQuantity(r.filled)),
    num(formatPrice(r.lastClose)), num(formatPrice(r.price)), num(formatPercent(r.price / r.lastClose - 1, 2, true)),
  ]);
  const header = ["#", "Time", "Symbol", "Asked", "Filled", "Last close", "Fill price", "Change"];
  const table = htmlTable(header, new Set(["#", "Asked", "Filled", "Last close", "Fill price", "Change"]), rows);
  return `<section>\n<h2>Resized orders (${formatNumber(resized.length, 0)}) <span class="muted">buys sized at the last close that cash at the fill price could not pay in full</span></h2>\n${table}\n</section>`;
}

/** " pos" / " neg" for a signed figure, "" when there is none or it is zero. */
function signClass(x: number | undefined): string {
  if (x === undefined || !(x > 0 || x < 0)) return "";
  return x > 0 ? " pos" : " neg";
}

function tradesTable(trades: readonly TradeRecord[]): string {
  if (trades.length === 0) return `<section>\n<h2>Trades</h2>\n<p class="muted">No trades.</p>\n</section>`;
  const when = timeFormatter(trades.flatMap((t) => [t.entryTime, t.exitTime]));
  const rows = trades.map((t, i) => [
    num(String(i + 1)), td(t.side), td(when(t.entryTime)), td(when(t.exitTime)), num(formatNumber(t.bars, 0)),
    num(formatQuantity(t.quantity)), num(formatPrice(t.entryPrice)), num(formatPrice(t.exitPrice)),
    num(formatMoney(t.pnl), t.pnl), num(formatPercent(t.returnPct, 2, true), t.returnPct), num(formatMoney(t.commission)),
    td(t.entryReason, "reason"), td(t.exitReason, "reason"),
  ]);
  const header = ["#", "Side", "Entry", "Exit", "Bars", "Qty", "Entry price", "Exit price", "P&L", "Return", "Commission",
    "Entry reason", "Exit reason"];
  const numeric = new Set(["#", "Bars", "Qty", "Entry price", "Exit price", "P&L", "Return", "Commission"]);
  return `<section>\n<h2>Trades (${formatNumber(trades.length, 0)})</h2>\n${htmlTable(header, numeric, rows)}\n</section>`;
}

function rejectionsTable(rejections: readonly Rejection[]): string {
  const when = timeFormatter(rejections.map((r) => r.time));
  const rows = rejections.map((r, i) => [
    num(String(i + 1)), td(when(r.time)), td(r.symbol), td(r.rule), td(r.reason, "reason"),
  ]);
  const table = htmlTable(["#", "Time", "Symbol", "Rule", "Reason"], new Set(["#"]), rows);
  return `<section>\n<h2>Risk rejections (${formatNumber(rejections.length, 0)})</h2>\n${table}\n</section>`;
}

/** Every signal the signal layer dropped, with its reason and the figures behind it. */
function droppedTable(dropped: readonly DroppedSignal[]): string {
  const when = timeFormatter(dropped.flatMap((d) => [d.time, d.signalTime]));
  const rows = dropped.map((d, i) => [
    num(String(i + 1)), td(when(d.time)), td(d.symbol), td(d.strategy), td(d.direction), num(formatNumber(d.confidence, 2)),
    td(when(d.signalTime)), td(d.reason), td(d.detail, "reason"),
  ]);
  const header = ["#", "Time", "Symbol", "Strategy", "Signal", "Confidence", "Signalled", "Reason", "Detail"];
  const table = htmlTable(header, new Set(["#", "Confidence"]), rows);
  return `<section>\n<h2>Dropped signals (${formatNumber(dropped.length, 0)}) <span class="muted">${escapeHtml(formatDropCounts(dropped))}</span></h2>\n${table}\n</section>`;
}

function htmlTable(header: readonly string[], numeric: ReadonlySet<string>, rows: readonly string[][]): string {
  const head = header.map((h) => `<th${numeric.has(h) ? ' class="num"' : ""}>${escapeHtml(h)}</th>`).join("");
  const body = rows.map((cells) => `<tr>${cells.join("")}</tr>`).join("\n");
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function td(text: string, cls?: string): string {
  return `<td${cls ? ` class="${cls}"` : ""}>${escapeHtml(text)}</td>`;
}

function num(text: string, sign?: number): string {
  return `<td class="num${signClass(sign)}">${escapeHtml(text)}</td>`;
}

// ---- charts ----

/** Most points a chart's polyline gets: plenty for a 960 px wide plot, small enough for a 5,000+ bar run. */
export const MAX_CHART_POINTS = 1500;
/** Rolling figures are context, not the main curve: half the points keep the file small. */
const ROLLING_POINTS = MAX_CHART_POINTS / 2;

const WIDTH = 960;
const HEIGHT = 260;
// The right margin leaves room for half of a date label on the last tick.
const MARGIN = { top: 12, right: 40, bottom: 28, left: 80 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

interface ChartSpec {
  readonly label: string;
  readonly time: readonly number[];
  readonly values: readonly number[];
  readonly formatValue: (v: number, step: number) => string;
  /** Shade between the line and zero (drawdown, which the engine stores as equity / peak - 1 <= 0). */
  readonly area: boolean;
  /** Most points per line (default MAX_CHART_POINTS). */
  readonly maxPoints?: number;
  /** A second line on the same axes, dashed (the benchmark beside the equity). */
  readonly benchmark?: { readonly time: readonly number[]; readonly equity: readonly number[] };
}

function lineChart({ label, time, values, formatValue, area, benchmark, maxPoints = MAX_CHART_POINTS }: ChartSpec): string {
  const kept = downsampleMinMax(values, maxPoints).filter((i) => Number.isFinite(time[i]));
  if (kept.length === 0) return `<p class="muted">No ${escapeHtml(label.toLowerCase())} data.</p>`;
  const t0 = time[kept[0]];
  const t1 = time[kept[kept.length - 1]];
  // The benchmark's points within the run's time span, drawn on the same axes.
  const other = benchmark ? downsampleMinMax(benchmark.equity, maxPoints).filter((i) => benchmark.time[i] >= t0 && benchmark.time[i] <= t1) : [];
  const all = [...kept.map((i) => values[i]), ...other.map((i) => benchmark!.equity[i])];
  let lo = all.reduce((m, v) => Math.min(m, v), Infinity);
  let hi = all.reduce((m, v) => Math.max(m, v), -Infinity);
  if (area) hi = Math.max(hi, 0);
  if (lo === hi) {
    // A flat series still needs a value range to draw in.
    const pad = lo === 0 ? 0.01 : Math.abs(lo) * 0.01;
    lo -= area ? 2 * pad : pad;
    hi += area ? 0 : pad;
  }
  const yTicks = niceTicks(lo, hi, 5);
  lo = Math.min(lo, yTicks.values[0]);
  hi = Math.max(hi, yTicks.values[yTicks.values.length - 1]);
  const x = (t: number) => MARGIN.left + (t1 > t0 ? ((t - t0) / (t1 - t0)) * PLOT_W : PLOT_W / 2);
  const y = (v: number) => MARGIN.top + ((hi - v) / (hi - lo)) * PLOT_H;

  const parts: string[] = [];
  for (const v of yTicks.values) {
    const py = y(v).toFixed(1);
    parts.push(`<line class="grid" x1="${MARGIN.left}" y1="${py}" x2="${WIDTH - MARGIN.right}" y2="${py}"></line>`);
    const text = escapeHtml(formatValue(v, yTicks.step));
    parts.push(`<text x="${MARGIN.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${text}</text>`);
  }
  // Ticks no closer than the bars themselves: daily bars get dates, not hours.
  const barSpacing = kept.length > 1 ? (time[time.length - 1] - time[0]) / (time.length - 1) : 0;
  for (const tick of timeTicks(t0, t1, 12, barSpacing)) {
    const px = x(tick.time).toFixed(1);
    parts.push(`<line class="grid" x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${HEIGHT - MARGIN.bottom}"></line>`);
    parts.push(`<text x="${px}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeHtml(tick.label)}</text>`);
  }
  const points = kept.map((i) => `${x(time[i]).toFixed(1)},${y(values[i]).toFixed(1)}`);
  if (area) {
    const base = y(0).toFixed(1);
    const first = x(t0).toFixed(1);
    const last = x(t1).toFixed(1);
    parts.push(`<polygon class="fill" points="${first},${base} ${points.join(" ")} ${last},${base}"></polygon>`);
  }
  if (other.length > 0) {
    const line = other.map((i) => `${x(benchmark!.time[i]).toFixed(1)},${y(benchmark!.equity[i]).toFixed(1)}`);
    parts.push(`<polyline class="bench" points="${line.join(" ")}"></polyline>`);
  }
  parts.push(`<polyline class="series" points="${points.join(" ")}"></polyline>`);
  const cls = area ? "chart area" : "chart";
  return `<svg class="${cls}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)} chart">\n` +
    `<title>${escapeHtml(label)}</title>\n${parts.join("\n")}\n</svg>`;
}

function moneyTick(v: number, step: number): string {
  return formatNumber(v, decimalsFor(step));
}

function percentTick(v: number, step: number): string {
  return formatPercent(v, decimalsFor(step * 100));
}

/** Enough decimals to tell ticks `step` apart. */
function decimalsFor(step: number): number {
  return Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9)));
}

/**
 * Indices of the points to draw: all of them up to `maxPoints`, else the
 * first and last plus the minimum and maximum of each of (maxPoints - 2) / 2
 * equal buckets, in order, so peaks and troughs (the drawdown's worst point
 * included) survive the thinning. Non-finite values are skipped.
 */
export function downsampleMinMax(values: readonly number[], maxPoints: number): number[] {
  const n = values.length;
  if (n <= maxPoints) {
    const all: number[] = [];
    for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) all.push(i);
    return all;
  }
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const inner = n - 2;
  const out: number[] = [];
  if (Number.isFinite(values[0])) out.push(0);
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    let iMin = -1;
    let iMax = -1;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (iMin < 0 || v < values[iMin]) iMin = i;
      if (iMax < 0 || v > values[iMax]) iMax = i;
    }
    if (iMin < 0) continue;
    if (iMin === iMax) out.push(iMin);
    else out.push(Math.min(iMin, iMax), Math.max(iMin, iMax));
  }
  if (Number.isFinite(values[n - 1])) out.push(n - 1);
  return out;
}

/** About `count` round tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
function niceTicks(lo: number, hi: number, count: number): { values: number[]; step: number } {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const values: number[] = [];
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  // Multiply rather than accumulate so 0.1-sized steps do not drift (0.30000000000000004).
  for (let k = first; k <= last; k++) values.push(k * step);
  return { values, step };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FIXED_STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY];
const MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200];
const MONTH = 30.44 * DAY;

/**
 * At most `maxTicks` date ticks within [t0, t1] on calendar boundaries (UTC),
 * at least `minStep` ms apart: minutes to fortnights at multiples of the
 * step, months and years at the first of a month, labelled as coarsely as
 * the step allows.
 */
export function timeTicks(t0: number, t1: number, maxTicks: number, minStep = 0): { time: number; label: string }[] {
  const span = t1 - t0;
  if (!(span > 0)) return [{ time: t0, label: formatDate(t0) }];
  // 0.9: bar spacing is an average, and a day of bars may straddle a daylight-saving hour.
  const fixed = FIXED_STEPS.find((step) => span / step <= maxTicks && step >= 0.9 * minStep);
  if (fixed !== undefined) {
    const ticks: { time: number; label: string }[] = [];
    for (let t = Math.ceil(t0 / fixed) * fixed; t <= t1; t += fixed) {
      const iso = new Date(t).toISOString();
      const label = fixed >= DAY ? iso.slice(0, 10) : span > DAY ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
      ticks.push({ time: t, label });
    }
    return ticks;
  }
  const months = MONTH_STEPS.find((m) => span / (m * MONTH) <= maxTicks && m * MONTH >= 0.9 * minStep) ??
    MONTH_STEPS[MONTH_STEPS.length - 1];
  const d = new Date(t0);
  let index = d.getUTCFullYear() * 12 + d.getUTCMonth();
  if (t0 > Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)) index++;
  index = Math.ceil(index / months) * months;
  const ticks: { time: number; label: string }[] = [];
  for (;; index += months) {
    const year = Math.floor(index / 12);
    const month = index % 12;
    const t = Date.UTC(year, month, 1);
    if (t > t1) break;
    const label = months % 12 === 0 ? String(year) : `${year}-${String(month + 1).padStart(2, "0")}`;
    ticks.push({ time: t, label });
  }
  return ticks;
}
