import { checkPeriod, checkSameLength, checkInputs } from "./params.ts";
import { HighLowWindow } from "./stoch.ts";

/** -100 * (highest - close) / (highest - lowest); 0 where the range is 0 (TA-Lib; TTR's WPR uses 0.5). */
function williams(close: number, highest: number, lowest: number): number {
  return highest !== lowest ? (-100 * (highest - close)) / (highest - lowest) : 0;
}

/**
 * Williams %R on TA-Lib's -100..0 scale (TA-Lib WILLR):
 * -100 * (highest high - close) / (highest high - lowest low) over `period`
 * bars, so 0 is a close at the high and -100 a close at the low. TTR's WPR
 * is the bare ratio (highest high - close) / (highest high - lowest low),
 * 0..1 with 1 at the low: WILLR = -100 * WPR. Seeding: defined from bar
 * period - 1, once the window is full; NaN before.
 */
export function willrSeries(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  checkPeriod("willr.period", period);
  const n = checkSameLength("willr", high, low, close);
  const out = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) {
    let highest = -Infinity, lowest = Infinity;
    for (let j = i - period + 1; j <= i; j++) {
      highest = Math.max(highest, high[j]);
      lowest = Math.min(lowest, low[j]);
    }
    out[i] = williams(close[i], highest, lowest);
  }
  return out;
}

/** Incremental Williams %R, seeded like `willrSeries`; `replace` revises the latest bar. */
export class Willr {
  private readonly ring: HighLowWindow;
  private bars = 0;
  private last = NaN;

  constructor(readonly period: number) {
    checkPeriod("willr.period", period);
    this.ring = new HighLowWindow(period);
  }

  /** Adds the next bar; returns %R, NaN until `period` bars are in. */
  add(high: number, low: number, close: number): number {
    checkInputs("willr", high, low, close);
    this.bars++;
    this.ring.add(high, low);
    return this.update(close);
  }

  /** Replaces the most recent bar (a still-forming bar). */
  replace(high: number, low: number, close: number): number {
    checkInputs("willr", high, low, close);
    if (this.bars === 0) return this.add(high, low, close);
    this.ring.replace(high, low);
    return this.update(close);
  }

  get value(): number {
    return this.last;
  }

  get isStable(): boolean {
    return this.bars >= this.period;
  }

  private update(close: number): number {
    this.last = this.ring.full ? williams(close, this.ring.highest, this.ring.lowest) : NaN;
    return this.last;
  }
}
