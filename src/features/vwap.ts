import { checkPeriod, checkSameLength, checkInputs } from "./params.ts";

/**
 * Rolling volume-weighted average price (TTR VWAP(price, volume, n); the
 * fixtures' VWAP20 weights the close): sum(price * volume) / sum(volume) over
 * the last `period` bars. Seeding: defined from bar period - 1, once the
 * window is full; NaN before, and NaN where the window traded no volume.
 */
export function vwapSeries(price: Float64Array, volume: Float64Array, period: number): Float64Array {
  checkPeriod("vwap.period", period);
  const n = checkSameLength("vwap", price, volume);
  const out = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) {
    let pv = 0, vol = 0;
    for (let j = i - period + 1; j <= i; j++) {
      pv += price[j] * volume[j];
      vol += volume[j];
    }
    out[i] = vol !== 0 ? pv / vol : NaN;
  }
  return out;
}

/**
 * Incremental rolling VWAP, seeded like `vwapSeries`. Running sums cover the
 * window's bars before the latest one, which is kept apart: live feeds
 * revise the forming bar on every tick, and `replace` then touches no sum,
 * so revisions add no rounding error. The sums are re-added exactly every
 * 4096 bars.
 */
export class Vwap {
  private readonly prices: Float64Array;
  private readonly volumes: Float64Array;
  private bars = 0;
  private pv = 0;
  private vol = 0;
  /** Bars with nonzero volume, exact, so an idle window is NaN despite rounding residue in `vol`. */
  private traded = 0;
  private last = NaN;

  constructor(readonly period: number) {
    checkPeriod("vwap.period", period);
    this.prices = new Float64Array(period);
    this.volumes = new Float64Array(period);
  }

  /** Adds the next bar; returns the VWAP, NaN until `period` bars are in. */
  add(price: number, volume: number): number {
    checkInputs("vwap", price, volume);
    const slot = this.bars % this.period;
    if (this.bars > 0) {
      // The previous latest bar joins the sums; the bar in `slot` (zeros before the ring fills) leaves.
      const latest = (this.bars - 1) % this.period;
      this.pv = this.pv - this.prices[slot] * this.volumes[slot] + this.prices[latest] * this.volumes[latest];
      this.vol = this.vol - this.volumes[slot] + this.volumes[latest];
      this.traded += Number(this.volumes[latest] !== 0) - Number(this.volumes[slot] !== 0);
    }
    this.bars++;
    if (this.bars % 4096 === 0) this.resum();
    return this.put(slot, price, volume);
  }

  /** Replaces the most recent bar (a still-forming bar). */
  replace(price: number, volume: number): number {
    checkInputs("vwap", price, volume);
    return this.bars === 0 ? this.add(price, volume) : this.put((this.bars - 1) % this.period, price, volume);
  }

  get value(): number {
    return this.last;
  }

  get isStable(): boolean {
    return this.bars >= this.period;
  }

  private put(slot: number, price: number, volume: number): number {
    this.prices[slot] = price;
    this.volumes[slot] = volume;
    const traded = this.traded + Number(volume !== 0);
    this.last = this.bars >= this.period && traded > 0 ? (this.pv + price * volume) / (this.vol + volume) : NaN;
    return this.last;
  }

  /** Re-adds the sums over the window's bars before the latest one, which is in slot (bars - 1) % period. */
  private resum(): void {
    this.pv = 0;
    this.vol = 0;
    for (let age = Math.min(this.period, this.bars) - 1; age >= 1; age--) {
      const slot = (this.bars - 1 - age) % this.period;
      this.pv += this.prices[slot] * this.volumes[slot];
      this.vol += this.volumes[slot];
    }
  }
}
