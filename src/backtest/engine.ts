import { TestClock } from "../core/clock.ts";
import type { BarSeries, SymbolId } from "../core/data.ts";
import type { DroppedSignal } from "../core/signal.ts";
import { periodsPerYear } from "../core/dates.ts";
import { ConfigError } from "../core/errors.ts";
import { TradingEngine, type BarUpdate } from "../execution/engine.ts";
import { SeriesHistory } from "../execution/history.ts";
import { SimulatedVenue } from "../execution/venue.ts";
import type { Strategy } from "../strategies/strategy.ts";
import { engineSettings, resolveConfig, venueOptions, type BacktestConfig, type Resolved, type RunSnapshot } from "./config.ts";
import { cagr, drawdownCurve, equityRatios, toArray } from "./metrics.ts";
import type { BacktestReport } from "./types.ts";

export type { BacktestConfig, EngineEvent, RebalanceSchedule, RunSnapshot } from "./config.ts";

const MS_PER_YEAR = 365.25 * 86_400_000;

/**
 * Replays bar series through the pipeline: strategy → signal → pre-trade
 * checks → orders → simulated venue → portfolio → equity curve. A strategy
 * decides on bar t's close; its orders are live from bar t+1.
 */
export function runBacktest(series: BarSeries | readonly BarSeries[], strategy: StrategyChoice, config: BacktestConfig = {}): BacktestReport {
  return new Backtest(series, strategy, config).run();
}

/** One strategy instance per symbol (a factory), one shared instance for a single symbol, or none (rebalancing only). */
export type StrategyChoice = Strategy | ((symbol: SymbolId) => Strategy) | null;

/**
 * One run over one or more aligned series (same bar times), steppable bar by
 * bar (jobs and the page step it in slices) or run to the end. It is the
 * trading engine (src/execution/engine.ts) on a test clock set to each bar's
 * time, against the simulated venue: the same engine and venue a paper
 * session uses, fed from arrays instead of a live source.
 */
export class Backtest {
  private readonly cfg: Resolved;
  private readonly series: readonly BarSeries[];
  private readonly engine: TradingEngine;
  private readonly venue: SimulatedVenue;
  private readonly clock = new TestClock();
  private readonly time: Float64Array;
  private readonly strategyName: string;
  /** The strategy instances (one, or one per symbol), for the signals they dropped. */
  private readonly strategies: readonly Strategy[];
  private readonly slice: { symbol: SymbolId; bar: BarUpdate["bar"] }[];
  private next = 0;
  private elapsedMs = 0;

  constructor(series: BarSeries | readonly BarSeries[], strategy: StrategyChoice, config: BacktestConfig = {}) {
    this.cfg = resolveConfig(config);
    const list = Array.isArray(series) ? (series as readonly BarSeries[]) : [series as BarSeries];
    checkAligned(list);
    if (list.length > 1 && strategy !== null && typeof strategy !== "function") {
      throw new ConfigError("several series need a strategy factory (symbol => Strategy): one instance would mix their indicator state", { field: "strategy" });
    }
    this.series = list;
    this.time = list[0].time;
    this.venue = new SimulatedVenue(venueOptions(this.cfg));
    const books = list.map((s) => ({ symbol: s.symbol, strategy: typeof strategy === "function" ? strategy(s.symbol) : strategy, history: new SeriesHistory(s) }));
    this.strategyName = strategy === null ? (this.cfg.book?.name ?? "rebalance") : books[0].strategy!.name;
    this.strategies = [...new Set(books.flatMap((b) => (b.strategy ? [b.strategy] : [])))];
    this.engine = new TradingEngine(books, engineSettings(this.cfg), this.clock, this.venue, this.time.length);
    this.slice = list.map((s) => ({ symbol: s.symbol, bar: undefined as unknown as BarUpdate["bar"] }));
  }

  get done(): boolean {
    return this.next >= this.time.length;
  }

  /** Runs every remaining bar and returns the report. */
  run(): BacktestReport {
    const n = this.time.length;
    const { onProgress } = this.cfg;
    const started = this.cfg.now();
    while (this.next < n) {
      this.step();
      if ((this.next & 0xffff) === 0 && onProgress) onProgress(this.next, n);
    }
    this.elapsedMs += this.cfg.now() - started;
    onProgress?.(n, n);
    return this.report();
  }

  /** One moment: the bars of every symbol at the next time, through the venue and then the engine. */
  step(): void {
    const i = this.next++;
    const { slice, series } = this;
    for (let k = 0; k < series.length; k++) {
      const s = series[k];
      slice[k].bar = { time: s.time[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] };
    }
    this.clock.set(this.time[i]);
    this.engine.beginBars(slice);
    if (slice.length === 1) this.venue.onBar(slice[0].symbol, slice[0].bar);
    else this.venue.onBars(slice);
    this.engine.onBars(slice);
    this.engine.flush();
  }

  snapshot(): RunSnapshot {
    const snap = this.engine.snapshot(this.time.length);
    return this.next > 0 ? snap : { ...snap, time: this.time[0] };
  }

  /** The report over the bars processed so far. */
  report(): BacktestReport {
    const { cfg, time, engine } = this;
    const n = Math.max(1, this.next);
    // At the end of a run, the engine's own curve (no copy of a million values).
    const equity = this.next === 0 ? [cfg.initialCash] : engine.equity;
    const perYear = cfg.periodsPerYear ?? periodsPerYear(time);
    const { sharpe, sortino } = equityRatios(equity, perYear);
    const curve = drawdownCurve(equity);
    const trades = engine.trades.closed;
    const wins = trades.filter((t) => t.pnl > 0).length;
    const finalEquity = equity[n - 1];
    return {
      symbol: this.series.map((s) => s.symbol).join(","),
      strategy: { name: this.strategyName, params: cfg.params ?? {} },
      bars: n,
      start: time[0],
      end: time[n - 1],
      initialCash: cfg.initialCash,
      finalEquity,
      totalReturn: finalEquity / cfg.initialCash - 1,
      cagr: cagr(cfg.initialCash, finalEquity, (time[n - 1] - time[0]) / MS_PER_YEAR),
      sharpe,
      sortino,
      maxDrawdown: curve.max,
      winRate: trades.length ? wins / trades.length : 0,
      exposure: engine.exposedCount / n,
      totalCommission: engine.portfolio.totalCommissions.toNumber(),
      trades,
      rejections: engine.rejections,
      resized: engine.resized,
      periodsPerYear: perYear,
      equity: { time: toArray(time.subarray(0, n)), equity, drawdown: curve.drawdown },
      barsPerSecond: this.elapsedMs > 0 ? Math.round(n / (this.elapsedMs / 1000)) : n * 1000,
      elapsedMs: this.elapsedMs,
      ...this.droppedSignals(),
    };
  }

  /** The signals the strategies dropped (a combination's, src/signals), by time; nothing for strategies without a signal layer. */
  private droppedSignals(): { droppedSignals?: DroppedSignal[] } {
    const layered = this.strategies.filter((s) => s.dropped !== undefined);
    if (layered.length === 0) return {};
    const all = layered.flatMap((s) => s.dropped!);
    // Stable: one strategy's drops stay in the order they happened.
    return { droppedSignals: layered.length === 1 ? [...all] : all.sort((a, b) => a.time - b.time) };
  }
}

/** Several series must share bar times, so one step is one moment for every symbol. */
function checkAligned(list: readonly BarSeries[]): void {
  if (list.length === 0) throw new ConfigError("no bar series given", { field: "data" });
  const [first] = list;
  if (first.close.length === 0) throw new ConfigError("the bar series is empty", { field: "data" });
  const symbols = new Set<string>();
  for (const s of list) {
    if (symbols.has(s.symbol)) throw new ConfigError(`symbol ${s.symbol} appears twice`, { field: "data" });
    symbols.add(s.symbol);
    if (s.time.length !== first.time.length) {
      throw new ConfigError(`${s.symbol} has ${s.time.length} bars but ${first.symbol} has ${first.time.length}; series must share bar times`, { field: "data" });
    }
    // The same times as the first series (the first itself) need no comparison: it read every bar time of a one-series run for nothing.
    if (s.time === first.time) continue;
    for (let i = 0; i < s.time.length; i++) {
      if (s.time[i] !== first.time[i]) {
        throw new ConfigError(`${s.symbol} bar ${i + 1} is at ${new Date(s.time[i]).toISOString()} but ${first.symbol}'s is at ${new Date(first.time[i]).toISOString()}; series must share bar times`, { field: "data" });
      }
    }
  }
}
