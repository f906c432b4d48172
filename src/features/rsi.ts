import { checkPeriod, checkInputs } from "./params.ts";

/**
 * Relative strength index (TA-Lib RSI, TTR RSI): 100 * avgGain / (avgGain +
 * avgLoss) with Wilder smoothing (alpha = 1 / period) of the bar-to-bar gains
 * and losses. Seeding: the averages start as the simple means of the first
 * `period` changes, so the first value is at index period; NaN before. Where
 * both averages are 0 (no movement at all) the value is 0, as in TA-Lib.
 */
export function rsiSeries(values: Float64Array, period: number): Float64Array {
  checkPeriod("rsi.period", period);
  const out = new Float64Array(values.length).fill(NaN);
  if (values.length <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = values[i] - values[i - 1];
    gain += Math.max(d, 0);
    loss += Math.max(-d, 0);
  }
  gain /= period;
  loss /= period;
  out[period] = rsiOf(gain, loss);
  const a = 1 / period;
  for (let i = period + 1; i < values.length; i++) {
    const d = values[i] - values[i - 1];
    gain = a * Math.max(d, 0) + (1 - a) * gain;
    loss = a * Math.max(-d, 0) + (1 - a) * loss;
    out[i] = rsiOf(gain, loss);
  }
  return out;
}

function rsiOf(gain: number, loss: number): number {
  const s = gain + loss;
  return s === 0 ? 0 : (100 * gain) / s;
}

/**
 * Incremental RSI, seeded like `rsiSeries`. `replace` revises the latest
 * value, recomputing that bar from the state kept from before it.
 */
export class Rsi {
  private readonly alpha: number;
  private count = 0;
  private prevInput = NaN;
  private lastInput = NaN;
  // Gain and loss sums while seeding, then their Wilder averages; "before"
  // is the state before the latest bar.
  private gainBefore = 0;
  private lossBefore = 0;
  private gain = 0;
  private loss = 0;
  private last = NaN;

  constructor(readonly period: number) {
    checkPeriod("rsi.period", period);
    this.alpha = 1 / period;
  }

  /** Adds the next value; returns the RSI, NaN until period + 1 values are in. */
  add(value: number): number {
    checkInputs("rsi", value);
    this.prevInput = this.lastInput;
    this.gainBefore = this.gain;
    this.lossBefore = this.loss;
    this.count++;
    return this.update(value);
  }

  /** Replaces the most recent value (a still-forming bar). */
  replace(value: number): number {
    checkInputs("rsi", value);
    return this.count === 0 ? this.add(value) : this.update(value);
  }

  get value(): number {
    return this.last;
  }

  get isStable(): boolean {
    return this.count > this.period;
  }

  private update(value: number): number {
    this.lastInput = value;
    const changes = this.count - 1;
    if (changes === 0) return (this.last = NaN);
    const d = value - this.prevInput;
    const up = Math.max(d, 0);
    const down = Math.max(-d, 0);
    if (changes <= this.period) {
      this.gain = this.gainBefore + up;
      this.loss = this.lossBefore + down;
      if (changes < this.period) return (this.last = NaN);
      this.gain /= this.period;
      this.loss /= this.period;
    } else {
      this.gain = this.alpha * up + (1 - this.alpha) * this.gainBefore;
      this.loss = this.alpha * down + (1 - this.alpha) * this.lossBefore;
    }
    return (this.last = rsiOf(this.gain, this.loss));
  }
}
