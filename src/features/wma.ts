import { checkPeriod, checkInputs } from "./params.ts";

/**
 * Weighted moving average (TA-Lib WMA, TTR WMA): weights 1..period, the
 * newest value weighted most, divided by period * (period + 1) / 2.
 * Seeding: none; the first value is at index period - 1, NaN before.
 */
export function wmaSeries(values: Float64Array, period: number): Float64Array {
  checkPeriod("wma.period", period);
  const out = new Float64Array(values.length).fill(NaN);
  const weights = (period * (period + 1)) / 2;
  for (let i = period - 1; i < values.length; i++) {
    let num = 0;
    for (let j = 0; j < period; j++) num += (j + 1) * values[i - period + 1 + j];
    out[i] = num / weights;
  }
  return out;
}

/** Incremental WMA over a ring buffer; `replace` revises the latest value. */
export class Wma {
  private readonly window: Float64Array;
  private readonly weights: number;
  private count = 0;
  private last = NaN;

  constructor(readonly period: number) {
    checkPeriod("wma.period", period);
    this.window = new Float64Array(period);
    this.weights = (period * (period + 1)) / 2;
  }

  /** Adds the next value; returns the average, NaN until `period` values are in. */
  add(value: number): number {
    checkInputs("wma", value);
    this.window[this.count % this.period] = value;
    this.count++;
    return this.update();
  }

  /** Replaces the most recent value (a still-forming bar). */
  replace(value: number): number {
    checkInputs("wma", value);
    if (this.count === 0) return this.add(value);
    this.window[(this.count - 1) % this.period] = value;
    return this.update();
  }

  get value(): number {
    return this.last;
  }

  get isStable(): boolean {
    return this.count >= this.period;
  }

  private update(): number {
    if (this.count < this.period) return (this.last = NaN);
    // The oldest value sits at slot count % period and gets weight 1.
    let num = 0;
    for (let j = 0; j < this.period; j++) num += (j + 1) * this.window[(this.count + j) % this.period];
    return (this.last = num / this.weights);
  }
}
