import { checkPeriod, checkSameLength, checkInputs } from "./params.ts";

/** True range: the bar's high-low range stretched to reach the previous close. */
export function trueRange(high: number, low: number, prevClose: number): number {
  return Math.max(high, prevClose) - Math.min(low, prevClose);
}

/**
 * Average true range (TA-Lib ATR, TTR ATR), Wilder smoothing of the true
 * range. Seeding: bar 0 has no previous close and so no true range; the
 * first ATR, at bar `period`, is the mean of the true ranges of bars
 * 1..period, then atr = (atr * (period - 1) + tr) / period. NaN before bar
 * `period`. ATR with period 1 is the true range itself.
 */
export function atrSeries(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  checkPeriod("atr.period", period);
  const n = checkSameLength("atr", high, low, close);
  const out = new Float64Array(n).fill(NaN);
  if (n <= period) return out;
  let sum = 0;
  for (let i = 1; i <= period; i++) sum += trueRange(high[i], low[i], close[i - 1]);
  let atr = sum / period;
  out[period] = atr;
  for (let i = period + 1; i < n; i++) {
    atr = (atr * (period - 1) + trueRange(high[i], low[i], close[i - 1])) / period;
    out[i] = atr;
  }
  return out;
}

/** Everything an Atr knows after some bars; immutable, so the state before the latest bar can be kept. */
interface AtrState {
  readonly bars: number;
  readonly close: number;
  /** Sum of the true ranges while seeding. */
  readonly trSum: number;
  readonly atr: number;
}

/**
 * Incremental ATR, seeded like `atrSeries`. `replace` revises the latest bar
 * by recomputing it from the state before it.
 */
export class Atr {
  private before: AtrState = { bars: 0, close: NaN, trSum: 0, atr: NaN };
  private latest: AtrState = this.before;

  constructor(readonly period: number) {
    checkPeriod("atr.period", period);
  }

  /** Adds the next bar; returns the ATR, NaN until bar `period` (0-based). */
  add(high: number, low: number, close: number): number {
    checkInputs("atr", high, low, close);
    this.before = this.latest;
    this.latest = this.step(high, low, close);
    return this.latest.atr;
  }

  /** Replaces the most recent bar (a still-forming bar). */
  replace(high: number, low: number, close: number): number {
    checkInputs("atr", high, low, close);
    if (this.latest.bars === 0) return this.add(high, low, close);
    this.latest = this.step(high, low, close);
    return this.latest.atr;
  }

  get value(): number {
    return this.latest.atr;
  }

  get isStable(): boolean {
    return this.latest.bars > this.period;
  }

  private step(high: number, low: number, close: number): AtrState {
    const { bars, close: prevClose, trSum, atr } = this.before;
    const p = this.period;
    if (bars === 0) return { bars: 1, close, trSum: 0, atr: NaN };
    const tr = trueRange(high, low, prevClose);
    if (bars < p) return { bars: bars + 1, close, trSum: trSum + tr, atr: NaN };
    const next = bars === p ? (trSum + tr) / p : (atr * (p - 1) + tr) / p;
    return { bars: bars + 1, close, trSum, atr: next };
  }
}
