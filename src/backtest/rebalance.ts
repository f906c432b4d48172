import type { SymbolId, BarHistory } from "../core/data.ts";
import { ConfigError } from "../core/errors.ts";
import { sampleMoments } from "../risk/comoments.ts";
import { optimizePortfolio, type OptimizeMethod, type WeightConstraints } from "../portfolio/optimize.ts";
import type { LinearSolver } from "../solver/types.ts";
import type { RebalanceSchedule } from "./config.ts";

/** A rebalancing rule as plain data: fixed weights, or weights optimized over the trailing bars. */
export interface RebalanceSpec {
  /** Bars between rebalances, e.g. 21 for about monthly on daily bars. */
  readonly every: number;
  /** Fixed target weights by symbol; when absent, `method` decides. */
  readonly weights?: Readonly<Record<SymbolId, number>>;
  readonly method?: OptimizeMethod | "equal";
  /** Bars of close-to-close returns the optimizer estimates from (default 63). */
  readonly lookback?: number;
  readonly constraints?: WeightConstraints;
  /** Risk-free return per bar, for maxsharpe. */
  readonly riskFree?: number;
  readonly minTradeValue?: number;
}

/**
 * The schedule a spec describes. Optimized weights use only the bars each
 * history has seen (no look-ahead) and wait until `lookback` returns exist.
 */
export function rebalanceSchedule(spec: RebalanceSpec, solver?: LinearSolver): RebalanceSchedule {
  if (spec.weights) {
    const weights = { ...spec.weights };
    for (const [s, w] of Object.entries(weights)) {
      if (!Number.isFinite(w)) throw new ConfigError(`rebalance weight for ${s} must be a number, got ${w}`, { field: `rebalance.weights.${s}` });
    }
    return { every: spec.every, minTradeValue: spec.minTradeValue, weights: () => weights };
  }
  const method = spec.method ?? "equal";
  if (method === "equal") {
    return { every: spec.every, minTradeValue: spec.minTradeValue, weights: (h) => Object.fromEntries([...h.keys()].map((s) => [s, 1 / h.size])) };
  }
  const lookback = spec.lookback ?? 63;
  if (!(Number.isInteger(lookback) && lookback >= 2)) {
    throw new ConfigError(`rebalance.lookback must be an integer >= 2, got ${lookback}`, { field: "rebalance.lookback" });
  }
  return {
    every: spec.every,
    minTradeValue: spec.minTradeValue,
    weights(histories) {
      const symbols = [...histories.keys()];
      const returns = symbols.map((s) => trailingReturns(histories.get(s)!, lookback));
      if (returns.some((r) => r === null)) return null;
      const { mean, covariance } = sampleMoments(returns as Float64Array[]);
      const result = optimizePortfolio({ method, covariance, expectedReturns: mean, riskFree: spec.riskFree, constraints: spec.constraints }, solver);
      return Object.fromEntries(symbols.map((s, k) => [s, result.weights[k]]));
    },
  };
}

function trailingReturns(history: BarHistory, lookback: number): Float64Array | null {
  const n = history.length;
  if (n <= lookback) return null;
  const r = new Float64Array(lookback);
  for (let k = 0; k < lookback; k++) r[k] = history.at(n - lookback + k).close / history.at(n - lookback + k - 1).close - 1;
  return r;
}
