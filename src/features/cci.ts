import { checkPeriod, checkSameLength, checkInputs } from "./params.ts";
import { RollingWindow } from "./rolling.ts";

/**
 * Commodity channel index (TA-Lib CCI, TTR CCI): with typical price
 * tp = (high + low + close) / 3, cci = (tp - SMA(tp)) / (0.015 * the mean
 * absolute deviation of tp from that SMA), both over `period` bars.
 * Seeding: none; the first value is at index period - 1, NaN before. A flat
 * window (deviation 0) gives 0, as in TA-Lib.
 */
export function cciSeries(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  checkPeriod("cci.period", period);
  const n = checkSameLength("cci", high, low, close);
  const tp = high.map((h, i) => (h + low[i] + close[i]) / 3);
  const out = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) out[i] = cciOf(tp.subarray(i - period + 1, i + 1));
  return out;
}

/** CCI of the newest typical price in a window (oldest first). */
function cciOf(tp: ArrayLike<number>): number {
  const p = tp.length;
  let sum = 0;
  for (let j = 0; j < p; j++) sum += tp[j];
  const mean = sum / p;
  let dev = 0;
  for (let j = 0; j < p; j++) dev += Math.abs(tp[j] - mean);
  const mad = dev / p;
  return mad === 0 ? 0 : (tp[p - 1] - mean) / (0.015 * mad);
}

/** Incremental CCI over the last `period` typical prices; `replace` revises the latest bar. */
export class Cci {
  private readonly recent: RollingWindow;
  private last = NaN;

  constructor(readonly period: number) {
    checkPeriod("cci.period", period);
    this.recent = new RollingWindow(period);
  }

  /** Adds the next bar; returns the CCI, NaN until `period` bars are in. */
  add(high: number, low: number, close: number): number {
    checkInputs("cci", high, low, close);
    this.recent.push((high + low + close) / 3);
    return this.update();
  }

  /** Replaces the most recent bar (a still-forming one). */
  replace(high: number, low: number, close: number): number {
    checkInputs("cci", high, low, close);
    this.recent.replace((high + low + close) / 3);
    return this.update();
  }

  get value(): number {
    return this.last;
  }

  get isStable(): boolean {
    return this.recent.full;
  }

  private update(): number {
    return (this.last = this.recent.full ? cciOf(this.recent.oldestFirst()) : NaN);
  }
}
