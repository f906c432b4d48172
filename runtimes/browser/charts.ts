// The interactive charts, drawn by lightweight-charts: candles with volume,
// the strategy's indicator overlays and trade markers; equity and drawdown
// below, on a time scale kept in step with the candles.
import {
  CandlestickSeries, ColorType, CrosshairMode, HistogramSeries, LineSeries, LineStyle, AreaSeries,
  createChart, createSeriesMarkers,
  type IChartApi, type IPriceLine, type ISeriesApi, type ISeriesMarkersPluginApi, type MouseEventParams, type SeriesMarker,
  type SeriesType, type Time, type UTCTimestamp, type WhitespaceData, type LineData,
} from "lightweight-charts";
import type { BarSeries } from "../../src/core/data.ts";
import type { TradeRecord } from "../../src/portfolio/trades.ts";
import type { OverlaySpec } from "./protocol.ts";
import { fmtInt, fmtMoney, fmtPct, fmtPrice, fmtTime } from "./format.ts";

const UP = "#26a69a";
const DOWN = "#ef5350";
const GRID = "#eef0f3";
const TEXT = "#3c4043";

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
    // The same width on both charts keeps their bars lined up.
    rightPriceScale: { borderColor: "#dadce0", minimumWidth: 84 },
    // A small minimum spacing lets a whole long series (20 years of days) fit the width.
    timeScale: { borderColor: "#dadce0", timeVisible: false, minBarSpacing: 0.02 },
  };
}

/** Values as line points, with NaN (not yet defined) as whitespace so indices stay aligned. */
function linePoints(time: ArrayLike<number>, values: ArrayLike<number>): (LineData | WhitespaceData)[] {
  const out = new Array<LineData | WhitespaceData>(values.length);
  for (let i = 0; i < values.length; i++) {
    const t = toTime(time[i]);
    out[i] = Number.isFinite(values[i]) ? { time: t, value: values[i] } : { time: t };
  }
  return out;
}

export class PriceChart {
  readonly chart: IChartApi;
  private readonly candles: ISeriesApi<"Candlestick">;
  private readonly volume: ISeriesApi<"Histogram">;
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  private overlays: { spec: OverlaySpec; series: ISeriesApi<"Line">; levels: IPriceLine[] }[] = [];
  private bars: BarSeries | null = null;

  constructor(container: HTMLElement, private readonly legend: HTMLElement) {
    this.chart = createChart(container, {
      ...baseOptions(),
      timeScale: { ...baseOptions().timeScale, timeVisible: false },
    });
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
  }

  setBars(bars: BarSeries): void {
    this.bars = bars;
    const n = bars.close.length;
    const candles = new Array(n);
    const volume = new Array(n);
    const intraday = n > 0 && Array.prototype.some.call(bars.time, (t: number) => t % 86_400_000 !== 0);
    for (let i = 0; i < n; i++) {
      const time = toTime(bars.time[i]);
      candles[i] = { time, open: bars.open[i], high: bars.high[i], low: bars.low[i], close: bars.close[i] };
      volume[i] = { time, value: bars.volume[i], color: bars.close[i] >= bars.open[i] ? "rgba(38,166,154,0.35)" : "rgba(239,83,80,0.35)" };
    }
    this.chart.applyOptions({ timeScale: { timeVisible: intraday } });
    this.candles.setData(candles);
    this.volume.setData(volume);
    this.setOverlays([], {});
    this.setTrades([]);
    this.chart.timeScale().fitContent();
    this.showLegend(null);
  }

  setOverlays(specs: readonly OverlaySpec[], values: Record<string, Float64Array>): void {
    const bars = this.bars;
    const drawn = bars ? specs.filter((s) => values[s.id]) : [];
    // The same lines as before (a re-run): new values into the existing series, so panes stay put.
    const same = drawn.length === this.overlays.length && drawn.every((s, i) => this.overlays[i].spec.id === s.id && this.overlays[i].spec.pane === s.pane);
    if (!same) {
      for (const o of this.overlays) this.chart.removeSeries(o.series);
      this.overlays = drawn.map((spec) => ({ spec, series: this.chart.addSeries(LineSeries, {}, spec.pane === "price" ? 0 : 1), levels: [] }));
    }
    this.overlays.forEach((o, i) => {
      const spec = drawn[i];
      o.spec = spec;
      o.series.applyOptions({
        color: spec.color, lineWidth: spec.kind === "bbands.middle" ? 1 : 2,
        lineStyle: spec.kind === "bbands.middle" ? LineStyle.Dashed : LineStyle.Solid,
        priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false, title: spec.pane === "lower" ? spec.label : "",
      });
      o.series.setData(linePoints(bars!.time, values[spec.id]));
      for (const line of o.levels) o.series.removePriceLine(line);
      o.levels = (spec.levels ?? []).map((price) => o.series.createPriceLine({
        price, color: spec.color, lineWidth: 1, lineStyle: LineStyle.Dotted, axisLabelVisible: true, title: "",
      }));
    });
    if (!same) this.chart.panes()[1]?.setHeight(110);
    this.showLegend(null);
  }

  setTrades(trades: readonly TradeRecord[]): void {
    // Words on a few markers help; on many they only cover the candles.
    const labels = trades.length <= 16;
    const markers: SeriesMarker<Time>[] = [];
    for (const t of trades) {
      const long = t.side === "long";
      markers.push({
        time: toTime(t.entryTime), position: long ? "belowBar" : "aboveBar", shape: long ? "arrowUp" : "arrowDown",
        color: long ? "#1e8e3e" : "#c5221f", text: labels ? (long ? "Buy" : "Short") : undefined,
      });
      markers.push({
        time: toTime(t.exitTime), position: long ? "aboveBar" : "belowBar", shape: long ? "arrowDown" : "arrowUp",
        color: long ? "#c5221f" : "#1e8e3e", text: labels ? (long ? "Sell" : "Cover") : undefined,
      });
    }
    markers.sort((a, b) => (a.time as number) - (b.time as number));
    this.markers.setMarkers(markers);
  }

  /** Shows every bar. */
  fit(): void {
    this.chart.timeScale().fitContent();
  }

  /** Zooms to a span of time (a trade) with some room either side. */
  focus(from: number, to: number): void {
    const bars = this.bars;
    if (!bars) return;
    const i = lowerBound(bars.time, from);
    const j = lowerBound(bars.time, to);
    const pad = Math.max(10, Math.round((j - i) * 0.5));
    this.chart.timeScale().setVisibleLogicalRange({ from: i - pad, to: j + pad });
  }

  private showLegend(p: MouseEventParams<Time> | null): void {
    const bars = this.bars;
    if (!bars || bars.close.length === 0) {
      this.legend.textContent = "";
      return;
    }
    let i = bars.close.length - 1;
    if (p?.logical !== undefined && p.logical !== null && p.time !== undefined) i = Math.max(0, Math.min(i, Math.round(p.logical)));
    const parts: (string | HTMLElement)[] = [
      `${bars.symbol} ${fmtTime(bars.time[i])}  O ${fmtPrice(bars.open[i])}  H ${fmtPrice(bars.high[i])}  L ${fmtPrice(bars.low[i])}  C ${fmtPrice(bars.close[i])}`,
    ];
    for (const o of this.overlays) {
      const point = p?.seriesData.get(o.series as ISeriesApi<SeriesType>) as LineData | undefined;
      const value = p ? point?.value : lastDefined(o.series);
      const chip = document.createElement("span");
      chip.className = "legend-item";
      chip.style.setProperty("--swatch", o.spec.color);
      chip.textContent = `${o.spec.label} ${value === undefined ? "—" : fmtPrice(value)}`;
      parts.push(chip);
    }
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

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class EquityChart {
  readonly chart: IChartApi;
  private readonly equity: ISeriesApi<"Line">;
  private readonly drawdown: ISeriesApi<"Area">;

  constructor(container: HTMLElement, private readonly legend: HTMLElement) {
    this.chart = createChart(container, baseOptions());
    this.equity = this.chart.addSeries(LineSeries, {
      color: "#1a73e8", lineWidth: 2, priceLineVisible: false, title: "Equity",
      priceFormat: { type: "custom", formatter: (x: number) => (Math.abs(x) >= 10_000 ? fmtInt(x) : fmtMoney(x)), minMove: 0.01 },
    });
    this.drawdown = this.chart.addSeries(AreaSeries, {
      lineColor: DOWN, topColor: "rgba(239,83,80,0.05)", bottomColor: "rgba(239,83,80,0.45)", lineWidth: 1,
      priceLineVisible: false, title: "Drawdown", invertFilledArea: true,
      priceFormat: { type: "custom", formatter: (x: number) => fmtPct(x, 1), minMove: 0.0001 },
    }, 1);
    this.chart.panes()[1]?.setHeight(110);
    this.chart.subscribeCrosshairMove((p) => this.showLegend(p));
  }

  setCurve(time: readonly number[], equity: readonly number[], drawdown: readonly number[]): void {
    this.equity.setData(linePoints(time, equity));
    this.drawdown.setData(linePoints(time, drawdown));
    this.chart.panes()[1]?.setHeight(110);
    this.showLegend(null);
  }

  get hasData(): boolean {
    return this.equity.data().length > 0;
  }

  clear(): void {
    this.equity.setData([]);
    this.drawdown.setData([]);
    this.legend.textContent = "";
  }

  private showLegend(p: MouseEventParams<Time> | null): void {
    const eq = this.equity.data();
    if (eq.length === 0) return;
    const dd = this.drawdown.data();
    let i = eq.length - 1;
    if (p?.logical !== undefined && p.logical !== null && p.time !== undefined) i = Math.max(0, Math.min(i, Math.round(p.logical)));
    const e = eq[i] as LineData;
    const d = dd[i] as LineData;
    this.legend.textContent = `${fmtTime((e.time as number) * 1000)}  Equity ${fmtMoney(e.value)}  Drawdown ${fmtPct(d.value, 2)}`;
  }
}

/**
 * Keeps the visible bar range of two charts over the same bars in step,
 * while `active()` says both hold those bars.
 */
export function linkTimeScales(a: IChartApi, b: IChartApi, active: () => boolean): void {
  let syncing = false;
  const link = (from: IChartApi, to: IChartApi) =>
    from.timeScale().subscribeVisibleLogicalRangeChange((range) => {
      if (!range || syncing || !active()) return;
      syncing = true;
      to.timeScale().setVisibleLogicalRange(range);
      syncing = false;
    });
  link(a, b);
  link(b, a);
}

