// The indicator lines drawn over a strategy's chart: what the strategy itself
// looks at, computed over the whole series by the indicator kernels.
import type { BarSeries } from "../../src/core/data.ts";
import type { Indicators } from "../../src/features/indicators.ts";
import type { StrategyParams } from "../../src/strategies/strategy.ts";
import type { OverlaySpec } from "./protocol.ts";

export const COLORS = {
  fast: "#e8710a",
  slow: "#1a73e8",
  rsi: "#8e24aa",
  band: "#00897b",
  middle: "#5f6368",
  /** The other series of a run (a pair's second leg, mirror's), in turn. */
  others: ["#d81b60", "#3949ab", "#7cb342", "#f4511e", "#00acc1"],
};

/** The closes of the other series a run takes besides the loaded one (a pair's second leg), each a line in the pane below the candles. */
export function otherSeriesOverlays(symbols: readonly string[]): OverlaySpec[] {
  return symbols.map((symbol, i) => ({
    id: `close-${i}`, label: `${symbol} close`, kind: "close", args: [i], pane: "lower", color: COLORS.others[i % COLORS.others.length],
  }));
}

/** The overlays for a strategy and its (validated) parameters; none for a strategy it does not know. */
export function overlaysFor(strategy: string, params: StrategyParams): OverlaySpec[] {
  switch (strategy) {
    case "momentum": {
      const { fast, slow, rsiPeriod, rsiMax, allowShort } = params as { fast: number; slow: number; rsiPeriod: number; rsiMax: number; allowShort: boolean };
      // Longs are entered below rsiMax; shorts, when allowed, above 100 - rsiMax.
      const levels = allowShort ? [rsiMax, 100 - rsiMax] : [rsiMax];
      return [
        { id: "sma-fast", label: `SMA(${fast})`, kind: "sma", args: [fast], pane: "price", color: COLORS.fast },
        { id: "sma-slow", label: `SMA(${slow})`, kind: "sma", args: [slow], pane: "price", color: COLORS.slow },
        { id: "rsi", label: `RSI(${rsiPeriod})`, kind: "rsi", args: [rsiPeriod], pane: "lower", color: COLORS.rsi, levels },
      ];
    }
    case "mean-reversion": {
      // Bands at ±entryZ standard deviations: a close outside them is an entry.
      const { period, entryZ } = params as { period: number; entryZ: number };
      const label = (part: string) => `BB(${period}, ${entryZ}) ${part}`;
      return [
        { id: "bb-upper", label: label("upper"), kind: "bbands.upper", args: [period, entryZ], pane: "price", color: COLORS.band },
        { id: "bb-middle", label: label("middle"), kind: "bbands.middle", args: [period, entryZ], pane: "price", color: COLORS.middle },
        { id: "bb-lower", label: label("lower"), kind: "bbands.lower", args: [period, entryZ], pane: "price", color: COLORS.band },
      ];
    }
    default:
      return [];
  }
}

/**
 * The overlays of a run: its strategy's, or with `combined`, each member's
 * (the combination's parameters are prefixed by strategy: momentum.fast).
 */
export function overlaysForRun(strategy: string, params: StrategyParams, combined: boolean): OverlaySpec[] {
  if (!combined) return overlaysFor(strategy, params);
  return strategy.split(",").flatMap((name) => {
    const prefix = `${name}.`;
    const own = Object.fromEntries(Object.entries(params).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    return overlaysFor(name, own).map((o) => ({ ...o, id: `${name}:${o.id}` }));
  });
}

/** Computes every overlay over `close` (a "close" one is another series' closes, from `others`); bands with the same arguments are computed once. */
export function computeOverlays(ind: Indicators, close: Float64Array, specs: readonly OverlaySpec[], others: readonly BarSeries[] = []): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  const bands = new Map<string, ReturnType<Indicators["bbands"]>>();
  for (const spec of specs) {
    switch (spec.kind) {
      case "sma":
        out[spec.id] = ind.sma(close, spec.args[0]);
        break;
      case "rsi":
        out[spec.id] = ind.rsi(close, spec.args[0]);
        break;
      case "close":
        out[spec.id] = others[spec.args[0]].close;
        break;
      case "bbands.upper":
      case "bbands.middle":
      case "bbands.lower": {
        const key = spec.args.join(":");
        let b = bands.get(key);
        if (!b) bands.set(key, (b = ind.bbands(close, spec.args[0], spec.args[1])));
        out[spec.id] = b[spec.kind.slice("bbands.".length) as "upper" | "middle" | "lower"];
        break;
      }
    }
  }
  return out;
}
