import type { TradeRecord } from "../portfolio/trades.ts";
import type { BacktestReport, Rejection } from "../backtest/types.ts";
import {
  formatDate, formatElapsed, formatMoney, formatNumber, formatPercent, formatPrice, formatQuantity, formatStrategy,
  timeFormatter,
} from "./format.ts";

/**
 * The backtest report as one self-contained HTML page: inline CSS and SVG
 * only, no scripts, fonts or links, so it opens offline and can be mailed or
 * archived as a single file.
 */
export function renderReportHtml(report: BacktestReport): string {
  const strategy = formatStrategy(report.strategy.name, report.strategy.params);
  const { time, equity, drawdown } = report.equity;
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
<h2>Equity</h2>
${lineChart({ label: "Equity", time, values: equity, formatValue: moneyTick, area: false })}
</section>
<section>
<h2>Drawdown</h2>
${lineChart({ label: "Drawdown", time, values: drawdown, formatValue: percentTick, area: true })}
</section>
${tradesTable(report.trades)}
${report.rejections.length > 0 ? rejectionsTable(report.rejections) : ""}
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
`;

function statsGrid(r: BacktestReport): string {
  const stats: [string, string, number?][] = [
    ["Initial cash", formatMoney(r.initialCash)],
    ["Final equity", formatMoney(r.finalEquity)],
    ["Total return", formatPercent(r.totalReturn, 2, true), r.totalReturn],
    ["CAGR", formatPercent(r.cagr, 2, true), r.cagr],
    ["Sharpe", formatNumber(r.sharpe, 2)],
    ["Sortino", formatNumber(r.sortino, 2)],
    // Stored as a positive fraction; shown as the fall it is.
    ["Max drawdown", formatPercent(-r.maxDrawdown), -r.maxDrawdown],
    ["Trades", formatNumber(r.trades.length, 0)],
    ["Win rate", formatPercent(r.winRate)],
    ["Exposure", formatPercent(r.exposure)],
    ["Commissions", formatMoney(r.totalCommission)],
    ["Rejections", formatNumber(r.rejections.length, 0)],
    ["Bars", formatNumber(r.bars, 0)],
    ["Bars/s", formatNumber(r.barsPerSecond, 0)],
  ];
  const cells = stats.map(([label, value, sign]) => `<div class="stat"><span class="label">${escapeHtml(label)}</span>` +
    `<span class="value${signClass(sign)}">${escapeHtml(value)}</span></div>`);
  return `<div class="stats">\n${cells.join("\n")}\n</div>`;
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
}

function lineChart({ label, time, values, formatValue, area }: ChartSpec): string {
  const kept = downsampleMinMax(values, MAX_CHART_POINTS).filter((i) => Number.isFinite(time[i]));
  if (kept.length === 0) return `<p class="muted">No ${escapeHtml(label.toLowerCase())} data.</p>`;
  const t0 = time[kept[0]];
  const t1 = time[kept[kept.length - 1]];
  let lo = Math.min(...kept.map((i) => values[i]));
  let hi = Math.max(...kept.map((i) => values[i]));
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
