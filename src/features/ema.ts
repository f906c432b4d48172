import { checkPeriod, checkInputs } from "./params.ts";

/**
 * Exponential moving average (TA-Lib EMA, TTR EMA): alpha = 2 / (period + 1).
 * Seeding: the first value, at index period - 1, is the SMA of the first
 * `period` values; NaN before that.
 */
export function emaSeries(values: Float64Array, period: number): Float64Array {
  checkPeriod("ema.period", period);
  return smoothSeries(values, period, 2 / (period + 1));
}

/**
 * e[i] = alpha * x[i] + (1 - alpha) * e[i-1], seeded at index period - 1
 * with the mean of the first `period` values; NaN before. Shared by EMA and MACD.
 */
export function smoothSeries(values: Float64Array, period: number, alpha: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  if (values.length < period) return out;
  let e = 0;
  for (let i = 0; i < period; i++) e += values[i];
  e /= period;
  out[period - 1] = e;
  for (let i = period; i < values.length; i++) {
    e = alpha * values[i] + (1 - alpha) * e;
    out[i] = e;
  }
  return out;
}

/**
 * Incremental EMA, seeded like `emaSeries`. `replace` revises the latest value:
 * the state before the latest bar is kept, so a revision recomputes that bar
 * from it exactly.
 */
export class Ema {
  private readonly alpha: number;
  private count = 0;
  /** Sum of the seed values before the latest bar, then unused. */
  private sumBefore = 0;
  private sum = 0;
  /** The EMA before the latest bar. */
  private before = NaN;
  private last = NaN;

  constructor(readonly period: number) {
    checkPeriod("ema.period", period);
    this.alpha = 2 / (period + 1);
  }

  /** Adds the next value; returns the EMA, NaN until `period` values are in. */
  add(value: number): number {
    checkInputs("ema", value);
    this.sumBefore = this.sum;
    this.before = this.last;
    this.count++;
    return this.update(value);
  }

  /** Replaces the most recent value (a still-forming bar). */
  replace(value: number): number {
    checkInputs("ema", value);
    return this.count === 0 ? this.add(value) : this.update(value);
  }

  get value(): number {
    return this.last;
  }

  get isStable(): boolean {
    return this.count >= this.period;
  }

  private update(value: number): number {
    if (this.count < this.period) {
      this.sum = this.sumBefore + value;
      this.last = NaN;
    } else if (this.count === this.period) {
      this.sum = this.sumBefore + value;
      this.last = this.sum / this.period;
    } else {
      this.last = this.alpha * value + (1 - this.alpha) * this.before;
    }
    return this.last;
  }
}
