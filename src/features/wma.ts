import { checkPeriod, checkInputs } from "./params.ts";
import { RollingWindow } from "./rolling.ts";

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

/** Incremental WMA over the last `period` values; `replace` revises the latest value. */
export class Wma {
  private readonly recent: RollingWindow;
  private readonly weights: number;
  private last = NaN;

  constructor(readonly period: number) {
    checkPeriod("wma.period", period);
    this.recent = new RollingWindow(period);
    this.weights = (period * (period + 1)) / 2;
  }

  /** Adds the next value; returns the average, NaN until `period` values are in. */
  add(value: number): number {
    checkInputs("wma", value);
    this.recent.push(value);
    return this.update();
  }

  /** Replaces the most recent value (a still-forming bar). */
  replace(value: number): number {
    checkInputs("wma", value);
    this.recent.replace(value);
    return this.update();
  }

  get value(): number {
    return this.last;
  }

  get isStable(): boolean {
    return this.recent.full;
  }

  private update(): number {
    if (!this.recent.full) return (this.last = NaN);
    // The oldest value gets weight 1.
    const values = this.recent.oldestFirst();
    let num = 0;
    for (let j = 0; j < this.period; j++) num += (j + 1) * values[j];
    return (this.last = num / this.weights);
  }
}
