// A sweep as one self-contained HTML page (inline CSS and SVG, no scripts):
// the heat map of the objective over two parameters with its colour legend,
// the walk-forward out-of-sample equity curve, the overfitting guards, and
// the best runs.
import { OBJECTIVES, score, type Objective } from "../research/objective.ts";
import type { RunRow } from "../research/run.ts";
import { shortKeys } from "../research/space.ts";
import type { RunStats } from "../research/stats.ts";
import type { SweepResult, SymbolResult } from "../research/sweep.ts";
import { formatDate } from "./format.ts";
import { escapeHtml } from "./html.ts";

export function renderSweepHtml(result: SweepResult): string {
  const symbols = result.symbols.map((s) => s.symbol).join(", ");
  const title = `${result.strategy} sweep on ${symbols}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${result.runs.length} runs of ${result.points} parameter sets, best by ${OBJECTIVES[result.objective].label};
${result.engines.vectorized} runs vectorized, ${result.engines.eventDriven} event-driven${result.engines.declined.map((d) => `; ${d.runs} declined: ${escapeHtml(d.reason)}`).join("")}</p>
</header>
${result.symbols.map((s) => symbolSection(result, s)).join("\n")}
</body>
</html>
`;
}

function symbolSection(result: SweepResult, s: SymbolResult): string {
  const rows = result.runs.filter((r) => r.symbol === s.symbol);
  return `<section>
<h2>${escapeHtml(s.symbol)}</h2>
${s.best?.stats ? `<p>Best: <strong>${escapeHtml(params(s.best))}</strong></p>${statsGrid(s.best.stats)}` : "<p>No run succeeded.</p>"}
<h3>${OBJECTIVES[result.objective].label} by parameters</h3>
${heatmap(rows, result.objective)}
${s.walkForward ? walkForward(s) : ""}
${guards(s)}
${topRuns(rows, result.objective)}
</section>`;
}

const params = (r: RunRow) => Object.entries(shortKeys(r.point)).map(([k, v]) => `${k}=${v}`).join(" ");

function fmt(objective: Objective | keyof RunStats, v: number): string {
  if (!Number.isFinite(v)) return "–";
  return ["cagr", "totalReturn", "maxDrawdown", "winRate", "exposure"].includes(objective) ? `${(v * 100).toFixed(1)}%` : v.toFixed(2);
}

function statsGrid(st: RunStats): string {
  const items: [string, string][] = [
    ["Sharpe", fmt("sharpe", st.sharpe)], ["Sortino", fmt("sortino", st.sortino)], ["CAGR", fmt("cagr", st.cagr)],
    ["Total return", fmt("totalReturn", st.totalReturn)], ["Max drawdown", fmt("maxDrawdown", st.maxDrawdown)],
    ["Calmar", fmt("calmar", st.calmar)], ["Trades", String(st.trades)], ["Win rate", fmt("winRate", st.winRate)],
  ];
  return `<div class="stats">${items.map(([l, v]) => `<div class="stat"><span class="label">${l}</span><span class="value">${v}</span></div>`).join("")}</div>`;
}

/** Red (worst) through neutral to green (best), t in [0, 1]. */
export function heatColor(t: number): string {
  const lo = [215, 48, 39];
  const mid = [247, 247, 247];
  const hi = [26, 152, 80];
  const [a, b, u] = t < 0.5 ? [lo, mid, t * 2] : [mid, hi, (t - 0.5) * 2];
  const c = a.map((x, k) => Math.round(x + (b[k] - x) * u));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/**
 * The objective over the first two varied parameters: one cell per pair,
 * holding the best value over any other parameters. One parameter gives
 * one row; random points (few repeated values) a scatter instead.
 */
function heatmap(rows: readonly RunRow[], objective: Objective): string {
  const ok = rows.filter((r) => r.stats);
  if (ok.length === 0) return "<p class=\"muted\">No run succeeded.</p>";
  const keys = Object.keys(shortKeys(ok[0].point));
  const [xKey, yKey] = keys;
  const key = (k: string | undefined) => (k === undefined ? undefined : Object.keys(ok[0].point)[keys.indexOf(k)]);
  const [xPath, yPath] = [key(xKey), key(yKey)];
  const xs = [...new Set(ok.map((r) => r.point[xPath!]))].sort(order);
  const ys = yPath ? [...new Set(ok.map((r) => r.point[yPath]))].sort(order) : [""];
  if (xs.length * ys.length > 2500) return scatter(ok, objective, xKey, yKey, xPath!, yPath);
  const cell = new Map<string, number>();
  for (const r of ok) {
    const id = `${r.point[xPath!]}|${yPath ? r.point[yPath] : ""}`;
    const v = score(r.stats!, objective);
    if (!(cell.get(id)! >= v)) cell.set(id, v);
  }
  const values = [...cell.values()].filter(Number.isFinite);
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const shown = (v: number) => fmt(objective, OBJECTIVES[objective].higherIsBetter ? v : -v);
  const colour = (v: number) => heatColor(hi > lo ? (v - lo) / (hi - lo) : 0.5);
  const head = `<tr><th scope="col">${escapeHtml(yKey ?? "")} \\ ${escapeHtml(xKey)}</th>${xs.map((x) => `<th scope="col">${x}</th>`).join("")}</tr>`;
  const body = [...ys].reverse().map((y) => `<tr><th scope="row">${y}</th>${xs.map((x) => {
    const v = cell.get(`${x}|${y}`);
    return v === undefined ? `<td class="empty"></td>` : `<td style="background:${colour(v)}" title="${escapeHtml(`${xKey}=${x} ${yKey ?? ""}=${y}`)}">${shown(v)}</td>`;
  }).join("")}</tr>`).join("\n");
  const note = keys.length > 2 ? `<p class="muted">Each cell is the best over ${keys.slice(2).map(escapeHtml).join(", ")}.</p>` : "";
  return `<table class="heat"><caption>${OBJECTIVES[objective].label} by ${escapeHtml(xKey)} (columns)${yKey ? ` and ${escapeHtml(yKey)} (rows)` : ""}</caption>
<thead>${head}</thead><tbody>${body}</tbody></table>${note}${legend(shown(lo), shown(hi), objective)}`;
}

function order(a: number | boolean, b: number | boolean): number {
  return Number(a) - Number(b);
}

function legend(worst: string, best: string, objective: Objective): string {
  const stops = Array.from({ length: 11 }, (_, i) => `${heatColor(i / 10)} ${i * 10}%`).join(", ");
  return `<div class="legend" role="img" aria-label="colour legend: red is the worst ${OBJECTIVES[objective].label}, green the best">
<span>${worst} (worst)</span><span class="bar" style="background:linear-gradient(to right, ${stops})"></span><span>${best} (best)</span></div>`;
}

function scatter(rows: readonly RunRow[], objective: Objective, xKey: string, yKey: string | undefined, xPath: string, yPath: string | undefined): string {
  const W = 640;
  const H = 360;
  const pad = 40;
  const x = rows.map((r) => Number(r.point[xPath]));
  const y = rows.map((r) => (yPath ? Number(r.point[yPath]) : 0));
  const v = rows.map((r) => score(r.stats!, objective));
  const range = (a: number[]) => [Math.min(...a), Math.max(...a)];
  const [[x0, x1], [y0, y1], [v0, v1]] = [range(x), range(y), range(v)];
  const sx = (t: number) => pad + ((t - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
  const sy = (t: number) => H - pad - ((t - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
  const dots = rows.map((_, i) => `<circle cx="${sx(x[i]).toFixed(1)}" cy="${sy(y[i]).toFixed(1)}" r="4" fill="${heatColor(v1 > v0 ? (v[i] - v0) / (v1 - v0) : 0.5)}"/>`).join("");
  const shown = (t: number) => fmt(objective, OBJECTIVES[objective].higherIsBetter ? t : -t);
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(`${OBJECTIVES[objective].label} of each run by ${xKey}${yKey ? ` and ${yKey}` : ""}`)}">
<text x="${W / 2}" y="${H - 8}" text-anchor="middle">${escapeHtml(xKey)} ${x0}–${x1}</text>
${yKey ? `<text x="12" y="${H / 2}" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">${escapeHtml(yKey)} ${y0}–${y1}</text>` : ""}${dots}</svg>
${legend(shown(v0), shown(v1), objective)}`;
}

function walkForward(s: SymbolResult): string {
  const wf = s.walkForward!;
  const oos = wf.outOfSample;
  const rows = wf.windows.map((w) => `<tr><td>${w.index + 1}</td><td>${w.isFrom}–${w.isTo - 1}</td><td>${w.isTo}–${w.oosTo - 1}</td>
<td>${w.best ? escapeHtml(Object.entries(shortKeys(w.best)).map(([k, v]) => `${k}=${v}`).join(" ")) : escapeHtml(w.error ?? "")}</td>
<td class="num">${w.inSample ? fmt("sharpe", w.inSample.sharpe) : "–"}</td><td class="num">${w.outOfSample ? fmt("sharpe", w.outOfSample.sharpe) : "–"}</td>
<td class="num">${w.outOfSample ? fmt("totalReturn", w.outOfSample.totalReturn) : "–"}</td></tr>`).join("\n");
  return `<h3>Walk-forward: out of sample</h3>
${statsGrid(oos.stats)}
${equityChart(oos.time, oos.equity)}
<table><thead><tr><th>Window</th><th>In-sample bars</th><th>Out-of-sample bars</th><th>Chosen in sample</th><th class="num">IS Sharpe</th><th class="num">OOS Sharpe</th><th class="num">OOS return</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function equityChart(time: readonly number[], equity: readonly number[]): string {
  if (equity.length < 2) return "";
  const W = 880;
  const H = 260;
  const pad = 48;
  const [lo, hi] = [Math.min(...equity), Math.max(...equity)];
  const step = Math.max(1, Math.floor(equity.length / 1500));
  const pts: string[] = [];
  for (let i = 0; i < equity.length; i += step) {
    pts.push(`${(pad + (i / (equity.length - 1)) * (W - 2 * pad)).toFixed(1)},${(H - pad - ((equity[i] - lo) / (hi - lo || 1)) * (H - 2 * pad)).toFixed(1)}`);
  }
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="out-of-sample equity from ${formatDate(time[0])} to ${formatDate(time[time.length - 1])}">
<line class="grid" x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}"/><line class="grid" x1="${pad}" y1="${pad}" x2="${W - pad}" y2="${pad}"/>
<text x="${pad - 4}" y="${pad + 4}" text-anchor="end">${Math.round(hi)}</text><text x="${pad - 4}" y="${H - pad + 4}" text-anchor="end">${Math.round(lo)}</text>
<text x="${pad}" y="${H - pad + 18}">${formatDate(time[0])}</text><text x="${W - pad}" y="${H - pad + 18}" text-anchor="end">${formatDate(time[time.length - 1])}</text>
<polyline class="series" points="${pts.join(" ")}"/></svg>`;
}

function guards(s: SymbolResult): string {
  const d = s.deflatedSharpe;
  const p = s.pbo;
  const dsr = d ? `<p><strong>Deflated Sharpe ratio ${d.dsr.toFixed(3)}</strong>: the probability that the best run's true Sharpe exceeds the
${d.benchmark.toFixed(4)} per bar that the best of ${d.trials} luckless trials would show (its own: ${d.sr.toFixed(4)} per bar over ${d.n} returns,
skewness ${d.skewness.toFixed(2)}, kurtosis ${d.kurtosis.toFixed(2)}). Bailey and López de Prado (2014).</p>` : "<p class=\"muted\">Deflated Sharpe ratio: not enough successful runs.</p>";
  const pbo = p ? `<p><strong>Probability of backtest overfitting ${(p.pbo * 100).toFixed(1)}%</strong>: in ${p.pbo * p.splits} of ${p.splits}
CSCV splits (${p.blocks} blocks, ${p.trials} trials) the in-sample best ranked at or below the out-of-sample median. Bailey, Borwein, López de Prado and Zhu (2016).</p>
${histogram(p.logits)}` : "<p class=\"muted\">PBO: needs at least two successful runs.</p>";
  return `<h3>Overfitting guards</h3>${dsr}${pbo}`;
}

/** Counts of the logits in bins; bars left of zero (red) are the overfit splits. */
function histogram(logits: readonly number[]): string {
  const finite = logits.filter(Number.isFinite);
  if (finite.length === 0) return "";
  const lo = Math.min(-3, ...finite);
  const hi = Math.max(3, ...finite);
  const bins = 30;
  const counts = new Array<number>(bins).fill(0);
  for (const l of finite) counts[Math.min(bins - 1, Math.floor(((l - lo) / (hi - lo)) * bins))]++;
  const W = 640;
  const H = 180;
  const pad = 30;
  const max = Math.max(...counts);
  const bw = (W - 2 * pad) / bins;
  const bars = counts.map((c, i) => {
    const h = (c / max) * (H - 2 * pad);
    const mid = lo + ((i + 0.5) / bins) * (hi - lo);
    return `<rect x="${(pad + i * bw).toFixed(1)}" y="${(H - pad - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${mid <= 0 ? "#d73027" : "#1a9850"}"/>`;
  }).join("");
  const zero = pad + ((0 - lo) / (hi - lo)) * (W - 2 * pad);
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="histogram of the logits of the in-sample best's out-of-sample rank">
${bars}<line class="grid" x1="${zero.toFixed(1)}" y1="${pad / 2}" x2="${zero.toFixed(1)}" y2="${H - pad}"/>
<text x="${pad}" y="${H - 8}">${lo.toFixed(1)}</text><text x="${zero.toFixed(1)}" y="${H - 8}" text-anchor="middle">0</text><text x="${W - pad}" y="${H - 8}" text-anchor="end">${hi.toFixed(1)}</text></svg>`;
}

function topRuns(rows: readonly RunRow[], objective: Objective): string {
  const ok = rows.filter((r) => r.stats).sort((a, b) => score(b.stats!, objective) - score(a.stats!, objective)).slice(0, 20);
  const failed = rows.filter((r) => r.error);
  const line = (r: RunRow) => `<tr><td>${escapeHtml(params(r))}</td><td class="num">${fmt("sharpe", r.stats!.sharpe)}</td><td class="num">${fmt("cagr", r.stats!.cagr)}</td>
<td class="num">${fmt("maxDrawdown", r.stats!.maxDrawdown)}</td><td class="num">${r.stats!.trades}</td><td>${r.engine}</td></tr>`;
  return `<h3>Best runs</h3>
<table><thead><tr><th>Parameters</th><th class="num">Sharpe</th><th class="num">CAGR</th><th class="num">Max drawdown</th><th class="num">Trades</th><th>Engine</th></tr></thead>
<tbody>${ok.map(line).join("\n")}</tbody></table>
${failed.length ? `<p class="muted">${failed.length} runs failed, e.g. ${escapeHtml(params(failed[0]))}: ${escapeHtml(failed[0].error!.message)}</p>` : ""}`;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #667085; --bg: #ffffff; --panel: #f5f7fa; --line: #2563eb; --grid: #d0d5dd; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #98a2b3; --bg: #111418; --panel: #1b2027; --line: #60a5fa; --grid: #2b313a; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); max-width: 1040px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; } h3 { font-size: 15px; margin: 24px 0 8px; }
.muted { color: var(--muted); }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 8px; margin: 12px 0; }
.stat { background: var(--panel); border-radius: 6px; padding: 8px 10px; }
.stat .label { display: block; color: var(--muted); font-size: 12px; } .stat .value { font-size: 16px; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; margin: 8px 0; }
th, td { padding: 3px 6px; border-bottom: 1px solid var(--grid); text-align: left; white-space: nowrap; }
td.num, th.num { text-align: right; }
table.heat td { text-align: center; color: #202124; min-width: 38px; font-size: 12px; } table.heat td.empty { background: var(--panel); }
table.heat caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
.legend { display: flex; align-items: center; gap: 8px; font-size: 12px; color: var(--muted); margin: 6px 0 12px; }
.legend .bar { display: inline-block; width: 240px; height: 12px; border-radius: 3px; }
svg.chart { width: 100%; height: auto; display: block; } svg.chart text { fill: var(--muted); font-size: 11px; }
svg.chart .grid { stroke: var(--grid); stroke-width: 1; } svg.chart .series { fill: none; stroke: var(--line); stroke-width: 1.5; }
`;
