import type { BarSeries, Quote, SymbolId } from "../core/data.ts";
import { systemTimers, type TimerHandle, type Timers } from "../net/timers.ts";
import { TimeBarAggregator } from "./aggregator.ts";
import type { Channels, HistoricalBarsRequest, MarketData, MarketDataListener } from "./market-data.ts";
import { Subscriptions } from "./subscriptions.ts";
import type { Timeframe } from "./timeframe.ts";

export interface AggregatedFeedOptions {
  readonly timers?: Timers;
  /**
   * How long after a window ends its bar waits for late trades before it is
   * closed (ms; default 1000): trades reach us a little after their time.
   */
  readonly graceMs?: number;
}

/**
 * Bars of any interval built from a source's trades: subscribing to bars
 * of a symbol subscribes to its trades upstream and aggregates them
 * (TimeBarAggregator), so a strategy on 5-minute bars runs on a feed that
 * streams only trades or only minute bars, and sees the same bar events as
 * from history. A bar closes when a later trade arrives or, for a quiet
 * symbol, on a timer at its window's end plus the grace. Trades and quotes
 * asked for pass through; history and quotes come from the source.
 */
export class AggregatedFeed implements MarketData {
  readonly name: string;
  private readonly subs = new Subscriptions();
  private readonly aggregator: TimeBarAggregator;
  private readonly timers: Timers;
  private readonly graceMs: number;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;

  constructor(private readonly source: MarketData, readonly timeframe: Timeframe, options: AggregatedFeedOptions = {}) {
    this.name = `${source.name} trades as bars`;
    this.timers = options.timers ?? systemTimers;
    this.graceMs = options.graceMs ?? 1000;
    this.aggregator = new TimeBarAggregator(timeframe, (e) => this.subs.deliver(e));
  }

  subscribe(channels: Channels, listener: MarketDataListener): () => void {
    const { remove } = this.subs.add(channels, listener);
    const barSymbols = new Set(channels.bars ?? []);
    const upstream: MarketDataListener = {
      onEvent: (e) => {
        if (e.kind !== "trade") return this.subs.deliver(e);
        if (this.subs.wants("bars", e.trade.symbol)) {
          this.aggregator.trade(e.trade);
          this.arm();
        }
        if (this.subs.wants("trades", e.trade.symbol)) this.subs.deliver(e);
      },
      onError: (e) => listener.onError?.(e),
      onStatus: (s) => listener.onStatus?.(s),
    };
    // Bars are made here from trades; the source's own bars are not asked for.
    const off = this.source.subscribe({ trades: [...new Set([...(channels.trades ?? []), ...barSymbols])], quotes: channels.quotes }, upstream);
    return () => {
      off();
      remove();
    };
  }

  latestQuote(symbol: SymbolId): Promise<Quote> {
    return this.source.latestQuote(symbol);
  }

  historicalBars(req: HistoricalBarsRequest): Promise<BarSeries> {
    return this.source.historicalBars({ ...req, timeframe: this.timeframe });
  }

  close(): void {
    this.timers.clearTimeout(this.timer);
    this.aggregator.flushAll();
    this.source.close();
  }

  /** Keeps one timer, at the earliest open window's end plus the grace. */
  private arm(): void {
    const end = this.aggregator.nextEnd;
    if (end === undefined || end + this.graceMs >= this.timerAt) return;
    this.timers.clearTimeout(this.timer);
    this.timerAt = end + this.graceMs;
    this.timer = this.timers.setTimeout(() => {
      this.timerAt = Infinity;
      this.aggregator.flush(this.timers.now() - this.graceMs);
      this.arm();
    }, Math.max(0, end + this.graceMs - this.timers.now()));
  }
}
