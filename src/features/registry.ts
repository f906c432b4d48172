/**
 * Every indicator, declared once: its inputs, parameters, outputs, the
 * TypeScript twin, the WASM kernel export and the streaming class. The spec
 * parser (spec.ts), the twins' interface (indicators.ts), the kernel
 * dispatch (src/kernels/indicators.ts), the CLI help and the OpenAPI
 * document all read this list, so adding an indicator is one entry here
 * plus its kernel (assembly/indicators) and its twin and streaming files.
 */
import type { SettingSpec } from "../core/settings.ts";
import { checkFinite, checkPeriod } from "./params.ts";
import { Sma, smaSeries } from "./sma.ts";
import { Ema, emaSeries } from "./ema.ts";
import { Wma, wmaSeries } from "./wma.ts";
import { Rsi, rsiSeries } from "./rsi.ts";
import { checkMacd, Macd, macdSeries } from "./macd.ts";
import { Bbands, bbandsSeries } from "./bbands.ts";
import { Roc, rocSeries } from "./roc.ts";
import { Cci, cciSeries } from "./cci.ts";
import { Atr, atrSeries } from "./atr.ts";
import { Adx, adxSeries } from "./adx.ts";
import { Stoch, stochSeries } from "./stoch.ts";
import { Obv, obvSeries } from "./obv.ts";
import { Vwap, vwapSeries } from "./vwap.ts";
import { Willr, willrSeries } from "./willr.ts";

/** The longest period any indicator takes; a period must also be no longer than the series. */
export const MAX_PERIOD = 100_000;
/** The widest Bollinger band, in standard deviations. */
export const MAX_BAND_WIDTH = 10;

/** Which bar columns an indicator reads, in the order its functions take them. */
export const INPUT_COLUMNS = {
  close: ["close"],
  "high-low-close": ["high", "low", "close"],
  "close-volume": ["close", "volume"],
} as const;
export type InputKind = keyof typeof INPUT_COLUMNS;

type SeriesArgs<I extends InputKind> = I extends "close" ? [values: Float64Array]
  : I extends "close-volume" ? [close: Float64Array, volume: Float64Array]
  : [high: Float64Array, low: Float64Array, close: Float64Array];
type NumberArgs<P extends readonly unknown[]> = { -readonly [K in keyof P]: number };
/** One array, or one array per named output. */
export type IndicatorResult<O> = O extends readonly string[] ? { [K in O[number]]: Float64Array } : Float64Array;

/** The streaming form: one bar's inputs in, the main output out; the outputs are also getters named as the parts (see streamingOutputs). */
export interface StreamingIndicator {
  add(...input: number[]): number;
  replace(...input: number[]): number;
  readonly value: number;
  readonly isStable: boolean;
}

export interface IndicatorEntry<N extends string = string, I extends InputKind = InputKind, P extends readonly SettingSpec[] = readonly SettingSpec[], O extends readonly string[] | undefined = readonly string[] | undefined> {
  readonly name: N;
  readonly inputs: I;
  /** Parameters in order, with defaults; integer ones are periods (windows). */
  readonly params: P;
  /** Names of the outputs when there are several (columns item.part); absent for one. */
  readonly outputs: O;
  /** The plain TypeScript function over whole series: the reference. */
  readonly twin: (...args: [...SeriesArgs<I>, ...NumberArgs<P>]) => IndicatorResult<O>;
  /**
   * The WASM export, called as export(...inputs, ...outputs, ...scratch, n, ...params)
   * with n-value buffers; `propagates` marks recursive kernels (EMA, RSI) whose
   * last output is finite only if every input was, which saves a scan.
   */
  readonly kernel: { readonly export: string; readonly scratch?: number; readonly propagates?: boolean };
  readonly streaming: new (...params: NumberArgs<P>) => StreamingIndicator;
  /** Checks across parameters (each parameter's own range is checked from its spec). */
  readonly check?: (args: NumberArgs<P>) => void;
}

/** Keeps the literal types of inputs, params and outputs, so the twin and streaming class are checked against them. */
function entry<const N extends string, const I extends InputKind, const P extends readonly SettingSpec[], const O extends readonly string[] | undefined = undefined>(
  e: Omit<IndicatorEntry<N, I, P, O>, "outputs"> & { readonly outputs?: O },
): IndicatorEntry<N, I, P, O> {
  return { ...e, outputs: e.outputs as O };
}

const period = (name: string, value: number): SettingSpec =>
  ({ name, type: "integer", default: value, min: 1, max: MAX_PERIOD, description: `${name} in bars` });

export const INDICATORS = [
  entry({ name: "sma", inputs: "close", params: [period("period", 20)], twin: smaSeries, kernel: { export: "sma" }, streaming: Sma }),
  entry({ name: "ema", inputs: "close", params: [period("period", 20)], twin: emaSeries, kernel: { export: "ema", propagates: true }, streaming: Ema }),
  entry({ name: "wma", inputs: "close", params: [period("period", 20)], twin: wmaSeries, kernel: { export: "wma" }, streaming: Wma }),
  entry({ name: "rsi", inputs: "close", params: [period("period", 14)], twin: rsiSeries, kernel: { export: "rsi", propagates: true }, streaming: Rsi }),
  entry({
    name: "macd", inputs: "close", params: [period("fast", 12), period("slow", 26), period("signal", 9)], outputs: ["macd", "signal", "hist"],
    twin: macdSeries, kernel: { export: "macd" }, streaming: Macd, check: ([f, s, g]) => checkMacd(f, s, g),
  }),
  entry({
    name: "bbands", inputs: "close",
    params: [period("period", 20), { name: "k", type: "number", default: 2, min: 0, max: MAX_BAND_WIDTH, description: "band half-width in standard deviations" }],
    outputs: ["lower", "middle", "upper"], twin: bbandsSeries, kernel: { export: "bbands" }, streaming: Bbands,
  }),
  entry({ name: "atr", inputs: "high-low-close", params: [period("period", 14)], twin: atrSeries, kernel: { export: "atr" }, streaming: Atr }),
  entry({
    name: "adx", inputs: "high-low-close", params: [period("period", 14)], outputs: ["adx", "plusDI", "minusDI"],
    twin: adxSeries, kernel: { export: "adx" }, streaming: Adx,
  }),
  entry({
    name: "stoch", inputs: "high-low-close", params: [period("kPeriod", 14), period("kSlow", 3), period("dPeriod", 3)], outputs: ["k", "d"],
    // Scratch: two deques of i32 bar indices (8n bytes).
    twin: stochSeries, kernel: { export: "stoch", scratch: 1 }, streaming: Stoch,
  }),
  entry({ name: "obv", inputs: "close-volume", params: [], twin: obvSeries, kernel: { export: "obv" }, streaming: Obv }),
  // TTR's VWAP weights the close.
  entry({ name: "vwap", inputs: "close-volume", params: [period("period", 20)], twin: vwapSeries, kernel: { export: "vwap" }, streaming: Vwap }),
  entry({ name: "cci", inputs: "high-low-close", params: [period("period", 20)], twin: cciSeries, kernel: { export: "cci" }, streaming: Cci }),
  // Scratch: the rolling highest high (n values) and two deques (8n bytes).
  entry({ name: "willr", inputs: "high-low-close", params: [period("period", 14)], twin: willrSeries, kernel: { export: "willr", scratch: 2 }, streaming: Willr }),
  entry({ name: "roc", inputs: "close", params: [period("period", 10)], twin: rocSeries, kernel: { export: "roc" }, streaming: Roc }),
] as const;

export type AnyIndicator = (typeof INDICATORS)[number];
export type IndicatorName = AnyIndicator["name"];

/** An entry by name, or undefined. */
export function indicatorEntry(name: string): AnyIndicator | undefined {
  return INDICATORS.find((e) => e.name === name);
}

type Args<E extends AnyIndicator> = Parameters<E["twin"]>;
type Result<E extends AnyIndicator> = ReturnType<E["twin"]>;

/** The batch form of every indicator as methods named after it: (...series, ...params) => result. */
export type IndicatorMethods = { [E in AnyIndicator as E["name"]]: (...args: Args<E>) => Result<E> };
/** The same, with an optional last argument: caller-owned arrays the results are written into. */
export type IndicatorMethodsInto = { [E in AnyIndicator as E["name"]]: (...args: [...Args<E>, out?: Result<E>]) => Result<E> };

/** Checks each parameter against its own spec (naming it, e.g. "rsi.period"), then the entry's cross-checks. */
export function checkParams(e: AnyIndicator, args: readonly number[]): void {
  e.params.forEach((spec: SettingSpec, i: number) => {
    const field = `${e.name}.${spec.name}`;
    if (spec.type === "integer") checkPeriod(field, args[i], spec.min);
    else checkFinite(field, args[i], spec.min);
  });
  (e.check as ((a: readonly number[]) => void) | undefined)?.(args);
}

/**
 * The outputs of a streaming instance after add() or replace() answered
 * `answer`, in the entry's order: each from the getter named as the output,
 * or the answer where there is none (Macd's and Adx's main line).
 */
export function streamingOutputs(e: AnyIndicator, s: StreamingIndicator, answer: number): number[] {
  const getters = s as unknown as Record<string, number>;
  return (e.outputs ?? ["value"]).map((p: string) => (p in s ? getters[p] : answer));
}
