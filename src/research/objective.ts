// What "best" means in a sweep: the objective a user picks, and which way is better.
import { ConfigError, shown } from "../core/errors.ts";
import type { RunStats } from "./stats.ts";

export const OBJECTIVES = {
  sharpe: { label: "Sharpe", higherIsBetter: true },
  sortino: { label: "Sortino", higherIsBetter: true },
  cagr: { label: "CAGR", higherIsBetter: true },
  calmar: { label: "Calmar", higherIsBetter: true },
  totalReturn: { label: "Total return", higherIsBetter: true },
  maxDrawdown: { label: "Max drawdown", higherIsBetter: false },
  winRate: { label: "Win rate", higherIsBetter: true },
} as const;

export type Objective = keyof typeof OBJECTIVES;

export function checkObjective(name: unknown): Objective {
  if (typeof name === "string" && Object.hasOwn(OBJECTIVES, name)) return name as Objective;
  throw new ConfigError(`objective must be one of ${Object.keys(OBJECTIVES).join(", ")}, got ${shown(name)}`, { field: "objective" });
}

/** The objective's value, oriented so that larger is better (max drawdown is negated). */
export function score(stats: RunStats, objective: Objective): number {
  const v = stats[objective];
  return OBJECTIVES[objective].higherIsBetter ? v : -v;
}

/** The index of the best of the scored items (NaN never wins; ties go to the first), or -1. */
export function bestIndex<T>(items: readonly T[], scoreOf: (item: T) => number): number {
  let best = -1;
  let bestScore = -Infinity;
  items.forEach((item, i) => {
    const s = scoreOf(item);
    if (!Number.isNaN(s) && (best < 0 || s > bestScore)) {
      best = i;
      bestScore = s;
    }
  });
  return best;
}
