/** Market data. Prices here are float64 (analytics); money is Decimal only once it reaches orders and fills. */

/** A ticker such as "SPX" or "AAPL": non-empty, no whitespace. */
export type SymbolId = string;

/** One OHLCV bar; `time` is the bar's close time in epoch milliseconds (UTC). */
export interface Bar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A trade print. */
export interface Tick {
  readonly symbol: SymbolId;
  readonly time: number;
  readonly price: number;
  readonly size: number;
}

/** Top of book. */
export interface Quote {
  readonly symbol: SymbolId;
  readonly time: number;
  readonly bidPrice: number;
  readonly bidSize: number;
  readonly askPrice: number;
  readonly askSize: number;
}

/**
 * A series of bars in columns, the shape kernels and strategies read.
 * Invariants (enforced by the loaders): equal lengths, strictly increasing
 * time, low <= open/close <= high, volume >= 0.
 */
export interface BarSeries {
  readonly symbol: SymbolId;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export function barAt(s: BarSeries, i: number): Bar {
  return { time: s.time[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] };
}

export interface BarHistory {
  /** Number of bars seen so far, the current one included. */
  readonly length: number;
  /** Bar i (0 = first); i must be < length. */
  at(i: number): Bar;
}
