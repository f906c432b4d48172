// Parameter sweeps: a grid over two numeric parameters, run by the engine's
// own sweep (src/research) on a pool of Web Workers, drawn as a heat map (an
// HTML table: readable by a screen reader, each cell a button that loads its
// parameters).
import type { RunRow } from "../../src/research/run.ts";
import type { ParamSpec } from "../../src/strategies/strategy.ts";
import { h } from "./dom.ts";
import { fmtNum, fmtPct } from "./format.ts";
import type { CellMetrics, PlainError } from "./protocol.ts";

export interface Axis {
  readonly param: string;
  readonly values: readonly number[];
}

export const MAX_STEPS = 25;

/**
 * `steps` evenly spaced values from `from` to `to` (both included); integer
 * parameters are rounded and repeated values dropped.
 */
export function gridValues(spec: ParamSpec, from: number, to: number, steps: number): number[] {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError(`${spec.name}: the range needs two numbers`);
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) throw new RangeError(`${spec.name}: steps must be a whole number from 1 to ${MAX_STEPS}`);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const raw = steps === 1 ? from : from + ((to - from) * i) / (steps - 1);
    const v = spec.type === "integer" ? Math.round(raw) : Number(raw.toPrecision(12));
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** A starting range around a parameter's default: half to double it, within its bounds. */
export function defaultRange(spec: ParamSpec): [number, number] {
  const d = Number(spec.default);
  let [lo, hi] = d === 0 ? [-1, 1] : d > 0 ? [d / 2, d * 2] : [d * 2, d / 2];
  if (spec.min !== undefined) lo = Math.max(lo, spec.min);
  if (spec.max !== undefined) hi = Math.min(hi, spec.max);
  if (spec.type === "integer") [lo, hi] = [Math.ceil(lo), Math.floor(hi)];
  return [lo, hi];
}

export type CellResult = { readonly metrics: CellMetrics } | { readonly error: PlainError };

/** A sweep row (src/research) as a heat-map cell: its figures, or its error. */
export function cellOf(row: RunRow): CellResult {
  if (row.error || !row.stats) return { error: { name: row.error?.name ?? "Error", message: row.error?.message ?? "the run failed", field: row.error?.field } };
  const s = row.stats;
  return { metrics: { sharpe: s.sharpe, totalReturn: s.totalReturn, cagr: s.cagr, maxDrawdown: s.maxDrawdown, sortino: s.sortino, trades: s.trades } };
}

export type MetricKey = keyof CellMetrics;

export const METRICS: Record<Exclude<MetricKey, "trades">, { label: string; format: (x: number) => string; higherIsBetter: boolean }> = {
  sharpe: { label: "Sharpe", format: (x) => fmtNum(x, 2), higherIsBetter: true },
  totalReturn: { label: "Total return", format: (x) => fmtPct(x, 1), higherIsBetter: true },
  cagr: { label: "CAGR", format: (x) => fmtPct(x, 2), higherIsBetter: true },
  sortino: { label: "Sortino", format: (x) => fmtNum(x, 2), higherIsBetter: true },
  maxDrawdown: { label: "Max drawdown", format: (x) => fmtPct(x, 1), higherIsBetter: false },
};

/** t in [-1, 1] (worst to best) to a red–neutral–green colour. */
function heatColor(t: number): string {
  const neutral = [247, 247, 247];
  const end = t >= 0 ? [26, 152, 80] : [215, 48, 39];
  const a = Math.min(1, Math.abs(t));
  const c = neutral.map((n, k) => Math.round(n + (end[k] - n) * a));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export interface HeatmapView {
  readonly x: Axis;
  readonly y: Axis;
  readonly xLabel: string;
  readonly yLabel: string;
  /** By index y * x.values.length + x; undefined while not run. */
  readonly cells: readonly (CellResult | undefined)[];
  readonly metric: Exclude<MetricKey, "trades">;
}

/** Draws the heat map; returns a one-line summary of the best cell. */
export function renderHeatmap(table: HTMLTableElement, view: HeatmapView, onPick: (x: number, y: number) => void): string {
  const { x, y, cells, metric } = view;
  const m = METRICS[metric];
  const values = cells.map((c) => (c && "metrics" in c ? c.metrics[metric] : NaN));
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const maxAbs = Math.max(...finite.map(Math.abs));
  const score = (v: number) => {
    if (m.higherIsBetter) return maxAbs > 0 ? v / maxAbs : 0;
    return hi > lo ? 1 - (2 * (v - lo)) / (hi - lo) : 0;
  };
  let best = -1;
  values.forEach((v, i) => {
    if (Number.isFinite(v) && (best < 0 || (m.higherIsBetter ? v > values[best] : v < values[best]))) best = i;
  });

  const nx = x.values.length;
  const caption = h("caption", {}, `${m.label} by ${view.xLabel} (columns) and ${view.yLabel} (rows)`);
  const head = h("tr", {}, h("th", { scope: "col", className: "corner" }, `${view.yLabel} \\ ${view.xLabel}`),
    ...x.values.map((v) => h("th", { scope: "col" }, String(v))));
  const rows: HTMLTableRowElement[] = [];
  for (let yi = y.values.length - 1; yi >= 0; yi--) {
    const yv = y.values[yi];
    const tds = x.values.map((xv, xi) => {
      const i = yi * nx + xi;
      const cell = cells[i];
      const v = values[i];
      const where = `${view.xLabel} ${xv}, ${view.yLabel} ${yv}`;
      const attrs = { type: "button", className: "heat-cell", "data-testid": "heat-cell", "data-x": xv, "data-y": yv };
      let button: HTMLButtonElement;
      if (!cell) {
        button = h("button", { ...attrs, className: "heat-cell pending", "aria-label": `${where}: not run yet` }, "…");
      } else if ("error" in cell) {
        button = h("button", { ...attrs, className: "heat-cell invalid", "data-error": cell.error.message, title: cell.error.message, "aria-label": `${where}: ${cell.error.message}` }, "×");
      } else {
        const t = score(v);
        button = h("button", {
          ...attrs, "data-value": String(v), "data-trades": cell.metrics.trades,
          title: `${where}\n${m.label} ${m.format(v)} · ${cell.metrics.trades} trades\nClick to load these parameters and run`,
          "aria-label": `${where}: ${m.label} ${m.format(v)}`,
        }, m.format(v));
        button.style.background = heatColor(t);
        button.style.color = Math.abs(t) > 0.55 ? "#fff" : "#202124";
        if (i === best) button.classList.add("best");
      }
      button.addEventListener("click", () => onPick(xv, yv));
      return h("td", {}, button);
    });
    rows.push(h("tr", {}, h("th", { scope: "row" }, String(yv)), ...tds));
  }
  table.replaceChildren(caption, h("thead", {}, head), h("tbody", {}, ...rows));
  if (best < 0) return "";
  const bx = x.values[best % nx];
  const by = y.values[Math.floor(best / nx)];
  return `Best ${m.label}: ${m.format(values[best])} at ${view.xLabel} = ${bx}, ${view.yLabel} = ${by} (outlined; click any cell to run it).`;
}
