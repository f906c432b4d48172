import { checkPeriod, checkInputs } from "./params.ts";

/**
 * Rate of change in percent (TA-Lib ROC): (x[i] / x[i - period] - 1) * 100.
 * Seeding: none; the first value is at index period, NaN before. NaN also
 * where x[i - period] is 0 (TA-Lib writes 0 there, which reads as "no change").
 */
export function rocSeries(values: Float64Array, period: number): Float64Array {
  checkPeriod("roc.period", period);
  const out = new Float64Array(values.length).fill(NaN);
  for (let i = period; i < values.length; i++) out[i] = rocOf(values[i], values[i - period]);
  return out;
}

function rocOf(value: number, base: number): number {
  return base === 0 ? NaN : (value / base - 1) * 100;
}

/** Incremental ROC over a ring of the last period + 1 values; `replace` revises the latest. */
export class Roc {
  private readonly ring: Float64Array;
  private count = 0;
  private last = NaN;

  constructor(readonly period: number) {
    checkPeriod("roc.period", period);
    this.ring = new Float64Array(period + 1);
  }

  /** Adds the next value; returns the ROC, NaN until period + 1 values are in. */
  add(value: number): number {
    checkInputs("roc", value);
    this.ring[this.count % this.ring.length] = value;
    this.count++;
    return this.update(value);
  }

  /** Replaces the most recent value (a still-forming bar). */
  replace(value: number): number {
    checkInputs("roc", value);
    if (this.count === 0) return this.add(value);
    this.ring[(this.count - 1) % this.ring.length] = value;
    return this.update(value);
  }

  get value(): number {
    return this.last;
  }

  get isStable(): boolean {
    return this.count > this.period;
  }

  private update(value: number): number {
    // The oldest slot, count % (period + 1), holds x[i - period].
    const base = this.ring[this.count % this.ring.length];
    return (this.last = this.count > this.period ? rocOf(value, base) : NaN);
  }
}
