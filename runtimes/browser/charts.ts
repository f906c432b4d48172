// The interactive charts, drawn by lightweight-charts: candles with volume,
// the strategy's indicator overlays and trade markers; equity, benchmark,
// drawdown and rolling figures below. A series of any length is drawn in
// full through points the worker decimates for the view (decimate.ts), the
// same for both charts, so they zoom and pan together and zooming in draws
// the bars in view in finer detail.
import {
  AreaSeries, CandlestickSeries, ColorType, CrosshairMode, HistogramSeries, LineSeries, LineStyle, PriceScaleMode,
  createChart, createSeriesMarkers,
  type CandlestickData, type IChartApi, type IPriceLine, type ISeriesApi, type ISeriesMarkersPluginApi, type LineData,
  type LogicalRange, type MouseEventParams, type SeriesMarker, type SeriesType, type Time, type UTCTimestamp, type WhitespaceData,
} from "lightweight-charts";
import type { TradeRecord } from "../../src/portfolio/trades.ts";
import { barAt, logicalAt, planCovers, upperBound } from "./decimate.ts";
import { fmtInt, fmtMoney, fmtNum, fmtPct, fmtPrice, fmtTime } from "./format.ts";
import type { Drawn, OverlaySpec, ToWorker } from "./protocol.ts";

const UP = "#26a69a";
const DOWN = "#ef5350";
const FORECAST = "#7b1fa2";
const GRID = "#eef0f3";
const TEXT = "#3c4043";

/** Most trade markers drawn: more cover the candles and cost a slow machine a long frame; zooming in shows them. */
const MAX_MARKERS = 200;

/** A new plan waits this long after the last zoom or pan, so a drag redraws once. */
const REPLAN_MS = 120;

const toTime = (ms: number) => (ms / 1000) as UTCTimestamp;

function baseOptions() {
  return {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: "#ffffff" },
      textColor: TEXT,
      fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
      fontSize: 12,
      panes: { separatorColor: "#dadce0" },
    },
    grid: { vertLines: { color: GRID }, horzLines: { color: GRID } },
    crosshair: { mode: CrosshairMode.Normal },
    // The same width on both charts keeps their points lined up.
    rightPriceScale: { borderColor: "#dadce0", minimumWidth: 84 },
    timeScale: { borderColor: "#dadce0", timeVisible: false, minBarSpacing: 0.05 },
  };
}

/** Values as line points at the points' times, NaN as whitespace so every series has a point at every time. */
function linePoints(times: readonly UTCTimestamp[], values: Float64Array): (LineData | WhitespaceData)[] {
  const out = new Array<LineData | WhitespaceData>(times.length);
  for (let j = 0; j < times.length; j++) out[j] = Number.isFinite(values[j]) ? { time: times[j], value: values[j] } : { time: times[j] };
  return out;
}

/** Resolves once the next frame has been drawn. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** A chart drawn through the shared plan. */
interface Member {
  readonly chart: IChartApi;
  /** Draws the chart's series at the points drawn; false while it has nothing to draw. */
  readonly draw: (d: Drawn, times: readonly UTCTimestamp[]) => boolean;
  drawn: boolean;
}

/** A request for the points of a view, and who waits for them. */
interface Pending {
  readonly drawId: number;
  readonly from: number;
  readonly to: number;
  readonly done: () => void;
}

/**
 * The bars the charts draw, and how (the plan): the worker decimates the
 * series and the run's lines for a view (Drawn), both charts draw the same
 * points, so a zoom or pan on one is mirrored on the other, and once it
 * settles, a view the plan draws too coarsely (zoomed in) or not at all in
 * detail (panned far) is asked for again.
 */
export class BarView {
  private readonly members: Member[] = [];
  private seriesId = -1;
  private n = 0;
  private drawn: Drawn | null = null;
  private times: UTCTimestamp[] = [];
  private pending: Pending[] = [];
  private nextDraw = 1;
  private syncing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly request: (m: Extract<ToWorker, { type: "draw" }>) => void) {}

  join(chart: IChartApi, draw: Member["draw"]): Member {
    const member: Member = { chart, draw, drawn: false };
    this.members.push(member);
    chart.timeScale().subscribeVisibleLogicalRangeChange((range) => this.moved(member, range));
    return member;
  }

  /** A new series of `n` bars (held by the worker as `seriesId`): drawn whole. */
  setSeries(seriesId: number, n: number): Promise<void> {
    this.seriesId = seriesId;
    this.n = n;
    this.drawn = null;
    return this.show(0, n);
  }

  /** Draws bars [from, to) (fractions allowed) in view, at the detail that range needs; resolves once drawn or superseded. */
  show(from: number, to: number): Promise<void> {
    const drawId = this.nextDraw++;
    return new Promise((done) => {
      this.pending.push({ drawId, from, to, done });
      this.request({ type: "draw", drawId, seriesId: this.seriesId, from, to, buckets: this.buckets() });
    });
  }

  /** The whole series in view. */
  showAll(): Promise<void> {
    return this.show(0, this.n);
  }

  /** Draws the view in place again: a run's lines are new. */
  refresh(): Promise<void> {
    const view = this.viewBars() ?? { from: 0, to: this.n };
    return this.show(view.from, view.to);
  }

  /**
   * The worker's points for a view asked for (older answers still on their
   * way are superseded), drawn one chart a frame: a chart's redraw is a
   * frame's worth of canvas work on a slow machine, two would be a long task.
   */
  async apply(d: Drawn): Promise<void> {
    const request = this.pending.find((p) => p.drawId === d.drawId);
    if (!request) return;
    for (const p of this.pending) if (p.drawId < d.drawId) p.done();
    this.pending = this.pending.filter((p) => p.drawId > d.drawId);
    this.drawn = d;
    this.times = Array.from(d.times, toTime);
    const range = { from: logicalAt(d.plan, request.from), to: logicalAt(d.plan, request.to) } as LogicalRange;
    for (const [k, m] of this.members.entries()) {
      if (k > 0) await nextFrame();
      if (this.drawn !== d) break;
      m.drawn = m.draw(d, this.times);
      if (m.drawn) this.setRange(m, range);
    }
    request.done();
  }

  /** The bar range in view, from the first chart drawn. */
  private viewBars(): { from: number; to: number } | null {
    const shown = this.members.find((m) => m.drawn);
    const range = shown?.chart.timeScale().getVisibleLogicalRange();
    if (!this.drawn || !range) return null;
    return { from: barAt(this.drawn.plan, range.from), to: barAt(this.drawn.plan, range.to) };
  }

  /** The bar at time `ms`, as near as the points drawn tell: exact at their first bars, in between by time (all a view needs). */
  barOfTime(ms: number): number {
    const d = this.drawn;
    if (!d) return 0;
    const j = Math.max(0, upperBound(d.times, ms) - 1);
    const next = j + 1 < d.times.length ? d.times[j + 1] : d.times[j] + 1;
    const { points } = d.plan;
    return points[j] + Math.min(1, Math.max(0, (ms - d.times[j]) / (next - d.times[j]))) * (points[j + 1] - points[j]);
  }

  /** The time of the point that draws the bar at `ms`, for markers. */
  pointTime(ms: number): UTCTimestamp | null {
    const d = this.drawn;
    if (!d || d.times.length === 0) return null;
    return this.times[Math.max(0, upperBound(d.times, ms) - 1)];
  }

  /** About one point per two pixels of the chart (a bucket is four points): finer draws no more, and costs a slow machine long frames. */
  private buckets(): number {
    const width = this.members[0]?.chart.timeScale().width() || 1200;
    return Math.max(32, Math.round(width / 8));
  }

  private setRange(m: Member, range: LogicalRange): void {
    this.syncing = true;
    try {
      m.chart.timeScale().setVisibleLogicalRange(range);
    } finally {
      this.syncing = false;
    }
  }

  private moved(source: Member, range: LogicalRange | null): void {
    if (this.syncing || !range || !source.drawn || !this.drawn) return;
    this.syncing = true;
    try {
      for (const m of this.members) if (m !== source && m.drawn) m.chart.timeScale().setVisibleLogicalRange(range);
    } finally {
      this.syncing = false;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.settle(), REPLAN_MS);
  }

  private settle(): void {
    const view = this.viewBars();
    if (!view || !this.drawn || this.pending.length > 0) return;
    if (!planCovers(this.drawn.plan, view.from, view.to, this.buckets())) void this.show(view.from, view.to);
  }
}

/** Prices (and equity) on a log scale or not; the chart's element says which (data-scale), as the chart itself holds it. */
function setLogScale(chart: IChartApi, on: boolean): void {
  const scale = chart.priceScale("right");
  scale.applyOptions({ mode: on ? PriceScaleMode.Logarithmic : PriceScaleMode.Normal });
  chart.chartElement().dataset.scale = scale.options().mode === PriceScaleMode.Logarithmic ? "log" : "linear";
}

export class PriceChart {
  readonly chart: IChartApi;
  private readonly candles: ISeriesApi<"Candlestick">;
  private readonly volume: ISeriesApi<"Histogram">;
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  private overlays: { spec: OverlaySpec; series: ISeriesApi<"Line">; levels: IPriceLine[] }[] = [];
  private trades: readonly TradeRecord[] = [];
  /** Why the trades are not marked, for the legend ("" when they are). */
  private markerNote = "";
  private symbol = "";
  /** Decimals of the data's prices: the legend's, the axis's and the indicator lines' over the candles. */
  private decimals = 2;
  /** The run whose lines and trades are drawn (0: none). */
  private jobId = 0;
  /** The points the candles were last drawn at: a new run over the same view draws only its lines and markers. */
  private candlesDrawn: Drawn | null = null;
  /** The forecast's line and band edges, after the last bar. */
  private forecastSeries: ISeriesApi<"Line">[] = [];

  constructor(container: HTMLElement, private readonly legend: HTMLElement, private readonly view: BarView) {
    this.chart = createChart(container, baseOptions());
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: UP, downColor: DOWN, wickUpColor: UP, wickDownColor: DOWN, borderVisible: false,
      priceLineVisible: false,
    });
    this.volume = this.chart.addSeries(HistogramSeries, {
      priceScaleId: "volume", priceFormat: { type: "volume" }, lastValueVisible: false, priceLineVisible: false,
    });
    this.chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    this.markers = createSeriesMarkers(this.candles, []);
    this.chart.subscribeCrosshairMove((p) => this.showLegend(p));
    view.join(this.chart, (d, times) => this.draw(d, times));
  }

  /** New bars (drawn by the view), their prices shown with `decimals`: no run's lines or trades yet. */
  setSeries(symbol: string, decimals: number): void {
    this.symbol = symbol;
    this.decimals = decimals;
    this.candles.applyOptions({ priceFormat: this.priceFormat() });
    this.removeOverlays();
    this.setForecast(null);
    this.trades = [];
    this.jobId = 0;
    this.candlesDrawn = null;
  }

  /**
   * A forecast after the last bar: a dashed line from the last close through
   * the forecast closes, and the band's edges dotted either side (null: none).
   */
  setForecast(points: readonly { time: number; value: number; lower?: number; upper?: number }[] | null): void {
    for (const s of this.forecastSeries) this.chart.removeSeries(s);
    this.forecastSeries = [];
    if (!points || points.length === 0) return;
    const style = { color: FORECAST, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false, priceFormat: this.priceFormat() };
    const line = this.chart.addSeries(LineSeries, { ...style, lineWidth: 2, lineStyle: LineStyle.Dashed, title: "forecast" });
    line.setData(points.map((p) => ({ time: toTime(p.time), value: p.value })));
    this.forecastSeries.push(line);
    const banded = points.filter((p) => p.lower !== undefined && p.upper !== undefined);
    if (banded.length === 0) return;
    for (const edge of ["lower", "upper"] as const) {
      const s = this.chart.addSeries(LineSeries, { ...style, lineWidth: 1, lineStyle: LineStyle.Dotted });
      s.setData(banded.map((p) => ({ time: toTime(p.time), value: p[edge] as number })));
      this.forecastSeries.push(s);
    }
  }

  /** A run's indicator lines and trades, drawn over the candles from the view's next points on. */
  setRun(jobId: number, specs: readonly OverlaySpec[], trades: readonly TradeRecord[]): void {
    this.jobId = jobId;
    this.trades = trades;
    // The same lines as before (a re-run): the existing series take the new values, so panes stay put.
    const same = specs.length === this.overlays.length && specs.every((s, i) => this.overlays[i].spec.id === s.id && this.overlays[i].spec.pane === s.pane);
    if (!same) {
      this.removeOverlays();
      this.overlays = specs.map((spec) => ({ spec, series: this.chart.addSeries(LineSeries, {}, spec.pane === "price" ? 0 : 1), levels: [] }));
    }
    this.overlays.forEach((o, i) => {
      const spec = specs[i];
      o.spec = spec;
      o.series.applyOptions({
        ...(spec.pane === "price" ? { priceFormat: this.priceFormat() } : {}),
        color: spec.color, lineWidth: spec.kind === "bbands.middle" ? 1 : 2,
        lineStyle: spec.kind === "bbands.middle" ? LineStyle.Dashed : LineStyle.Solid,
        priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false, title: spec.pane === "lower" ? spec.label : "",
      });
      for (const line of o.levels) o.series.removePriceLine(line);
      o.levels = (spec.levels ?? []).map((price) => o.series.createPriceLine({
        price, color: spec.color, lineWidth: 1, lineStyle: LineStyle.Dotted, axisLabelVisible: true, title: "",
      }));
    });
    if (!same) this.chart.panes()[1]?.setHeight(110);
  }

  setLogScale(on: boolean): void {
    setLogScale(this.chart, on);
  }

  private priceFormat() {
    return { type: "price", precision: this.decimals, minMove: 10 ** -this.decimals } as const;
  }

  /** Zooms to a span of time (a trade) with some room either side. */
  focus(from: number, to: number): void {
    const i = this.view.barOfTime(from);
    const j = this.view.barOfTime(to);
    const pad = Math.max(10, Math.round((j - i) * 0.5));
    void this.view.show(i - pad, j + 1 + pad);
  }

  private price(x: number): string {
    return fmtPrice(x, this.decimals);
  }

  private removeOverlays(): void {
    for (const o of this.overlays) this.chart.removeSeries(o.series);
    this.overlays = [];
  }

  private draw(d: Drawn, times: readonly UTCTimestamp[]): boolean {
    if (d !== this.candlesDrawn) this.drawCandles(d, times);
    const run = d.run?.jobId === this.jobId ? d.run : null;
    for (const o of this.overlays) {
      const values = run?.overlays[o.spec.id];
      o.series.setData(values ? linePoints(times, values) : []);
    }
    this.markers.setMarkers(this.tradeMarkers(d));
    this.showLegend(null);
    return true;
  }

  private drawCandles(d: Drawn, times: readonly UTCTimestamp[]): void {
    // How many bars a point stands for in view (1: every bar drawn as it is), for tests and curious readers.
    this.chart.chartElement().dataset.barsPerPoint = String(Math.max(1, d.plan.fine / 4));
    const c = d.candles;
    const candles = new Array<CandlestickData<Time>>(times.length);
    const volume = new Array(times.length);
    for (let j = 0; j < times.length; j++) {
      const time = times[j];
      candles[j] = { time, open: c.open[j], high: c.high[j], low: c.low[j], close: c.close[j] };
      volume[j] = { time, value: c.volume[j], color: c.close[j] >= c.open[j] ? "rgba(38,166,154,0.35)" : "rgba(239,83,80,0.35)" };
    }
    const intraday = d.times.some((t) => t % 86_400_000 !== 0);
    this.chart.applyOptions({ timeScale: { timeVisible: intraday } });
    this.candles.setData(candles);
    this.volume.setData(volume);
    this.candlesDrawn = d;
  }

  /**
   * Entry and exit arrows on the points that draw them, one of each kind per
   * point, in the detailed part of the view (the view and half a view either
   * side); none when that holds more than MAX_MARKERS.
   */
  private tradeMarkers(d: Drawn): SeriesMarker<Time>[] {
    const { points, fineFrom, fineTo, n } = d.plan;
    const from = d.times[Math.max(0, upperBound(points, fineFrom) - 1)];
    const to = fineTo >= n ? Infinity : d.times[Math.max(0, upperBound(points, fineTo) - 1)];
    const inView = this.trades.filter((t) => t.exitTime >= from && t.entryTime < to);
    this.markerNote = inView.length * 2 > MAX_MARKERS ? `${fmtInt(inView.length)} trades here: zoom in to mark them` : "";
    if (this.markerNote) return [];
    // Words on a few markers help; on many they only cover the candles.
    const labels = inView.length <= 16;
    const byKey = new Map<string, SeriesMarker<Time>>();
    const add = (ms: number, up: boolean, good: boolean, text: string) => {
      if (ms < from || ms >= to) return;
      const time = this.view.pointTime(ms);
      if (time === null) return;
      const key = `${time}:${up}:${good}`;
      if (byKey.has(key)) return;
      byKey.set(key, {
        time, position: up ? "belowBar" : "aboveBar", shape: up ? "arrowUp" : "arrowDown",
        color: good ? "#1e8e3e" : "#c5221f", text: labels ? text : undefined,
      });
    };
    for (const t of inView) {
      const long = t.side === "long";
      add(t.entryTime, long, long, long ? "Buy" : "Short");
      add(t.exitTime, !long, !long, long ? "Sell" : "Cover");
    }
    return [...byKey.values()].sort((a, b) => (a.time as number) - (b.time as number));
  }

  private showLegend(p: MouseEventParams<Time> | null): void {
    const data = this.candles.data();
    if (data.length === 0) {
      this.legend.textContent = "";
      return;
    }
    const at = p?.seriesData.get(this.candles as ISeriesApi<SeriesType>) as CandlestickData<Time> | undefined;
    const c = at ?? (data[data.length - 1] as CandlestickData<Time>);
    const parts: (string | HTMLElement)[] = [
      `${this.symbol} ${fmtTime((c.time as number) * 1000)}  O ${this.price(c.open)}  H ${this.price(c.high)}  L ${this.price(c.low)}  C ${this.price(c.close)}`,
    ];
    for (const o of this.overlays) {
      const point = p?.seriesData.get(o.series as ISeriesApi<SeriesType>) as LineData | undefined;
      const value = p ? point?.value : lastDefined(o.series);
      const chip = document.createElement("span");
      chip.className = "legend-item";
      chip.style.setProperty("--swatch", o.spec.color);
      // Lines over the candles are prices; those below (RSI) are not.
      chip.textContent = `${o.spec.label} ${value === undefined ? "—" : o.spec.pane === "price" ? this.price(value) : fmtNum(value, 2)}`;
      parts.push(chip);
    }
    if (this.markerNote) parts.push(this.markerNote);
    this.legend.replaceChildren(...parts);
  }
}

function lastDefined(series: ISeriesApi<"Line">): number | undefined {
  const data = series.data();
  for (let k = data.length - 1; k >= 0; k--) {
    const v = (data[k] as LineData).value;
    if (v !== undefined) return v;
  }
  return undefined;
}

export class EquityChart {
  readonly chart: IChartApi;
  private readonly equity: ISeriesApi<"Line">;
  private readonly benchmark: ISeriesApi<"Line">;
  private readonly drawdown: ISeriesApi<"Area">;
  private readonly sharpe: ISeriesApi<"Line">;
  private readonly volatility: ISeriesApi<"Line">;
  private readonly member: Member;
  /** The run whose curves are drawn (0: none). */
  private jobId = 0;
  private benchmarkName = "";

  constructor(container: HTMLElement, private readonly legend: HTMLElement, view: BarView) {
    this.chart = createChart(container, baseOptions());
    const money = { type: "custom", formatter: (x: number) => (Math.abs(x) >= 10_000 ? fmtInt(x) : fmtMoney(x)), minMove: 0.01 } as const;
    this.equity = this.chart.addSeries(LineSeries, { color: "#1a73e8", lineWidth: 2, priceLineVisible: false, title: "Equity", priceFormat: money });
    this.benchmark = this.chart.addSeries(LineSeries, {
      color: "#80868b", lineWidth: 1, lineStyle: LineStyle.Dashed, priceLineVisible: false, lastValueVisible: false,
      crosshairMarkerVisible: false, title: "", priceFormat: money,
    });
    this.drawdown = this.chart.addSeries(AreaSeries, {
      lineColor: DOWN, topColor: "rgba(239,83,80,0.05)", bottomColor: "rgba(239,83,80,0.45)", lineWidth: 1,
      priceLineVisible: false, title: "Drawdown", invertFilledArea: true,
      priceFormat: { type: "custom", formatter: (x: number) => fmtPct(x, 1), minMove: 0.0001 },
    }, 1);
    this.sharpe = this.chart.addSeries(LineSeries, {
      color: "#7b1fa2", lineWidth: 1, priceLineVisible: false, title: "Rolling Sharpe",
      priceFormat: { type: "custom", formatter: (x: number) => x.toFixed(2), minMove: 0.01 },
    }, 2);
    this.volatility = this.chart.addSeries(LineSeries, {
      color: "#e37400", lineWidth: 1, priceLineVisible: false, title: "Rolling volatility",
      priceFormat: { type: "custom", formatter: (x: number) => fmtPct(x, 1), minMove: 0.0001 },
    }, 3);
    this.sizePanes();
    this.chart.subscribeCrosshairMove((p) => this.showLegend(p));
    this.member = view.join(this.chart, (d, times) => this.draw(d, times));
  }

  /** The run whose curves to draw from the view's next points on. */
  setRun(jobId: number): void {
    this.jobId = jobId;
  }

  clear(): void {
    this.jobId = 0;
    this.member.drawn = false;
    for (const s of [this.equity, this.benchmark, this.drawdown, this.sharpe, this.volatility]) s.setData([]);
    this.legend.textContent = "";
  }

  setLogScale(on: boolean): void {
    setLogScale(this.chart, on);
  }

  private draw(d: Drawn, times: readonly UTCTimestamp[]): boolean {
    if (d.run === null || d.run.jobId !== this.jobId) return false;
    const c = d.run.curves;
    const line = (values: Float64Array) => linePoints(times, values);
    this.benchmarkName = c.benchmark?.name ?? "";
    this.equity.setData(line(c.equity));
    this.drawdown.setData(line(c.drawdown));
    this.benchmark.setData(c.benchmark ? line(c.benchmark.equity) : []);
    this.sharpe.setData(line(c.rolling.sharpe));
    this.volatility.setData(line(c.rolling.volatility));
    this.showLegend(null);
    return true;
  }

  /** Equity half the height; drawdown, rolling Sharpe and volatility share the rest (stretch factors survive resizes and new data, heights do not). */
  private sizePanes(): void {
    [3, 1.2, 0.9, 0.9].forEach((f, i) => this.chart.panes()[i]?.setStretchFactor(f));
  }

  private showLegend(p: MouseEventParams<Time> | null): void {
    const eq = this.equity.data();
    if (eq.length === 0) return;
    // Every line has a point (or whitespace) at every time: look them up by the crosshair's, else the last.
    const at = (s: ISeriesApi<"Line"> | ISeriesApi<"Area">) => (p?.time !== undefined
      ? (p.seriesData.get(s as ISeriesApi<SeriesType>) as LineData | undefined)?.value
      : lastValue(s));
    const equity = at(this.equity);
    const time = p?.time ?? eq[eq.length - 1].time;
    const bench = at(this.benchmark);
    const dd = at(this.drawdown);
    const sharpe = at(this.sharpe);
    const vol = at(this.volatility);
    this.legend.textContent = `${fmtTime((time as number) * 1000)}  Equity ${equity === undefined ? "—" : fmtMoney(equity)}` +
      (bench === undefined ? "" : `  ${this.benchmarkName} ${fmtMoney(bench)}`) +
      (dd === undefined ? "" : `  Drawdown ${fmtPct(dd, 2)}`) +
      (sharpe === undefined ? "" : `  Rolling Sharpe ${sharpe.toFixed(2)}`) +
      (vol === undefined ? "" : `  Rolling volatility ${fmtPct(vol, 1)}`);
  }
}

function lastValue(series: ISeriesApi<"Line"> | ISeriesApi<"Area">): number | undefined {
  const last = series.data().at(-1) as LineData | undefined;
  return last?.value;
}
