import type { Bar, BarSeries, Quote, SymbolId } from "../core/data.ts";
import { ConfigError, MarketDataError } from "../core/errors.ts";
import { parseBarsCsv, type ParseBarsOptions } from "../data/csv.ts";
import { parseBarsParquet } from "../data/parquet.ts";
import { syntheticBars, type SyntheticBarsOptions } from "../data/synthetic.ts";
import { systemTimers, type TimerHandle, type Timers } from "../net/timers.ts";
import { barsToSeries, type Channels, type HistoricalBarsRequest, type MarketData, type MarketDataListener } from "./market-data.ts";
import { Subscriptions } from "./subscriptions.ts";
import type { Timeframe } from "./timeframe.ts";

/** Bars in time order, pulled one at a time; undefined at the end. */
export interface BarSource {
  next(): { readonly symbol: SymbolId; readonly bar: Bar } | undefined;
}

export interface PacedFeedOptions {
  /** Bars per second; 0 delivers as fast as possible (in slices, yielding between them). */
  readonly speed: number;
  /** The clock that paces delivery; a ManualClock in tests, so no test sleeps. */
  readonly timers?: Timers;
  /** Stamped on each bar event, when known. */
  readonly timeframe?: Timeframe;
  /** Bars per slice at speed 0 before yielding to other work (default 1000). */
  readonly sliceSize?: number;
}

/**
 * A bar source played out at a chosen speed as a MarketData feed: the same
 * bar events a live vendor gives, so a strategy cannot tell a replay from a
 * live session. Delivery starts with the first subscription. Bar i is due
 * i / speed seconds after the start on the injected clock; late timers
 * deliver everything due at once, so the pace never drifts. At speed 0 the
 * bars go out in slices with a zero-delay timer between them, which keeps a
 * browser tab or a server responsive during a long replay.
 */
export class PacedBarFeed implements MarketData {
  private readonly subs = new Subscriptions();
  private readonly timers: Timers;
  private started = false;
  private stopped = false;
  private startAt = 0;
  private timer: TimerHandle | undefined;
  private finish!: () => void;
  /** Resolves when the source is exhausted or the feed is closed. */
  readonly done: Promise<void>;
  /** Bars delivered so far. */
  delivered = 0;

  constructor(
    readonly name: string,
    private readonly source: BarSource,
    private readonly options: PacedFeedOptions,
    private readonly history?: (req: HistoricalBarsRequest) => BarSeries,
  ) {
    if (!(Number.isFinite(options.speed) && options.speed >= 0)) {
      throw new ConfigError(`speed must be a number of bars per second >= 0 (0: as fast as possible), got ${options.speed}`, { field: "speed" });
    }
    this.timers = options.timers ?? systemTimers;
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  subscribe(channels: Channels, listener: MarketDataListener): () => void {
    const { remove } = this.subs.add(channels, listener);
    if (!this.started) {
      this.started = true;
      this.startAt = this.timers.now();
      this.subs.status({ state: "live" });
      this.schedule(0);
    }
    return () => void remove();
  }

  latestQuote(symbol: SymbolId): Promise<Quote> {
    return Promise.reject(new MarketDataError(`${this.name} replays bars and has no quotes (asked for ${symbol})`, { field: "symbol" }));
  }

  async historicalBars(req: HistoricalBarsRequest): Promise<BarSeries> {
    if (!this.history) throw new MarketDataError(`${this.name} has no history to serve`, { field: "symbol" });
    return this.history(req);
  }

  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.clearTimeout(this.timer);
    this.subs.status({ state: "closed", reason: `closed after ${this.delivered} bars` });
    this.finish();
  }

  private schedule(ms: number): void {
    this.timer = this.timers.setTimeout(() => this.run(), ms);
  }

  private run(): void {
    if (this.stopped) return;
    const { speed, sliceSize = 1000 } = this.options;
    const limit = speed === 0 ? sliceSize : Infinity;
    const interval = speed === 0 ? 0 : 1000 / speed;
    for (let k = 0; k < limit; k++) {
      // Everything due by now goes out; the next bar waits for its time.
      if (speed > 0 && this.startAt + this.delivered * interval > this.timers.now()) {
        this.schedule(this.startAt + this.delivered * interval - this.timers.now());
        return;
      }
      const next = this.source.next();
      if (!next) {
        this.stopped = true;
        this.subs.status({ state: "closed", reason: `end of data after ${this.delivered} bars` });
        this.finish();
        return;
      }
      this.delivered++;
      this.subs.deliver({ kind: "bar", symbol: next.symbol, bar: next.bar, ...(this.options.timeframe ? { timeframe: this.options.timeframe } : {}) });
      if (this.stopped) return; // a listener closed the feed
    }
    this.schedule(0);
  }
}

/** Several series as one source in time order (ties: in the order given). */
export function seriesSource(series: readonly BarSeries[]): BarSource {
  const at = series.map(() => 0);
  return {
    next() {
      let best = -1;
      for (let s = 0; s < series.length; s++) {
        if (at[s] < series[s].time.length && (best < 0 || series[s].time[at[s]] < series[best].time[at[best]])) best = s;
      }
      if (best < 0) return undefined;
      const s = series[best], i = at[best]++;
      return { symbol: s.symbol, bar: { time: s.time[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] } };
    },
  };
}

/** Bars of the loaded series whose time (close) lies in [start, end]; the file's own interval, whatever the request's. */
function sliceHistory(series: readonly BarSeries[]): (req: HistoricalBarsRequest) => BarSeries {
  return (req) => {
    const s = series.find((x) => x.symbol === req.symbol);
    if (!s) throw new MarketDataError(`the replay has no bars for ${req.symbol}; it has ${series.map((x) => x.symbol).join(", ")}`, { field: "symbol" });
    const bars: Bar[] = [];
    for (let i = 0; i < s.time.length; i++) {
      if (s.time[i] >= req.start && s.time[i] <= req.end) bars.push({ time: s.time[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] });
    }
    return barsToSeries(s.symbol, bars);
  };
}

/** A replay of loaded series at `speed` bars per second. */
export function replayFeed(series: BarSeries | readonly BarSeries[], options: PacedFeedOptions): PacedBarFeed {
  const list = Array.isArray(series) ? series : [series as BarSeries];
  return new PacedBarFeed("replay", seriesSource(list), options, sliceHistory(list));
}

/**
 * A replay of a CSV or Parquet file, told apart by its first bytes (Parquet
 * starts with "PAR1"), so a file of either kind works under any name.
 */
export async function replayFile(bytes: Uint8Array, file: ParseBarsOptions, options: PacedFeedOptions): Promise<PacedBarFeed> {
  const isParquet = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
  const series = isParquet ? await parseBarsParquet(bytes, file) : parseBarsCsv(new TextDecoder().decode(bytes), file);
  return replayFeed(series, options);
}

/**
 * The synthetic generator as an endless live source: geometric Brownian
 * bars made in chunks as they are needed, each chunk opening at the last
 * close, one stepMs after the last bar, with a seed derived from the seed
 * and the chunk number, so the same seed gives the same stream everywhere.
 * `limit` ends it after that many bars.
 */
export function syntheticFeed(
  generator: Omit<SyntheticBarsOptions, "n"> & { readonly limit?: number; readonly chunk?: number },
  options: PacedFeedOptions,
): PacedBarFeed {
  const chunk = generator.chunk ?? 1000;
  const limit = generator.limit ?? Infinity;
  const step = generator.stepMs ?? 86_400_000;
  let current: BarSeries | undefined;
  let i = 0, made = 0, k = 0;
  let s0 = generator.s0 ?? 100;
  let start = generator.start ?? Date.UTC(2000, 0, 3);
  const source: BarSource = {
    next() {
      if (made >= limit) return undefined;
      if (!current || i === current.time.length) {
        current = syntheticBars({ ...generator, n: Math.min(chunk, limit - made), seed: (generator.seed + Math.imul(k++, 0x9e3779b9)) >>> 0, s0, start });
        i = 0;
        s0 = current.close[current.close.length - 1];
        start = current.time[current.time.length - 1] + step;
      }
      made++;
      const j = i++;
      return { symbol: current.symbol, bar: { time: current.time[j], open: current.open[j], high: current.high[j], low: current.low[j], close: current.close[j], volume: current.volume[j] } };
    },
  };
  return new PacedBarFeed("synthetic", source, options);
}
