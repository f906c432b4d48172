import { checkPeriod, checkSameLength, checkInputs } from "./params.ts";

/** Slow stochastic %K and %D, each the input's length. */
export interface StochResult {
  k: Float64Array;
  d: Float64Array;
}

/** Position of the close in the range, 0..100; 0 where the range is 0 (TA-Lib; TTR uses 50). */
export function fastK(close: number, highest: number, lowest: number): number {
  return highest !== lowest ? (100 * (close - lowest)) / (highest - lowest) : 0;
}

/** Mean of values[from..to), summed in order. */
function mean(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let j = from; j < to; j++) sum += values[j];
  return sum / (to - from);
}

/** Validates the three periods, naming the one at fault (e.g. "stoch.kSlow"). */
export function checkStoch(kPeriod: number, kSlow: number, dPeriod: number): void {
  checkPeriod("stoch.kPeriod", kPeriod);
  checkPeriod("stoch.kSlow", kSlow);
  checkPeriod("stoch.dPeriod", dPeriod);
}

/**
 * Slow stochastic on the 0..100 scale, TA-Lib STOCH with SMA smoothing:
 * fast %K = 100 * (close - lowest low) / (highest high - lowest low) over
 * `kPeriod` bars (0 where that range is 0), k = SMA(kSlow) of fast %K and
 * d = SMA(dPeriod) of k. TTR's stoch(nFastK, nFastD, nSlowD) gives the same
 * numbers as fractions: its fastD is k / 100 and its slowD is d / 100.
 * Seeding: each value is defined as soon as its window is full, so k from
 * bar kPeriod + kSlow - 2 and d from bar kPeriod + kSlow + dPeriod - 3
 * (TA-Lib withholds k until d is defined too; TTR does not).
 */
export function stochSeries(
  high: Float64Array, low: Float64Array, close: Float64Array, kPeriod: number, kSlow: number, dPeriod: number,
): StochResult {
  checkStoch(kPeriod, kSlow, dPeriod);
  const n = checkSameLength("stoch", high, low, close);
  const fast = new Float64Array(n).fill(NaN);
  for (let i = kPeriod - 1; i < n; i++) {
    let highest = -Infinity, lowest = Infinity;
    for (let j = i - kPeriod + 1; j <= i; j++) {
      highest = Math.max(highest, high[j]);
      lowest = Math.min(lowest, low[j]);
    }
    fast[i] = fastK(close[i], highest, lowest);
  }
  const k = new Float64Array(n).fill(NaN);
  for (let i = kPeriod + kSlow - 2; i < n; i++) k[i] = mean(fast, i - kSlow + 1, i + 1);
  const d = new Float64Array(n).fill(NaN);
  for (let i = kPeriod + kSlow + dPeriod - 3; i < n; i++) d[i] = mean(k, i - dPeriod + 1, i + 1);
  return { k, d };
}

/**
 * Monotonic deque of (bar, value) pairs whose values strictly decrease
 * (sign 1, for a rolling maximum) or increase (sign -1, a rolling minimum)
 * from front to back, so the front is the window's extreme.
 */
class MonotonicDeque {
  private bars: number[] = [];
  private values: number[] = [];
  private head = 0;

  constructor(private readonly sign: 1 | -1) {}

  push(bar: number, value: number): void {
    // An older value that the new one equals or beats can never be the extreme again.
    while (this.values.length > this.head && this.sign * this.values[this.values.length - 1] <= this.sign * value) {
      this.bars.pop();
      this.values.pop();
    }
    this.bars.push(bar);
    this.values.push(value);
  }

  /** Drops entries older than `bar`. */
  evictBefore(bar: number): void {
    while (this.head < this.bars.length && this.bars[this.head] < bar) this.head++;
    // Compact now and then so the arrays stay about the window's size.
    if (this.head > 1024 && this.head * 2 > this.bars.length) {
      this.bars = this.bars.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }

  /** The extreme, or `empty` when the deque is empty. */
  front(empty: number): number {
    return this.head < this.values.length ? this.values[this.head] : empty;
  }
}

/**
 * Highest high and lowest low over the last `period` bars, in O(1) amortized
 * per bar, with a revisable latest bar: the deques hold only the bars before
 * the latest one, which is kept apart, so `replace` never has to undo a push.
 */
export class HighLowWindow {
  private readonly highs = new MonotonicDeque(1);
  private readonly lows = new MonotonicDeque(-1);
  private bars = 0;
  private high = NaN;
  private low = NaN;

  constructor(readonly period: number) {}

  add(high: number, low: number): void {
    if (this.bars > 0) {
      this.highs.push(this.bars - 1, this.high);
      this.lows.push(this.bars - 1, this.low);
    }
    this.bars++;
    // The window of the new bar (number bars - 1) starts at bars - period.
    this.highs.evictBefore(this.bars - this.period);
    this.lows.evictBefore(this.bars - this.period);
    this.high = high;
    this.low = low;
  }

  /** Revises the latest bar; call add() first. */
  replace(high: number, low: number): void {
    this.high = high;
    this.low = low;
  }

  get full(): boolean {
    return this.bars >= this.period;
  }

  get highest(): number {
    return Math.max(this.highs.front(-Infinity), this.high);
  }

  get lowest(): number {
    return Math.min(this.lows.front(Infinity), this.low);
  }
}

/** Last `size` values of a series with a revisable latest value; mean() sums them afresh, exactly as stochSeries. */
class RecentValues {
  private readonly ring: Float64Array;
  count = 0;

  constructor(readonly size: number) {
    this.ring = new Float64Array(size);
  }

  add(value: number): void {
    this.ring[this.count % this.size] = value;
    this.count++;
  }

  replace(value: number): void {
    this.ring[(this.count - 1) % this.size] = value;
  }

  /** Mean in series order, or NaN before `size` values are in. */
  mean(): number {
    if (this.count < this.size) return NaN;
    let sum = 0;
    for (let j = this.count - this.size; j < this.count; j++) sum += this.ring[j % this.size];
    return sum / this.size;
  }
}

/**
 * Incremental slow stochastic, seeded like `stochSeries`; `add` returns k
 * and the getter `d` gives d. The smoothing windows are summed afresh each
 * bar (they are a few bars long), which keeps revisions exact.
 */
export class Stoch {
  private readonly ring: HighLowWindow;
  private readonly fast: RecentValues;
  private readonly slow: RecentValues;
  private bars = 0;
  private lastK = NaN;
  private lastD = NaN;

  constructor(readonly kPeriod: number, readonly kSlow: number, readonly dPeriod: number) {
    checkStoch(kPeriod, kSlow, dPeriod);
    this.ring = new HighLowWindow(kPeriod);
    this.fast = new RecentValues(kSlow);
    this.slow = new RecentValues(dPeriod);
  }

  /** Adds the next bar; returns slow %K, NaN until its window is full. */
  add(high: number, low: number, close: number): number {
    checkInputs("stoch", high, low, close);
    this.bars++;
    this.ring.add(high, low);
    return this.update(close, false);
  }

  /** Replaces the most recent bar (a still-forming bar). */
  replace(high: number, low: number, close: number): number {
    checkInputs("stoch", high, low, close);
    if (this.bars === 0) return this.add(high, low, close);
    this.ring.replace(high, low);
    return this.update(close, true);
  }

  get value(): number {
    return this.lastK;
  }

  get k(): number {
    return this.lastK;
  }

  get d(): number {
    return this.lastD;
  }

  /** True once d (and so k) is defined. */
  get isStable(): boolean {
    return this.bars >= this.kPeriod + this.kSlow + this.dPeriod - 2;
  }

  /** Computes the latest bar; a revision overwrites what that bar added to the smoothing windows. */
  private update(close: number, revise: boolean): number {
    const bar = this.bars - 1;
    if (bar < this.kPeriod - 1) return this.lastK;
    const fk = fastK(close, this.ring.highest, this.ring.lowest);
    if (revise) this.fast.replace(fk);
    else this.fast.add(fk);
    this.lastK = this.fast.mean();
    if (bar >= this.kPeriod + this.kSlow - 2) {
      if (revise) this.slow.replace(this.lastK);
      else this.slow.add(this.lastK);
    }
    this.lastD = this.slow.mean();
    return this.lastK;
  }
}
