import { checkFinite, checkPeriod, checkInputs } from "./params.ts";
import { RollingWindow } from "./rolling.ts";

export interface BollingerBands {
  lower: Float64Array;
  middle: Float64Array;
  upper: Float64Array;
}

function checkBbands(period: number, k: number): void {
  checkPeriod("bbands.period", period);
  checkFinite("bbands.k", k, 0);
}

/**
 * Bollinger Bands (TA-Lib BBANDS with SMA, TTR BBands): middle = SMA(period),
 * lower/upper = middle ∓ k * the population standard deviation over the same
 * bars. Seeding: none; the first values are at index period - 1, NaN before.
 */
export function bbandsSeries(values: Float64Array, period: number, k: number): BollingerBands {
  checkBbands(period, k);
  const n = values.length;
  const lower = new Float64Array(n).fill(NaN);
  const middle = new Float64Array(n).fill(NaN);
  const upper = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) {
    const [mean, sd] = meanSd(values.subarray(i - period + 1, i + 1));
    middle[i] = mean;
    lower[i] = mean - k * sd;
    upper[i] = mean + k * sd;
  }
  return { lower, middle, upper };
}

/** Mean and population standard deviation, two-pass for accuracy. */
function meanSd(values: ArrayLike<number>): [number, number] {
  let sum = 0;
  for (let j = 0; j < values.length; j++) sum += values[j];
  const mean = sum / values.length;
  let m2 = 0;
  for (let j = 0; j < values.length; j++) m2 += (values[j] - mean) ** 2;
  return [mean, Math.sqrt(m2 / values.length)];
}

/**
 * Incremental Bollinger Bands over the last `period` values. `add` returns the
 * middle band; `lower` and `upper` are getters. `replace` revises the latest value.
 */
export class Bbands {
  private readonly recent: RollingWindow;
  private mean = NaN;
  private sd = NaN;

  constructor(readonly period: number, readonly k: number) {
    checkBbands(period, k);
    this.recent = new RollingWindow(period);
  }

  /** Adds the next value; returns the middle band, NaN until `period` values are in. */
  add(value: number): number {
    checkInputs("bbands", value);
    this.recent.push(value);
    return this.update();
  }

  /** Replaces the most recent value (a still-forming bar). */
  replace(value: number): number {
    checkInputs("bbands", value);
    this.recent.replace(value);
    return this.update();
  }

  get value(): number {
    return this.mean;
  }

  get middle(): number {
    return this.mean;
  }

  get lower(): number {
    return this.mean - this.k * this.sd;
  }

  get upper(): number {
    return this.mean + this.k * this.sd;
  }

  get isStable(): boolean {
    return this.recent.full;
  }

  private update(): number {
    if (!this.recent.full) return (this.mean = this.sd = NaN);
    // Oldest first, so the sums run in the same order as in bbandsSeries.
    [this.mean, this.sd] = meanSd(this.recent.oldestFirst());
    return this.mean;
  }
}
