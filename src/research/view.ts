// A sweep's result as the CLI's --json and the API's job result show it:
// rows with short parameter names and their statistics, without the guard
// sums and per-split logits (the HTML report draws those).
import type { DeflatedSharpe, Pbo } from "./guards.ts";
import type { Objective } from "./objective.ts";
import type { Engine, RunError, RunRow } from "./run.ts";
import { shortKeys } from "./space.ts";
import type { RunStats } from "./stats.ts";
import type { SweepResult, WindowResult } from "./sweep.ts";
import type { OutOfSample } from "./walk-forward.ts";

export interface RowView {
  readonly id: number;
  readonly symbol: string;
  readonly params: Record<string, number | boolean>;
  readonly engine: Engine;
  readonly declined?: string;
  readonly stats?: RunStats;
  readonly error?: RunError;
}

export type PboView = Omit<Pbo, "logits">;

export interface SweepView {
  readonly strategy: string;
  readonly objective: Objective;
  readonly points: number;
  readonly runs: readonly RowView[];
  readonly best: RowView | null;
  readonly engines: SweepResult["engines"];
  readonly deflatedSharpe?: DeflatedSharpe | null;
  readonly pbo?: PboView | null;
  readonly outOfSample?: OutOfSample;
  readonly symbols: readonly {
    readonly symbol: string;
    readonly best: RowView | null;
    readonly deflatedSharpe: DeflatedSharpe | null;
    readonly pbo: PboView | null;
    readonly walkForward?: { readonly windows: readonly (Omit<WindowResult, "best"> & { best: Record<string, number | boolean> | null })[]; readonly outOfSample: OutOfSample };
  }[];
}

export function rowView(r: RunRow): RowView {
  return {
    id: r.id, symbol: r.symbol, params: shortKeys(r.point), engine: r.engine,
    ...(r.declined ? { declined: r.declined } : {}), ...(r.stats ? { stats: r.stats } : {}), ...(r.error ? { error: r.error } : {}),
  };
}

const pboView = (p: Pbo | null | undefined): PboView | null => (p ? { pbo: p.pbo, splits: p.splits, blocks: p.blocks, trials: p.trials } : null);

export function sweepView(r: SweepResult): SweepView {
  return {
    strategy: r.strategy, objective: r.objective, points: r.points, runs: r.runs.map(rowView), best: r.best && rowView(r.best), engines: r.engines,
    ...("deflatedSharpe" in r ? { deflatedSharpe: r.deflatedSharpe, pbo: pboView(r.pbo) } : {}),
    ...(r.outOfSample ? { outOfSample: r.outOfSample } : {}),
    symbols: r.symbols.map((s) => ({
      symbol: s.symbol, best: s.best && rowView(s.best), deflatedSharpe: s.deflatedSharpe, pbo: pboView(s.pbo),
      ...(s.walkForward ? {
        walkForward: {
          windows: s.walkForward.windows.map((w) => ({ ...w, best: w.best && shortKeys(w.best) })),
          outOfSample: s.walkForward.outOfSample,
        },
      } : {}),
    })),
  };
}
