import type { Bar, BarSeries, Quote, SymbolId, Tick } from "../core/data.ts";
import type { Timeframe } from "./timeframe.ts";

/**
 * What a market-data source delivers. A bar carries its symbol (the core
 * Bar does not) and its interval (none for bars cut by volume); `time` is
 * the bar's close, as everywhere in the engine, whatever the vendor stamps.
 */
export type MarketEvent =
  | { readonly kind: "trade"; readonly trade: Tick }
  | { readonly kind: "quote"; readonly quote: Quote }
  | { readonly kind: "bar"; readonly symbol: SymbolId; readonly bar: Bar; readonly timeframe?: Timeframe };

/** Symbols per channel; "*" asks for every symbol where the source allows it. */
export interface Channels {
  readonly trades?: readonly SymbolId[];
  readonly quotes?: readonly SymbolId[];
  readonly bars?: readonly SymbolId[];
}

/** How a live source is doing, for status lines and tests. */
export type FeedStatus =
  | { readonly state: "connecting" }
  | { readonly state: "live" }
  | { readonly state: "reconnecting"; readonly reason: string; readonly retryInMs: number }
  | { readonly state: "closed"; readonly reason: string };

export interface MarketDataListener {
  onEvent(event: MarketEvent): void;
  /**
   * Something went wrong that the listener should know of: a malformed
   * message (skipped), an error the server reported, a lost connection. A
   * fatal one (bad credentials) also ends the feed with status "closed".
   */
  onError?(error: Error): void;
  onStatus?(status: FeedStatus): void;
}

export interface HistoricalBarsRequest {
  readonly symbol: SymbolId;
  readonly timeframe: Timeframe;
  /** Epoch ms, inclusive: bars whose window starts at or after it. */
  readonly start: number;
  /** Epoch ms, inclusive: bars whose window starts at or before it. */
  readonly end: number;
  /** Page size asked of the vendor; all pages are read either way. */
  readonly pageSize?: number;
}

/**
 * One interface over every source of market data: live vendors (Alpaca,
 * Polygon), replayed files and the synthetic generator. A strategy or the
 * paper exchange sees the same events from each.
 */
export interface MarketData {
  /** "alpaca", "polygon", "replay", "synthetic". */
  readonly name: string;
  /**
   * Adds the channels to what the source streams (the first call starts it)
   * and delivers their events to the listener. The returned function
   * removes this listener's channels again.
   */
  subscribe(channels: Channels, listener: MarketDataListener): () => void;
  /** The most recent quote; a source without quotes rejects with a MarketDataError. */
  latestQuote(symbol: SymbolId): Promise<Quote>;
  /** Bars of one symbol, every page read, in time order, Bar.time the bar's close. */
  historicalBars(request: HistoricalBarsRequest): Promise<BarSeries>;
  /** Stops streaming and releases the connection. */
  close(): void;
}

/** Symbols in a channel list, de-duplicated, in first-seen order. */
export function symbolsOf(list: readonly SymbolId[] | undefined): SymbolId[] {
  return [...new Set(list ?? [])];
}

/** Columns from a list of bars (already in time order). */
export function barsToSeries(symbol: SymbolId, bars: readonly Bar[]): BarSeries {
  const n = bars.length;
  const s = {
    symbol, time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n),
    low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n),
  };
  bars.forEach((b, i) => {
    s.time[i] = b.time;
    s.open[i] = b.open;
    s.high[i] = b.high;
    s.low[i] = b.low;
    s.close[i] = b.close;
    s.volume[i] = b.volume;
  });
  return s;
}
