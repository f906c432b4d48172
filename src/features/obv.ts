import { checkSameLength, checkInputs } from "./params.ts";

/**
 * On-balance volume (TA-Lib OBV, TTR OBV). Seeding: starts at the first
 * bar's volume; then each bar adds its volume on an up close, subtracts it on
 * a down close and keeps the total on an unchanged close. Defined from bar 0.
 */
export function obvSeries(close: Float64Array, volume: Float64Array): Float64Array {
  const n = checkSameLength("obv", close, volume);
  const out = new Float64Array(n);
  if (n === 0) return out;
  out[0] = volume[0];
  for (let i = 1; i < n; i++) out[i] = out[i - 1] + Math.sign(close[i] - close[i - 1]) * volume[i];
  return out;
}

/** Incremental OBV, seeded like `obvSeries`; `replace` revises the latest bar. */
export class Obv {
  private bars = 0;
  /** OBV and close before the latest bar. */
  private totalBefore = 0;
  private closeBefore = NaN;
  private total = NaN;
  private close = NaN;

  /** Adds the next bar; returns the OBV. */
  add(close: number, volume: number): number {
    checkInputs("obv", close, volume);
    this.totalBefore = this.total;
    this.closeBefore = this.close;
    this.bars++;
    return this.update(close, volume);
  }

  /** Replaces the most recent bar (a still-forming bar). */
  replace(close: number, volume: number): number {
    checkInputs("obv", close, volume);
    return this.bars === 0 ? this.add(close, volume) : this.update(close, volume);
  }

  get value(): number {
    return this.total;
  }

  get isStable(): boolean {
    return this.bars > 0;
  }

  private update(close: number, volume: number): number {
    this.close = close;
    if (this.bars === 1) this.total = volume;
    else if (close > this.closeBefore) this.total = this.totalBefore + volume;
    else if (close < this.closeBefore) this.total = this.totalBefore - volume;
    else this.total = this.totalBefore;
    return this.total;
  }
}
