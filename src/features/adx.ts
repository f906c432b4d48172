import { trueRange } from "./atr.ts";
import { checkPeriod, checkSameLength, checkInputs } from "./params.ts";

/** ADX with its directional indicators, each the input's length. */
export interface AdxResult {
  adx: Float64Array;
  plusDI: Float64Array;
  minusDI: Float64Array;
}

/** +DM and -DM of a bar: the larger of the up and down moves, if positive; the other is 0. */
function directionalMoves(high: number, low: number, prevHigh: number, prevLow: number): [number, number] {
  const up = high - prevHigh;
  const down = prevLow - low;
  return [up > down && up > 0 ? up : 0, down > up && down > 0 ? down : 0];
}

/** 100 * part / whole, or 0 where whole is 0 (TA-Lib; TTR gives NaN there). */
function percentOf(part: number, whole: number): number {
  return whole !== 0 ? (100 * part) / whole : 0;
}

/**
 * Average directional index (TA-Lib ADX/PLUS_DI/MINUS_DI, TTR ADX).
 * Seeding: +DM, -DM and the true range start at bar 1 and are Wilder sums,
 * the plain sum of bars 1..period-1, then s = s - s/period + x from bar
 * `period` on (so at bar `period` the seed sum is decayed once before the
 * new value is added; TA-Lib and TTR both do this). +DI and -DI =
 * 100 * sum(DM) / sum(TR) are defined from bar `period`; DX =
 * 100 * |+DI - -DI| / (+DI + -DI); ADX is DX's Wilder average seeded with the
 * mean of the first `period` DX values, defined from bar 2*period - 1.
 * Where a denominator is 0 (a flat market) the DI or DX is 0, as in TA-Lib.
 */
export function adxSeries(high: Float64Array, low: Float64Array, close: Float64Array, period: number): AdxResult {
  checkPeriod("adx.period", period);
  const n = checkSameLength("adx", high, low, close);
  const result = { adx: new Float64Array(n).fill(NaN), plusDI: new Float64Array(n).fill(NaN), minusDI: new Float64Array(n).fill(NaN) };
  let sTR = 0, sPlus = 0, sMinus = 0, dxSum = 0, adx = 0;
  for (let i = 1; i < n; i++) {
    const tr = trueRange(high[i], low[i], close[i - 1]);
    const [plusDM, minusDM] = directionalMoves(high[i], low[i], high[i - 1], low[i - 1]);
    if (i < period) {
      sTR += tr;
      sPlus += plusDM;
      sMinus += minusDM;
      continue;
    }
    sTR = sTR - sTR / period + tr;
    sPlus = sPlus - sPlus / period + plusDM;
    sMinus = sMinus - sMinus / period + minusDM;
    const plusDI = percentOf(sPlus, sTR);
    const minusDI = percentOf(sMinus, sTR);
    result.plusDI[i] = plusDI;
    result.minusDI[i] = minusDI;
    const dx = percentOf(Math.abs(plusDI - minusDI), plusDI + minusDI);
    if (i < 2 * period - 1) {
      dxSum += dx;
      continue;
    }
    adx = i === 2 * period - 1 ? (dxSum + dx) / period : (adx * (period - 1) + dx) / period;
    result.adx[i] = adx;
  }
  return result;
}

/** Everything an Adx knows after some bars; immutable, so the state before the latest bar can be kept. */
interface AdxState {
  readonly bars: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly sTR: number;
  readonly sPlus: number;
  readonly sMinus: number;
  /** Sum of the DX values while seeding ADX. */
  readonly dxSum: number;
  readonly adx: number;
  readonly plusDI: number;
  readonly minusDI: number;
}

/**
 * Incremental ADX, seeded like `adxSeries`; `add` returns the ADX and the
 * getters give +DI and -DI. `replace` revises the latest bar by recomputing
 * it from the state before it.
 */
export class Adx {
  private before: AdxState = {
    bars: 0, high: NaN, low: NaN, close: NaN, sTR: 0, sPlus: 0, sMinus: 0, dxSum: 0, adx: NaN, plusDI: NaN, minusDI: NaN,
  };
  private latest: AdxState = this.before;

  constructor(readonly period: number) {
    checkPeriod("adx.period", period);
  }

  /** Adds the next bar; returns the ADX, NaN until bar 2*period - 1 (0-based). */
  add(high: number, low: number, close: number): number {
    checkInputs("adx", high, low, close);
    this.before = this.latest;
    this.latest = this.step(high, low, close);
    return this.latest.adx;
  }

  /** Replaces the most recent bar (a still-forming bar). */
  replace(high: number, low: number, close: number): number {
    checkInputs("adx", high, low, close);
    if (this.latest.bars === 0) return this.add(high, low, close);
    this.latest = this.step(high, low, close);
    return this.latest.adx;
  }

  get value(): number {
    return this.latest.adx;
  }

  get plusDI(): number {
    return this.latest.plusDI;
  }

  get minusDI(): number {
    return this.latest.minusDI;
  }

  /** True once ADX (and so both DIs) is defined. */
  get isStable(): boolean {
    return this.latest.bars >= 2 * this.period;
  }

  private step(high: number, low: number, close: number): AdxState {
    const s = this.before;
    const p = this.period;
    const i = s.bars;
    const bar = { bars: i + 1, high, low, close };
    if (i === 0) return { ...s, ...bar };
    const tr = trueRange(high, low, s.close);
    const [plusDM, minusDM] = directionalMoves(high, low, s.high, s.low);
    if (i < p) return { ...s, ...bar, sTR: s.sTR + tr, sPlus: s.sPlus + plusDM, sMinus: s.sMinus + minusDM };
    const sTR = s.sTR - s.sTR / p + tr;
    const sPlus = s.sPlus - s.sPlus / p + plusDM;
    const sMinus = s.sMinus - s.sMinus / p + minusDM;
    const plusDI = percentOf(sPlus, sTR);
    const minusDI = percentOf(sMinus, sTR);
    const dx = percentOf(Math.abs(plusDI - minusDI), plusDI + minusDI);
    const sums = { ...bar, sTR, sPlus, sMinus, plusDI, minusDI };
    if (i < 2 * p - 1) return { ...sums, dxSum: s.dxSum + dx, adx: NaN };
    const adx = i === 2 * p - 1 ? (s.dxSum + dx) / p : (s.adx * (p - 1) + dx) / p;
    return { ...sums, dxSum: s.dxSum, adx };
  }
}
