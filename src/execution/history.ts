import { barAt, type Bar, type BarSeries, type BarHistory } from "../core/data.ts";
import { StrategyError } from "../core/errors.ts";

/** The bars a strategy may see, which the engine extends by one bar as each closes. */
export interface BarLog extends BarHistory {
  push(bar: Bar): void;
}

/**
 * The bars a strategy may see of a series held whole (a backtest). The
 * engine advances `length` one bar at a time; asking for a bar beyond it is
 * look-ahead and fails the run.
 */
export class SeriesHistory implements BarLog {
  length = 0;

  // A true private field: a strategy cannot reach the whole series at run time.
  readonly #series: BarSeries;

  constructor(series: BarSeries) {
    this.#series = series;
  }

  /** The bar is the series' next one: only the length moves. */
  push(_bar: Bar): void {
    this.length++;
  }

  at(i: number): Bar {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new StrategyError(
        `history.at(${i}) is outside the bars seen so far (0..${this.length - 1}); a strategy cannot look ahead`,
        { field: "history" },
      );
    }
    return barAt(this.#series, i);
  }
}

/**
 * The bars seen so far when they arrive one by one (a live feed, a replay):
 * columns that grow by doubling, read the same way as SeriesHistory.
 */
export class BarBuffer implements BarLog {
  length = 0;
  #time = new Float64Array(256);
  #open = new Float64Array(256);
  #high = new Float64Array(256);
  #low = new Float64Array(256);
  #close = new Float64Array(256);
  #volume = new Float64Array(256);

  push(bar: Bar): void {
    if (this.length === this.#time.length) this.#grow();
    const i = this.length++;
    this.#time[i] = bar.time;
    this.#open[i] = bar.open;
    this.#high[i] = bar.high;
    this.#low[i] = bar.low;
    this.#close[i] = bar.close;
    this.#volume[i] = bar.volume;
  }

  at(i: number): Bar {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new StrategyError(`history.at(${i}) is outside the bars seen so far (0..${this.length - 1}); a strategy cannot look ahead`, { field: "history" });
    }
    return { time: this.#time[i], open: this.#open[i], high: this.#high[i], low: this.#low[i], close: this.#close[i], volume: this.#volume[i] };
  }

  #grow(): void {
    const grow = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.#time = grow(this.#time);
    this.#open = grow(this.#open);
    this.#high = grow(this.#high);
    this.#low = grow(this.#low);
    this.#close = grow(this.#close);
    this.#volume = grow(this.#volume);
  }
}
