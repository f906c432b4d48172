// Parameter sweeps: a grid over two numeric parameters (of a strategy, or of
// a combination: its strategies' parameters and its own settings), run by
// the engine's own sweep (src/research) on a pool of Web Workers, drawn as a
// heat map (an HTML table: readable by a screen reader, each cell a button
// that loads its parameters).
import type { RunRow } from "../../src/research/run.ts";
import { COMBINE_SETTINGS, WEIGHT_SETTING } from "../../src/signals/spec.ts";
import { getStrategy } from "../../src/strategies/index.ts";
import type { ParamSpec } from "../../src/strategies/strategy.ts";
import { h } from "./dom.ts";
import { fmtNum, fmtPct } from "./format.ts";
import type { CellMetrics, PlainError } from "./protocol.ts";

export interface Axis {
  /** The sweep key (the engine's resolveKey takes it): "fast", or a combination's "momentum.fast", "combine.ttl". */
  readonly param: string;
  readonly values: readonly number[];
}

/** A quantity the sweep can vary: its sweep key, and its declaration (named by the key) with the value its range starts around. */
export interface AxisOption {
  readonly key: string;
  readonly spec: ParamSpec;
}

/** Where a range starts for the combination's settings that default to none (no threshold, no expiry). */
const SETTING_CENTRE: Record<(typeof COMBINE_SETTINGS)[number]["name"], number> = { minConfidence: 0.2, ttl: 20 };

/**
 * The numeric quantities a sweep of `names` can vary: the strategy's
 * parameters, or for a combination each strategy's by prefix
 * (momentum.fast) and the combination's own settings (combine.minConfidence,
 * combine.ttl, combine.weights.NAME), from the declarations the engine
 * checks a combined request by.
 */
export function axisOptions(names: readonly string[], combined: boolean): AxisOption[] {
  const numeric = (name: string) => getStrategy(name).params.filter((p) => p.type !== "boolean");
  if (!combined) return numeric(names[0]).map((p) => ({ key: p.name, spec: p }));
  const named = (key: string, spec: Omit<ParamSpec, "name">): AxisOption => ({ key, spec: { ...spec, name: key } });
  return [
    ...names.flatMap((n) => numeric(n).map((p) => named(`${n}.${p.name}`, p))),
    ...COMBINE_SETTINGS.map((s) => named(`combine.${s.name}`, { ...s, default: SETTING_CENTRE[s.name] })),
    ...names.map((n) => named(`combine.weights.${n}`, { ...WEIGHT_SETTING, default: 1 })),
  ];
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

interface Metric {
  readonly label: string;
  readonly format: (x: number) => string;
  /** Fewer digits, for a map of many columns (the full value is in each cell's title). */
  readonly short: (x: number) => string;
  readonly higherIsBetter: boolean;
  /** Signed figures are coloured around zero (red below, green above); the others from their smallest to their largest. */
  readonly scale: "diverging" | "sequential";
}

export const METRICS: Record<Exclude<MetricKey, "trades">, Metric> = {
  sharpe: { label: "Sharpe", format: (x) => fmtNum(x, 2), short: (x) => fmtNum(x, 1), higherIsBetter: true, scale: "diverging" },
  totalReturn: { label: "Total return", format: (x) => fmtPct(x, 1), short: (x) => fmtPct(x, 0), higherIsBetter: true, scale: "diverging" },
  cagr: { label: "CAGR", format: (x) => fmtPct(x, 2), short: (x) => fmtPct(x, 1), higherIsBetter: true, scale: "diverging" },
  sortino: { label: "Sortino", format: (x) => fmtNum(x, 2), short: (x) => fmtNum(x, 1), higherIsBetter: true, scale: "diverging" },
  maxDrawdown: { label: "Max drawdown", format: (x) => fmtPct(x, 1), short: (x) => fmtPct(x, 0), higherIsBetter: false, scale: "sequential" },
};

/** Columns beyond which the map writes its figures short, so it fits its panel. */
const SHORT_ABOVE = 12;

const NEUTRAL = [247, 247, 247];
const GOOD = [26, 152, 80];
const BAD = [215, 48, 39];

/** `a` in [0, 1] of the way from the neutral colour to `end`. */
function mix(end: readonly number[], a: number): string {
  const c = NEUTRAL.map((n, k) => Math.round(n + (end[k] - n) * Math.min(1, Math.max(0, a))));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** How the cells' values map to colours, and the range the legend shows. */
export interface HeatScale {
  readonly kind: Metric["scale"];
  readonly lo: number;
  readonly hi: number;
  color(v: number): string;
  /** How far from neutral (0 to 1): dark cells take white text. */
  depth(v: number): number;
}

/**
 * The colour scale of a metric over the cells' finite values: diverging
 * around zero out to the largest magnitude either side (a negative Sharpe is
 * red however the others fall), or sequential from the smallest to the
 * largest value, deepening towards the worse end.
 */
export function heatScale(metric: Exclude<MetricKey, "trades">, values: readonly number[]): HeatScale {
  const m = METRICS[metric];
  const finite = values.filter(Number.isFinite);
  if (m.scale === "diverging") {
    const reach = finite.reduce((r, v) => Math.max(r, Math.abs(v)), 0);
    const t = (v: number) => (reach > 0 ? v / reach : 0);
    const good = (v: number) => (t(v) >= 0) === m.higherIsBetter;
    return { kind: "diverging", lo: -reach, hi: reach, depth: (v) => Math.abs(t(v)), color: (v) => mix(good(v) ? GOOD : BAD, Math.abs(t(v))) };
  }
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const t = (v: number) => (hi > lo ? (v - lo) / (hi - lo) : 0);
  // Deeper towards the worse end: the largest drawdown is the darkest.
  const depth = (v: number) => (m.higherIsBetter ? 1 - t(v) : t(v));
  return { kind: "sequential", lo, hi, depth, color: (v) => mix(BAD, depth(v)) };
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

/** Draws the heat map and its colour legend; returns a one-line summary of the best cell. */
export function renderHeatmap(table: HTMLTableElement, legend: HTMLElement, view: HeatmapView, onPick: (x: number, y: number) => void): string {
  const { x, y, cells, metric } = view;
  const m = METRICS[metric];
  const values = cells.map((c) => (c && "metrics" in c ? c.metrics[metric] : NaN));
  const scale = heatScale(metric, values);
  let best = -1;
  values.forEach((v, i) => {
    if (Number.isFinite(v) && (best < 0 || (m.higherIsBetter ? v > values[best] : v < values[best]))) best = i;
  });

  const nx = x.values.length;
  const text = nx > SHORT_ABOVE ? m.short : m.format;
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
        button = h("button", {
          ...attrs, "data-value": String(v), "data-trades": cell.metrics.trades,
          title: `${where}\n${m.label} ${m.format(v)} · ${cell.metrics.trades} trades\nClick to load these parameters and run`,
          "aria-label": `${where}: ${m.label} ${m.format(v)}`,
        }, text(v));
        button.style.background = scale.color(v);
        button.style.color = scale.depth(v) > 0.55 ? "#fff" : "#202124";
        if (i === best) button.classList.add("best");
      }
      button.addEventListener("click", () => onPick(xv, yv));
      return h("td", {}, button);
    });
    rows.push(h("tr", {}, h("th", { scope: "row" }, String(yv)), ...tds));
  }
  table.replaceChildren(caption, h("thead", {}, head), h("tbody", {}, ...rows));
  renderLegend(legend, m, scale, best >= 0);
  if (best < 0) return "";
  const bx = x.values[best % nx];
  const by = y.values[Math.floor(best / nx)];
  return `Best ${m.label}: ${m.format(values[best])} at ${view.xLabel} = ${bx}, ${view.yLabel} = ${by} (outlined; click any cell to run it).`;
}

/** Swatches the legend shows across its range. */
const LEGEND_STEPS = 7;

/** The colour scale: swatches from the low end to the high end (zero in the middle of a diverging one), each with the value it stands for. */
function renderLegend(legend: HTMLElement, m: Metric, scale: HeatScale, any: boolean): void {
  if (!any) {
    legend.replaceChildren();
    return;
  }
  const swatches = Array.from({ length: LEGEND_STEPS }, (_, k) => {
    const v = scale.lo + ((scale.hi - scale.lo) * k) / (LEGEND_STEPS - 1);
    return h("span", { className: "heat-swatch", "data-testid": "heat-swatch", "data-value": String(v), title: m.format(v), style: `background: ${scale.color(v)}` });
  });
  const how = scale.kind === "diverging"
    ? `${m.label}, around zero: ${m.higherIsBetter ? "green above, red below" : "red above, green below"}`
    : `${m.label}, from the smallest to the largest${m.higherIsBetter ? "" : ", deeper red the worse"}`;
  legend.replaceChildren(
    h("span", { className: "heat-legend-what" }, how),
    h("span", { className: "heat-legend-end", "data-testid": "heat-legend-lo" }, m.format(scale.lo)),
    ...swatches,
    h("span", { className: "heat-legend-end", "data-testid": "heat-legend-hi" }, m.format(scale.hi)),
  );
}

/** Scrolls the map (not the page) so its best cell is in view: a big grid may be taller or wider than its panel. */
export function revealBest(table: HTMLTableElement): void {
  const cell = table.querySelector<HTMLElement>(".heat-cell.best");
  const wrap = table.parentElement;
  if (!cell || !wrap) return;
  const c = cell.getBoundingClientRect();
  const w = wrap.getBoundingClientRect();
  wrap.scrollTop += c.top - w.top - (wrap.clientHeight - c.height) / 2;
  wrap.scrollLeft += c.left - w.left - (wrap.clientWidth - c.width) / 2;
}
