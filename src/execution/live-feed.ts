import type { Scheduler } from "../core/clock.ts";
import type { Bar, BarSeries, SymbolId } from "../core/data.ts";
import { barAt } from "../core/data.ts";
import { MarketDataError } from "../core/errors.ts";
import type { MarketData } from "../feeds/market-data.ts";
import type { Timeframe } from "../feeds/timeframe.ts";
import type { BarUpdate } from "./engine.ts";
import { runSteps } from "./runner.ts";
import type { BarFeed, TradingSession } from "./session.ts";

/**
 * A BarFeed that grows as bars arrive (from history first, then a live
 * stream). Bars are gathered into moments: the moment at time t is released
 * once every symbol has delivered a bar at t or later, so several symbols
 * trade on aligned closes and a symbol without a bar at t is simply absent
 * from that moment (the engine marks it at its last close). A bar at or
 * before the last released moment is late or a repeat and is dropped.
 * Released moments stay readable from the start, which is what a restart
 * replays.
 */
export class LiveBarFeed implements BarFeed {
  private readonly moments: BarUpdate[][] = [];
  private readonly pending = new Map<number, Map<SymbolId, Bar>>();
  private readonly latest = new Map<SymbolId, number>();
  private releasedUpTo = -Infinity;
  private waiters: (() => void)[] = [];
  /** Bars dropped as late or repeated. */
  dropped = 0;
  /** Why the feed ended (the source closed for good), or null while it runs. */
  ended: Error | null = null;

  /** Bars closing at or before `after` (epoch ms) are before the feed's start, and dropped. */
  constructor(readonly symbols: readonly SymbolId[], after = -Infinity) {
    if (symbols.length === 0) throw new MarketDataError("a live feed needs at least one symbol");
    this.releasedUpTo = after;
  }

  get length(): number {
    return this.moments.length;
  }

  at(i: number): readonly BarUpdate[] {
    return this.moments[i];
  }

  /** Time of the last released moment (-Infinity before the first). */
  get lastTime(): number {
    return this.releasedUpTo;
  }

  push(symbol: SymbolId, bar: Bar): void {
    if (!this.symbols.includes(symbol)) return;
    if (bar.time <= this.releasedUpTo || bar.time <= (this.latest.get(symbol) ?? -Infinity)) {
      this.dropped++;
      return;
    }
    this.latest.set(symbol, bar.time);
    let at = this.pending.get(bar.time);
    if (!at) this.pending.set(bar.time, (at = new Map()));
    at.set(symbol, bar);
    this.release();
  }

  /** Every bar of these series, in time order. */
  pushSeries(series: readonly BarSeries[]): void {
    const all = series.flatMap((s) => Array.from({ length: s.close.length }, (_, i) => ({ symbol: s.symbol, bar: barAt(s, i) })));
    all.sort((a, b) => a.bar.time - b.bar.time);
    for (const u of all) this.push(u.symbol, u.bar);
  }

  /** Ends the feed: no more bars will come. */
  end(reason: Error): void {
    this.ended ??= reason;
    this.wake();
  }

  /** Resolves when a moment is released, the feed ends or the signal aborts. */
  grown(signal?: AbortSignal): Promise<void> {
    if (this.ended || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  private release(): void {
    let upTo = Infinity;
    for (const s of this.symbols) upTo = Math.min(upTo, this.latest.get(s) ?? -Infinity);
    if (upTo === -Infinity) return;
    const ready = [...this.pending.keys()].filter((t) => t <= upTo).sort((a, b) => a - b);
    if (ready.length === 0) return;
    for (const t of ready) {
      const at = this.pending.get(t)!;
      this.pending.delete(t);
      this.moments.push(this.symbols.filter((s) => at.has(s)).map((s) => ({ symbol: s, bar: at.get(s)! })));
      this.releasedUpTo = t;
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export interface LiveMarketOptions {
  readonly source: MarketData;
  readonly symbols: readonly SymbolId[];
  readonly timeframe: Timeframe;
  /** Epoch ms: the first traded bar is the one whose window starts here or later. */
  readonly from: number;
  /** The wall clock (epoch ms): history is read up to now, once the stream is subscribed. */
  readonly now: () => number;
  readonly onError?: (error: Error) => void;
}

/**
 * Fills a LiveBarFeed from `from` on: the source's history up to now, then
 * its live bars. The stream is subscribed first and its bars held back
 * until the history is in, so no bar falls between the two; repeats are
 * dropped by the feed. A source that closes for good ends the feed.
 * Returns the feed and the function that unsubscribes.
 */
export async function followMarket(opts: LiveMarketOptions): Promise<{ feed: LiveBarFeed; stop: () => void }> {
  const feed = new LiveBarFeed(opts.symbols, opts.from);
  let held: { symbol: SymbolId; bar: Bar }[] | null = [];
  let streaming!: () => void;
  let failed!: (error: Error) => void;
  const live = new Promise<void>((resolve, reject) => {
    streaming = resolve;
    failed = reject;
  });
  const stop = opts.source.subscribe({ bars: opts.symbols }, {
    onEvent: (e) => {
      if (e.kind !== "bar") return;
      if (held) held.push({ symbol: e.symbol, bar: e.bar });
      else feed.push(e.symbol, e.bar);
    },
    onError: (e) => opts.onError?.(e),
    onStatus: (s) => {
      if (s.state === "live") streaming();
      if (s.state !== "closed") return;
      const error = new MarketDataError(`${opts.source.name} market data closed: ${s.reason}`);
      failed(error);
      feed.end(error);
    },
  });
  try {
    // History is read once the stream is subscribed: a bar that closes in between is in one or the other.
    await live;
    const history = await Promise.all(opts.symbols.map((symbol) =>
      opts.source.historicalBars({ symbol, timeframe: opts.timeframe, start: opts.from, end: opts.now() })));
    feed.pushSeries(history);
  } catch (err) {
    stop();
    throw err;
  }
  const early = held;
  held = null;
  for (const u of early) feed.push(u.symbol, u.bar);
  return { feed, stop };
}

/**
 * Bars before `before` to warm the strategies up on: the last `count` of
 * each symbol within `lookbackMs`, aligned into moments as the live feed
 * aligns them.
 */
export async function warmupBars(source: MarketData, symbols: readonly SymbolId[], timeframe: Timeframe, before: number, count: number, lookbackMs: number): Promise<BarUpdate[][]> {
  if (count === 0) return [];
  const series = await Promise.all(symbols.map((symbol) =>
    source.historicalBars({ symbol, timeframe, start: before - lookbackMs, end: before - 1 })));
  const feed = new LiveBarFeed(symbols);
  feed.pushSeries(series);
  const moments = Array.from({ length: feed.length }, (_, i) => [...feed.at(i)]);
  return moments.slice(-count);
}

export interface LiveRunOptions {
  readonly scheduler: Scheduler;
  readonly signal: AbortSignal;
  readonly onSlice?: () => void;
}

/**
 * Trades a session on a growing feed until the signal aborts or the feed
 * ends: steps whatever bars are in, waits for the broker's answers, then
 * sleeps until the next bar.
 */
export async function runLive(session: TradingSession, feed: LiveBarFeed, opts: LiveRunOptions): Promise<void> {
  while (!opts.signal.aborted) {
    await runSteps(session, { scheduler: opts.scheduler, signal: opts.signal, onSlice: opts.onSlice });
    await session.settled();
    if (feed.ended) return;
    if (session.done) await feed.grown(opts.signal);
  }
}
