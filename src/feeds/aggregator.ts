import type { Bar, SymbolId, Tick } from "../core/data.ts";
import { ConfigError } from "../core/errors.ts";
import type { MarketEvent } from "./market-data.ts";
import { timeframeMs, type Timeframe } from "./timeframe.ts";

type BarEvent = Extract<MarketEvent, { kind: "bar" }>;

interface Building {
  /** Time bars: the window's start; volume bars: unused. */
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  last: number;
}

/**
 * Trades into time bars of any fixed interval, per symbol. Windows are
 * aligned to `origin` (default the epoch, so 5-minute bars start at :00,
 * :05, ...); a bar's time is its window's end, as Bar.time is a close time,
 * so these bars line up with the vendors' bars of the same timeframe.
 *
 * A bar is emitted when a trade of a later window arrives, or when `flush`
 * is told the time has passed its end (a live feed calls it on a timer, so a
 * quiet symbol's bar is not held back until its next trade). A window
 * without trades gives no bar, as the vendors do. A trade older than the
 * window being built belongs to a bar already emitted; it is counted in
 * `late` and left out rather than changing history.
 */
export class TimeBarAggregator {
  readonly intervalMs: number;
  private readonly building = new Map<SymbolId, Building>();
  late = 0;

  constructor(
    readonly timeframe: Timeframe,
    private readonly emit: (event: BarEvent) => void,
    private readonly origin = 0,
  ) {
    const ms = timeframeMs(timeframe);
    if (ms === undefined) throw new ConfigError("time bars need a fixed interval (seconds to weeks), not months", { field: "timeframe" });
    this.intervalMs = ms;
  }

  trade(t: Tick): void {
    const start = this.origin + Math.floor((t.time - this.origin) / this.intervalMs) * this.intervalMs;
    const b = this.building.get(t.symbol);
    if (b && start === b.start) {
      extend(b, t);
      return;
    }
    if (b && start < b.start) {
      this.late++;
      return;
    }
    if (b) this.close(t.symbol, b);
    this.building.set(t.symbol, begin(start, t));
  }

  /** Emits every bar whose window has ended by `now` (epoch ms). */
  flush(now: number): void {
    for (const [symbol, b] of this.building) if (b.start + this.intervalMs <= now) this.close(symbol, b);
  }

  /** Emits every bar still being built, ended or not (the end of a replay). */
  flushAll(): void {
    for (const [symbol, b] of this.building) this.close(symbol, b);
  }

  /** When the earliest bar being built ends, for a live feed's flush timer; undefined when none. */
  get nextEnd(): number | undefined {
    let min: number | undefined;
    for (const b of this.building.values()) if (min === undefined || b.start + this.intervalMs < min) min = b.start + this.intervalMs;
    return min;
  }

  private close(symbol: SymbolId, b: Building): void {
    this.building.delete(symbol);
    this.emit({ kind: "bar", symbol, bar: toBar(b, b.start + this.intervalMs), timeframe: this.timeframe });
  }
}

/**
 * Trades into bars of equal volume, per symbol: each bar holds exactly
 * `volumePerBar` (the last, via flushAll, may hold less). A trade larger
 * than what the bar lacks is split, its rest opening the next bar at the
 * same price, so bars never overshoot. A bar's time is the time of the
 * trade that completed it.
 */
export class VolumeBarAggregator {
  private readonly building = new Map<SymbolId, Building>();

  constructor(readonly volumePerBar: number, private readonly emit: (event: BarEvent) => void) {
    if (!(volumePerBar > 0 && Number.isFinite(volumePerBar))) {
      throw new ConfigError(`volume per bar must be a positive number, got ${volumePerBar}`, { field: "volumePerBar" });
    }
  }

  trade(t: Tick): void {
    let left = t.size;
    do {
      let b = this.building.get(t.symbol);
      if (!b) this.building.set(t.symbol, (b = begin(t.time, { ...t, size: 0 })));
      const part = Math.min(left, this.volumePerBar - b.volume);
      extend(b, { ...t, size: part });
      left -= part;
      // Compare with a relative tolerance: fractional sizes (crypto) accumulate rounding.
      if (b.volume >= this.volumePerBar * (1 - 1e-12)) {
        this.building.delete(t.symbol);
        this.emit({ kind: "bar", symbol: t.symbol, bar: toBar(b, t.time) });
      }
    } while (left > this.volumePerBar * 1e-12);
  }

  flushAll(): void {
    for (const [symbol, b] of this.building) {
      this.building.delete(symbol);
      if (b.volume > 0) this.emit({ kind: "bar", symbol, bar: toBar(b, b.last) });
    }
  }
}

function begin(start: number, t: Tick): Building {
  return { start, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.size, last: t.time };
}

function extend(b: Building, t: Tick): void {
  if (t.price > b.high) b.high = t.price;
  if (t.price < b.low) b.low = t.price;
  b.close = t.price;
  b.volume += t.size;
  b.last = t.time;
}

function toBar(b: Building, time: number): Bar {
  return { time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume };
}
