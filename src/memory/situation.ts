import type { BarHistory } from "../core/data.ts";
import { MarketDataError } from "../core/errors.ts";
import { rsiSeries } from "../features/rsi.ts";

/**
 * A market situation as a vector, so that similar situations lie near each
 * other: the state of the last bars of one series, each feature scaled to
 * [-1, 1] and free of the price level (prices times 10 give the same
 * vector). All from closes, in the order of SITUATION_FEATURES:
 *
 * - ret1..ret5: the last five log returns, newest first, each divided by the
 *   volatility (sd of the last 20 log returns), clipped to +-3, over 3;
 * - volRegime: ln(sd of the last 10 log returns / sd of the last 60), clipped to +-1;
 * - rsi: (RSI(14) - 50) / 50, the RSI of the 61 closes (rsiSeries: TA-Lib's seeding), 0 when none moved;
 * - smaZ: (close - SMA(20)) / population sd of the 20 closes, clipped to +-3, over 3;
 * - trend: ln(close / close 20 bars ago) / (volatility * sqrt 20), clipped to +-3, over 3;
 * - range: (close - lowest close) / (highest - lowest) over the 60 bars, times 2, minus 1.
 *
 * A zero volatility or spread makes the features divided by it 0. It reads
 * bars length-61 .. length-1 of the history and nothing else.
 */
export const SITUATION_FEATURES = ["ret1", "ret2", "ret3", "ret4", "ret5", "volRegime", "rsi", "smaZ", "trend", "range"] as const;
export const SITUATION_DIMENSION = SITUATION_FEATURES.length;

/** Bars the embedding needs: 60 log returns. */
export const SITUATION_BARS = 61;

const RETURNS = 5;
const VOL = 20;
const SHORT_VOL = 10;
const RSI = 14;
const SMA = 20;
const TREND = 20;

export function situationEmbedding(history: BarHistory): Float32Array {
  const n = history.length;
  if (n < SITUATION_BARS) throw new MarketDataError(`a situation needs ${SITUATION_BARS} bars of history, got ${n}`, { field: "history" });
  const close = new Float64Array(SITUATION_BARS);
  for (let i = 0; i < SITUATION_BARS; i++) {
    const c = history.at(n - SITUATION_BARS + i).close;
    if (!(c > 0) || !Number.isFinite(c)) throw new MarketDataError(`close ${c} at bar ${n - SITUATION_BARS + i} must be a positive number`, { field: "close" });
    close[i] = c;
  }
  const ret = new Float64Array(SITUATION_BARS - 1);
  for (let i = 1; i < SITUATION_BARS; i++) ret[i - 1] = Math.log(close[i] / close[i - 1]);
  const last = close.length - 1;
  const vol = sd(ret.subarray(ret.length - VOL));
  const scaled = (x: number, by: number) => (by > 0 ? clip(x / by, 3) / 3 : 0);

  const out = new Float32Array(SITUATION_DIMENSION);
  for (let k = 0; k < RETURNS; k++) out[k] = scaled(ret[ret.length - 1 - k], vol);
  const shortVol = sd(ret.subarray(ret.length - SHORT_VOL));
  const longVol = sd(ret);
  out[5] = shortVol > 0 && longVol > 0 ? clip(Math.log(shortVol / longVol), 1) : 0;
  const lo = Math.min(...close);
  const hi = Math.max(...close);
  // rsiSeries says 0 when nothing moved; here that is neutral, not oversold.
  out[6] = hi > lo ? (rsiSeries(close, RSI)[last] - 50) / 50 : 0;
  const recent = close.subarray(close.length - SMA);
  const mean = recent.reduce((a, b) => a + b, 0) / SMA;
  // Equal closes give a mean a rounding away from them: their z-score is 0, not that rounding over a tiny sd.
  const flat = recent.every((c) => c === recent[0]);
  out[7] = flat ? 0 : scaled(close[last] - mean, Math.sqrt(recent.reduce((a, b) => a + (b - mean) ** 2, 0) / SMA));
  out[8] = scaled(Math.log(close[last] / close[last - TREND]), vol * Math.sqrt(TREND));
  out[9] = hi > lo ? (2 * (close[last] - lo)) / (hi - lo) - 1 : 0;
  return out;
}

function clip(x: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, x));
}

/** Sample standard deviation. */
function sd(x: Float64Array): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1));
}
