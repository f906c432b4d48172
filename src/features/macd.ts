import { ConfigError } from "../core/errors.ts";
import { Ema, smoothSeries } from "./ema.ts";
import { checkPeriod, checkInputs } from "./params.ts";

export interface MacdResult {
  macd: Float64Array;
  signal: Float64Array;
  hist: Float64Array;
}

/** Validates MACD periods: integers >= 1 with fast < slow. */
export function checkMacd(fast: number, slow: number, signal: number): void {
  checkPeriod("macd.fast", fast);
  checkPeriod("macd.slow", slow);
  checkPeriod("macd.signal", signal);
  if (fast >= slow) {
    throw new ConfigError(`macd.fast must be less than macd.slow, got fast ${fast} and slow ${slow}`, { field: "macd.fast" });
  }
}

/**
 * MACD as TA-Lib computes it (price difference, not percent): the fast and
 * slow EMAs both start at index slow - 1. Seeding: the slow EMA with the SMA
 * of the first `slow` values, the fast EMA with the SMA of the `fast` values
 * ending at index slow - 1 (TTR instead seeds the fast EMA at fast - 1; the
 * two agree once that start has decayed). The signal line is an EMA of the
 * MACD line seeded with its SMA, so signal and hist start at slow + signal - 2.
 */
export function macdSeries(values: Float64Array, fast: number, slow: number, signal: number): MacdResult {
  checkMacd(fast, slow, signal);
  const n = values.length;
  const macd = new Float64Array(n).fill(NaN);
  const sig = new Float64Array(n).fill(NaN);
  if (n >= slow) {
    const skip = slow - fast;
    const fastEma = smoothSeries(values.subarray(skip), fast, 2 / (fast + 1));
    const slowEma = smoothSeries(values, slow, 2 / (slow + 1));
    for (let i = slow - 1; i < n; i++) macd[i] = fastEma[i - skip] - slowEma[i];
    sig.set(smoothSeries(macd.subarray(slow - 1), signal, 2 / (signal + 1)), slow - 1);
  }
  const hist = macd.map((m, i) => m - sig[i]);
  return { macd, signal: sig, hist };
}

/**
 * Incremental MACD, seeded like `macdSeries`. `add` returns the MACD line;
 * `signal` and `hist` are getters. `replace` revises the latest value.
 */
export class Macd {
  private readonly fastEma: Ema;
  private readonly slowEma: Ema;
  private readonly signalEma: Ema;
  private count = 0;
  private lastMacd = NaN;
  private lastSignal = NaN;

  constructor(readonly fast: number, readonly slow: number, readonly signalPeriod: number) {
    checkMacd(fast, slow, signalPeriod);
    this.fastEma = new Ema(fast);
    this.slowEma = new Ema(slow);
    this.signalEma = new Ema(signalPeriod);
  }

  /** Adds the next value; returns the MACD line, NaN for the first slow - 1 bars. */
  add(value: number): number {
    checkInputs("macd", value);
    this.count++;
    return this.update(value, false);
  }

  /** Replaces the most recent value (a still-forming bar). */
  replace(value: number): number {
    checkInputs("macd", value);
    return this.count === 0 ? this.add(value) : this.update(value, true);
  }

  get value(): number {
    return this.lastMacd;
  }

  get signal(): number {
    return this.lastSignal;
  }

  get hist(): number {
    return this.lastMacd - this.lastSignal;
  }

  /** True once the signal line (and so the histogram) is defined. */
  get isStable(): boolean {
    return this.signalEma.isStable;
  }

  private update(value: number, revise: boolean): number {
    const feed = (ema: Ema, x: number) => (revise ? ema.replace(x) : ema.add(x));
    const slow = feed(this.slowEma, value);
    // The fast EMA sees only the values from index slow - fast on, which
    // makes it seed at index slow - 1 together with the slow one.
    if (this.count <= this.slow - this.fast) return (this.lastMacd = NaN);
    const fast = feed(this.fastEma, value);
    if (this.count < this.slow) return (this.lastMacd = NaN);
    this.lastMacd = fast - slow;
    this.lastSignal = feed(this.signalEma, this.lastMacd);
    return this.lastMacd;
  }
}
