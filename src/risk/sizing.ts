import { ConfigError } from "../core/errors.ts";
import type { BarHistory } from "../strategies/strategy.ts";
import { summary } from "./summary.ts";
import { periodsPerYear } from "../backtest/metrics.ts";
import type { Direction } from "../core/signal.ts";

/** Decides what fraction of equity a new position takes, from the bars seen so far and the side it is on. */
export interface PositionSizer {
  readonly name: string;
  fraction(history: BarHistory, direction: Direction): number;
}

export interface VolTargetOptions {
  /** Annualized volatility the position should carry, e.g. 0.15. */
  target: number;
  /** Bars of returns to estimate volatility from (default 20). */
  lookback?: number;
  /** Cap on the fraction (default 1: never levered). */
  max?: number;
  /** Bars per year; default inferred from the spacing of the bars' times (252 for daily). */
  periodsPerYear?: number;
}

/** Fraction = target vol / realized vol (sample sd of simple returns, annualized), capped. */
export function volatilityTarget(o: VolTargetOptions): PositionSizer {
  const lookback = check("lookback", o.lookback ?? 20, 2);
  const max = check("max", o.max ?? 1, 0);
  const target = check("target", o.target, 0);
  if (o.periodsPerYear !== undefined) check("periodsPerYear", o.periodsPerYear, 0);
  return {
    name: `volTarget(${target})`,
    fraction(history) {
      const r = recentReturns(history, lookback);
      if (r === null) return 0;
      const n = history.length;
      const perYear = o.periodsPerYear ?? periodsPerYear(Float64Array.from({ length: lookback + 1 }, (_, k) => history.at(n - lookback - 1 + k).time));
      const vol = summary(r, perYear).annualizedVolatility;
      return vol > 0 ? Math.min(max, target / vol) : max;
    },
  };
}

export interface KellyOptions {
  /** Share of the full Kelly fraction to bet (default 0.5, half Kelly). */
  scale?: number;
  lookback?: number;
  max?: number;
}

/**
 * Kelly fraction mean / variance of recent simple returns (PerformanceAnalytics'
 * KellyRatio, Rf 0), scaled and clamped to [0, max]; a short bets on -mean.
 */
export function kelly(o: KellyOptions = {}): PositionSizer {
  const scale = check("scale", o.scale ?? 0.5, 0);
  const lookback = check("lookback", o.lookback ?? 60, 2);
  const max = check("max", o.max ?? 1, 0);
  return {
    name: `kelly(${scale})`,
    fraction(history, direction) {
      const r = recentReturns(history, lookback);
      if (r === null) return 0;
      const { stdDev, kelly } = summary(r, 1);
      if (!(stdDev > 0)) return 0;
      const edge = direction === "short" ? -kelly : kelly;
      return Math.max(0, Math.min(max, scale * edge));
    },
  };
}

function check(field: string, v: number, min: number): number {
  if (!(Number.isFinite(v) && v > min)) throw new ConfigError(`sizing ${field} must be a number > ${min}, got ${v}`, { field });
  return v;
}

/** The last `lookback` close-to-close returns, or null while fewer bars exist. */
function recentReturns(history: BarHistory, lookback: number): Float64Array | null {
  const n = history.length;
  if (n <= lookback) return null;
  const r = new Float64Array(lookback);
  let prev = history.at(n - lookback - 1).close;
  for (let k = 0; k < lookback; k++) {
    const c = history.at(n - lookback + k).close;
    r[k] = c / prev - 1;
    prev = c;
  }
  return r;
}
