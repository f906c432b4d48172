/**
 * The batch form of every indicator, over whole series. Two implementations
 * share this interface: `tsIndicators` (the plain TypeScript twins, the
 * reference) and `WasmIndicators` (src/kernels, the fast path). Outputs have
 * the input's length, with NaN where a value is not yet defined.
 */
import { smaSeries } from "./sma.ts";
import { checkValues } from "./params.ts";
import { emaSeries } from "./ema.ts";
import { wmaSeries } from "./wma.ts";
import { rsiSeries } from "./rsi.ts";
import { macdSeries, type MacdResult } from "./macd.ts";
import { bbandsSeries, type BollingerBands } from "./bbands.ts";
import { rocSeries } from "./roc.ts";
import { cciSeries } from "./cci.ts";
import { atrSeries } from "./atr.ts";
import { adxSeries, type AdxResult } from "./adx.ts";
import { stochSeries, type StochResult } from "./stoch.ts";
import { obvSeries } from "./obv.ts";
import { vwapSeries } from "./vwap.ts";
import { willrSeries } from "./willr.ts";

export interface Indicators {
  sma(values: Float64Array, period: number): Float64Array;
  ema(values: Float64Array, period: number): Float64Array;
  wma(values: Float64Array, period: number): Float64Array;
  rsi(values: Float64Array, period: number): Float64Array;
  macd(values: Float64Array, fast: number, slow: number, signal: number): MacdResult;
  bbands(values: Float64Array, period: number, k: number): BollingerBands;
  roc(values: Float64Array, period: number): Float64Array;
  cci(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array;
  atr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array;
  adx(high: Float64Array, low: Float64Array, close: Float64Array, period: number): AdxResult;
  stoch(high: Float64Array, low: Float64Array, close: Float64Array, kPeriod: number, kSlow: number, dPeriod: number): StochResult;
  obv(close: Float64Array, volume: Float64Array): Float64Array;
  /** Rolling VWAP of `price` (TTR weights the close). */
  vwap(price: Float64Array, volume: Float64Array, period: number): Float64Array;
  willr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array;
}

/** A twin whose series arguments are checked to be finite first, as the kernels' are. */
function checked<F extends (...args: never[]) => unknown>(name: string, twin: F): F {
  const call = twin as unknown as (...a: unknown[]) => unknown;
  return ((...args: unknown[]) => {
    for (const a of args) if (a instanceof Float64Array) checkValues(name, a);
    return call(...args);
  }) as unknown as F;
}

export const tsIndicators: Indicators = {
  sma: checked("sma", smaSeries),
  ema: checked("ema", emaSeries),
  wma: checked("wma", wmaSeries),
  rsi: checked("rsi", rsiSeries),
  macd: checked("macd", macdSeries),
  bbands: checked("bbands", bbandsSeries),
  roc: checked("roc", rocSeries),
  cci: checked("cci", cciSeries),
  atr: checked("atr", atrSeries),
  adx: checked("adx", adxSeries),
  stoch: checked("stoch", stochSeries),
  obv: checked("obv", obvSeries),
  vwap: checked("vwap", vwapSeries),
  willr: checked("willr", willrSeries),
};
