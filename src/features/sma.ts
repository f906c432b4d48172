import { checkPeriod, checkInputs } from "./params.ts";

/**
 * Simple moving average (TA-Lib SMA, TTR SMA): the mean of the last `period`
 * values; NaN for the first period - 1 bars.
 */
export function smaSeries(values: Float64Array, period: number): Float64Array {
  checkPeriod("sma.period", period);
  const out = new Float64Array(values.length).fill(NaN);
  for (let i = period - 1; i < values.length; i++) {
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) sum += values[j];
    out[i] = sum / period;
  }
  return out;
}

/** Incremental SMA over a ring buffer; `replace` revises the latest value. */
export class Sma {
  private readonly ring: Float64Array;
  private count = 0;
  /** The slot the next value goes to (count % period), stepped and wrapped rather than divided out on every value. */
  private next = 0;
  private sum = 0;
  private last = NaN;

  constructor(readonly period: number) {
    checkPeriod("sma.period", period);
    this.ring = new Float64Array(period);
  }

  /** Adds the next value; returns the average, NaN until `period` values are in. */
  add(value: number): number {
    checkInputs("sma", value);
    this.sum += value - this.ring[this.next];
    this.ring[this.next] = value;
    this.next = this.next + 1 === this.period ? 0 : this.next + 1;
    this.count++;
    // Re-add the window now and then so the running sum's rounding cannot drift.
    if (this.count % 4096 === 0) this.sum = this.ring.reduce((a, b) => a + b, 0);
    return this.current();
  }

  /** Replaces the most recent value (a still-forming bar). */
  replace(value: number): number {
    checkInputs("sma", value);
    if (this.count === 0) return this.add(value);
    const slot = this.next === 0 ? this.period - 1 : this.next - 1;
    this.sum += value - this.ring[slot];
    this.ring[slot] = value;
    return this.current();
  }

  get value(): number {
    return this.last;
  }

  get isStable(): boolean {
    return this.count >= this.period;
  }

  private current(): number {
    this.last = this.count >= this.period ? this.sum / this.period : NaN;
    return this.last;
  }
}
