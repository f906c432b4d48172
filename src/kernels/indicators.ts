import type { Indicators } from "../features/indicators.ts";
import { checkMacd, type MacdResult } from "../features/macd.ts";
import { checkFinite, checkPeriod, checkSameLength, nonFinite } from "../features/params.ts";
import { ConfigError } from "../core/errors.ts";
import type { BollingerBands } from "../features/bbands.ts";
import type { AdxResult } from "../features/adx.ts";
import { checkStoch, type StochResult } from "../features/stoch.ts";
import { F64Arena, instantiateKernels, type KernelExports } from "./module.ts";

type Ptr = number;

/** The raw ABI of build/indicators.wasm (documented in README, "Kernel ABI"). */
export interface IndicatorExports extends KernelExports {
  /** Index of the first NaN or infinite value, or -1. */
  firstNonFinite(src: Ptr, n: number): number;
  sma(src: Ptr, dst: Ptr, n: number, period: number): void;
  ema(src: Ptr, dst: Ptr, n: number, period: number): void;
  wma(src: Ptr, dst: Ptr, n: number, period: number): void;
  rsi(src: Ptr, dst: Ptr, n: number, period: number): void;
  macd(src: Ptr, macd: Ptr, signal: Ptr, hist: Ptr, n: number, fast: number, slow: number, signalPeriod: number): void;
  bbands(src: Ptr, lower: Ptr, middle: Ptr, upper: Ptr, n: number, period: number, k: number): void;
  roc(src: Ptr, dst: Ptr, n: number, period: number): void;
  cci(high: Ptr, low: Ptr, close: Ptr, dst: Ptr, n: number, period: number): void;
  atr(high: Ptr, low: Ptr, close: Ptr, dst: Ptr, n: number, period: number): void;
  adx(high: Ptr, low: Ptr, close: Ptr, adx: Ptr, plusDI: Ptr, minusDI: Ptr, n: number, period: number): void;
  /** `scratch` holds 8n bytes (two deques of i32 bar indices). */
  stoch(high: Ptr, low: Ptr, close: Ptr, k: Ptr, d: Ptr, scratch: Ptr, n: number, kPeriod: number, kSlow: number, dPeriod: number): void;
  obv(close: Ptr, volume: Ptr, dst: Ptr, n: number): void;
  vwap(price: Ptr, volume: Ptr, dst: Ptr, n: number, period: number): void;
  /** `highest` is scratch of n values; `scratch` holds 8n bytes. */
  willr(high: Ptr, low: Ptr, close: Ptr, dst: Ptr, highest: Ptr, scratch: Ptr, n: number, period: number): void;
}

/** The most input, output and scratch buffers any indicator kernel uses (ADX: 3 in, 3 out). */
const SLOTS = 6;

/**
 * Indicators computed by the WASM kernels. Inputs are copied once into
 * reused buffers in the module's memory and each output is copied once out:
 * into fresh arrays, or, when the last argument gives them, into the
 * caller's own arrays, so a steady stream of calls allocates nothing. Not
 * reentrant: one instance serves one thread.
 */
export class WasmIndicators implements Indicators {
  private readonly arena: F64Arena;

  constructor(readonly k: IndicatorExports) {
    this.arena = new F64Arena(k, SLOTS);
  }

  static async load(source: BufferSource | WebAssembly.Module): Promise<WasmIndicators> {
    return new WasmIndicators(await instantiateKernels<IndicatorExports>(source, "indicators"));
  }

  sma(values: Float64Array, period: number, out?: Float64Array): Float64Array {
    checkPeriod("sma.period", period);
    const [src, dst] = this.input("sma", values);
    this.k.sma(src, dst, values.length, windowArg(period, values.length));
    return this.output(1, values.length, out);
  }

  ema(values: Float64Array, period: number, out?: Float64Array): Float64Array {
    checkPeriod("ema.period", period);
    const [src, dst] = this.copyIn(values);
    this.k.ema(src, dst, values.length, windowArg(period, values.length));
    this.checkPropagated("ema", values);
    return this.output(1, values.length, out);
  }

  wma(values: Float64Array, period: number, out?: Float64Array): Float64Array {
    checkPeriod("wma.period", period);
    const [src, dst] = this.input("wma", values);
    this.k.wma(src, dst, values.length, windowArg(period, values.length));
    return this.output(1, values.length, out);
  }

  rsi(values: Float64Array, period: number, out?: Float64Array): Float64Array {
    checkPeriod("rsi.period", period);
    const [src, dst] = this.copyIn(values);
    this.k.rsi(src, dst, values.length, windowArg(period, values.length));
    this.checkPropagated("rsi", values);
    return this.output(1, values.length, out);
  }

  macd(values: Float64Array, fast: number, slow: number, signal: number, out?: MacdResult): MacdResult {
    checkMacd(fast, slow, signal);
    const n = values.length;
    const [src, m, s, h] = this.input("macd", values);
    this.k.macd(src, m, s, h, n, windowArg(fast, n), windowArg(slow, n), windowArg(signal, n));
    return { macd: this.output(1, n, out?.macd), signal: this.output(2, n, out?.signal), hist: this.output(3, n, out?.hist) };
  }

  bbands(values: Float64Array, period: number, k: number, out?: BollingerBands): BollingerBands {
    checkPeriod("bbands.period", period);
    checkFinite("bbands.k", k, 0);
    const n = values.length;
    const [src, lower, middle, upper] = this.input("bbands", values);
    this.k.bbands(src, lower, middle, upper, n, windowArg(period, n), k);
    return { lower: this.output(1, n, out?.lower), middle: this.output(2, n, out?.middle), upper: this.output(3, n, out?.upper) };
  }

  roc(values: Float64Array, period: number, out?: Float64Array): Float64Array {
    checkPeriod("roc.period", period);
    const [src, dst] = this.input("roc", values);
    this.k.roc(src, dst, values.length, windowArg(period, values.length));
    return this.output(1, values.length, out);
  }

  cci(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out?: Float64Array): Float64Array {
    checkPeriod("cci.period", period);
    const n = checkSameLength("cci", high, low, close);
    const [h, l, c, dst] = this.input("cci", high, low, close);
    this.k.cci(h, l, c, dst, n, windowArg(period, n));
    return this.output(3, n, out);
  }

  atr(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out?: Float64Array): Float64Array {
    checkPeriod("atr.period", period);
    const n = checkSameLength("atr", high, low, close);
    const [h, l, c, dst] = this.input("atr", high, low, close);
    this.k.atr(h, l, c, dst, n, windowArg(period, n));
    return this.output(3, n, out);
  }

  adx(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out?: AdxResult): AdxResult {
    checkPeriod("adx.period", period);
    const n = checkSameLength("adx", high, low, close);
    const [h, l, c, adx, plus, minus] = this.input("adx", high, low, close);
    this.k.adx(h, l, c, adx, plus, minus, n, windowArg(period, n));
    return { adx: this.output(3, n, out?.adx), plusDI: this.output(4, n, out?.plusDI), minusDI: this.output(5, n, out?.minusDI) };
  }

  stoch(high: Float64Array, low: Float64Array, close: Float64Array, kPeriod: number, kSlow: number, dPeriod: number, out?: StochResult): StochResult {
    checkStoch(kPeriod, kSlow, dPeriod);
    const n = checkSameLength("stoch", high, low, close);
    const [h, l, c, k, d, scratch] = this.input("stoch", high, low, close);
    this.k.stoch(h, l, c, k, d, scratch, n, windowArg(kPeriod, n), windowArg(kSlow, n), windowArg(dPeriod, n));
    return { k: this.output(3, n, out?.k), d: this.output(4, n, out?.d) };
  }

  obv(close: Float64Array, volume: Float64Array, out?: Float64Array): Float64Array {
    const n = checkSameLength("obv", close, volume);
    const [c, v, dst] = this.input("obv", close, volume);
    this.k.obv(c, v, dst, n);
    return this.output(2, n, out);
  }

  vwap(price: Float64Array, volume: Float64Array, period: number, out?: Float64Array): Float64Array {
    checkPeriod("vwap.period", period);
    const n = checkSameLength("vwap", price, volume);
    const [p, v, dst] = this.input("vwap", price, volume);
    this.k.vwap(p, v, dst, n, windowArg(period, n));
    return this.output(2, n, out);
  }

  willr(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out?: Float64Array): Float64Array {
    checkPeriod("willr.period", period);
    const n = checkSameLength("willr", high, low, close);
    const [h, l, c, dst, highest, scratch] = this.input("willr", high, low, close);
    this.k.willr(h, l, c, dst, highest, scratch, n, windowArg(period, n));
    return this.output(3, n, out);
  }

  /** Copies the inputs into slots 0..k-1 and checks them there (a SIMD pass, not a JS loop); returns every slot's address. */
  private input(name: string, ...series: Float64Array[]): readonly Ptr[] {
    const ptrs = this.copyIn(...series);
    series.forEach((s, slot) => {
      const bad = this.k.firstNonFinite(ptrs[slot], s.length);
      if (bad >= 0) throw nonFinite(name, bad, s[bad]);
    });
    return ptrs;
  }

  /** Copies the inputs into slots 0..k-1 unchecked; returns every slot's address. */
  private copyIn(...series: Float64Array[]): readonly Ptr[] {
    const n = series[0].length;
    const ptrs = this.arena.ensure(n);
    series.forEach((s, slot) => this.arena.view(slot, n).set(s));
    return ptrs;
  }

  /**
   * The input check for recursive indicators (EMA, RSI): once a NaN or an
   * infinity enters their smoothing it never leaves, so a finite last output
   * proves every input finite and saves a pass; otherwise the input is scanned.
   */
  private checkPropagated(name: string, values: Float64Array): void {
    const n = values.length;
    // Input in slot 0, output in slot 1.
    if (n === 0 || Number.isFinite(this.arena.view(1, n)[n - 1])) return;
    const bad = this.k.firstNonFinite(this.arena.ensure(n)[0], n);
    if (bad >= 0) throw nonFinite(name, bad, values[bad]);
  }

  /** Output slot `slot` copied into `out` (the caller's reused array) or into a fresh array. */
  private output(slot: number, n: number, out?: Float64Array): Float64Array {
    // The constructor copies in one memcpy; TypedArray.prototype.slice measured 1.7-3x slower here.
    if (out === undefined) return new Float64Array(this.arena.view(slot, n));
    if (out.length !== n) throw new ConfigError(`output array has length ${out.length}, expected ${n} (the input length)`, { field: "out" });
    out.set(this.arena.view(slot, n));
    return out;
  }
}

/**
 * A window length as the kernels take it (i32): any length above n leaves
 * every output undefined, so clamping to n + 1 changes no result and keeps
 * huge periods from wrapping around.
 */
function windowArg(period: number, n: number): number {
  return Math.min(period, n + 1);
}
