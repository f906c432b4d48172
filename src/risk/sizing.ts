import { checkSetting, type SettingSpec } from "../core/settings.ts";
import type { BarHistory } from "../core/data.ts";
import { summary } from "./summary.ts";
import { periodsPerYear } from "../core/dates.ts";
import type { Direction } from "../core/signal.ts";

/** Decides what fraction of equity a new position takes, from the bars seen so far and the side it is on. */
export interface PositionSizer {
  readonly name: string;
  fraction(history: BarHistory, direction: Direction): number;
}

const above0 = (name: string, value: number | undefined, description: string) =>
  ({ name, type: "number", ...(value === undefined ? { required: true } : { default: value }), min: 0, minExclusive: true, description }) as const;
const lookback = (value: number) =>
  ({ name: "lookback", type: "integer", default: value, min: 2, minExclusive: true, description: "bars of returns to estimate from" }) as const;
const cap = above0("max", 1, "cap on the fraction of equity; 1 is never levered");

/**
 * Each sizing method's settings, declared once: the sizers below check their
 * options with these, and so do the request check (src/backtest/request.ts),
 * the CLI, the API's schema and the page's form. `fixed` is the run's
 * positionFraction under another name.
 */
export const SIZING_SETTINGS = {
  fixed: [{ name: "fraction", type: "number", required: true, min: 0, max: 1, minExclusive: true, description: "fraction of equity a new position takes" }],
  volTarget: [above0("target", undefined, "annualized volatility a position should carry, e.g. 0.15"), lookback(20), cap],
  kelly: [above0("scale", 0.5, "share of the full Kelly fraction, e.g. 0.5 = half Kelly"), lookback(60), cap],
} as const satisfies Record<string, readonly SettingSpec[]>;

/** A sizing method's setting by name, checked against its declaration. */
function option(method: keyof typeof SIZING_SETTINGS, name: string, v: number | undefined): number {
  const spec: SettingSpec = SIZING_SETTINGS[method].find((s) => s.name === name)!;
  return checkSetting(spec, v ?? spec.default, name, { prefix: "sizing " }) as number;
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
  const lookback = option("volTarget", "lookback", o.lookback);
  const max = option("volTarget", "max", o.max);
  const target = option("volTarget", "target", o.target);
  if (o.periodsPerYear !== undefined) checkSetting(above0("periodsPerYear", undefined, "bars per year"), o.periodsPerYear, "periodsPerYear", { prefix: "sizing " });
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
  const scale = option("kelly", "scale", o.scale);
  const lookback = option("kelly", "lookback", o.lookback);
  const max = option("kelly", "max", o.max);
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
