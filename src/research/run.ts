// One run of a sweep: a point of the parameter space on one series (or a
// slice of it), on the vectorized path when it takes the run, else on the
// event-driven engine. A failure is a row with its error, never a throw.
import { runStrategyBacktest, type BacktestRequest } from "../backtest/job.ts";
import type { BarSeries } from "../core/data.ts";
import { EngineError } from "../core/errors.ts";
import { applyPoint, type Point } from "./space.ts";
import { guardStats, statsOfReport, type GuardStats, type RunStats } from "./stats.ts";
import type { VectorEngine } from "./vector/engine.ts";

/** What one run is: a point on bars [from, to) of series number `series`. */
export interface RunTask {
  /** Row number in the sweep; rows come back keyed by it. */
  readonly id: number;
  readonly series: number;
  readonly from: number;
  readonly to: number;
  readonly point: Point;
  /** Keep the equity curve in the row (walk-forward out-of-sample runs). */
  readonly keepEquity?: boolean;
}

export type Engine = "vectorized" | "event-driven";

export interface RunError {
  readonly name: string;
  readonly message: string;
  readonly field?: string;
}

/** One row of a sweep's table. */
export interface RunRow {
  readonly id: number;
  /** The series' number in the sweep and its symbol. */
  readonly series: number;
  readonly symbol: string;
  readonly from: number;
  readonly to: number;
  readonly point: Point;
  /** Which path produced the numbers (both give the same numbers where both run). */
  readonly engine: Engine;
  /** Why the vectorized path did not take the run, when it was allowed to. */
  readonly declined?: string;
  readonly stats?: RunStats;
  readonly guard?: GuardStats;
  readonly equity?: readonly number[];
  readonly error?: RunError;
}

/** What every run of a sweep shares: sent once to each worker with the series. */
export interface RunContext {
  readonly base: BacktestRequest;
  /** Try the vectorized path first (default true). */
  readonly fastPath: boolean;
  /** Blocks each run's returns are cut into for CSCV. */
  readonly guardBlocks: number;
}

/**
 * Runs tasks against a fixed list of series. Slices are cached so runs on
 * the same slice reuse the vectorized path's indicator arrays.
 */
export class Runner {
  private readonly slices = new Map<string, BarSeries>();

  constructor(readonly context: RunContext, readonly series: readonly BarSeries[], private readonly vector: VectorEngine | null) {}

  run(task: RunTask): RunRow {
    const full = this.series[task.series];
    const head = { id: task.id, series: task.series, symbol: full?.symbol ?? "?", from: task.from, to: task.to, point: task.point };
    try {
      if (full === undefined) throw new RangeError(`no series number ${task.series}`);
      const series = this.slice(full, task.series, task.from, task.to);
      const request = applyPoint(this.context.base, task.point);
      let declined: string | undefined;
      if (this.context.fastPath && this.vector) {
        const out = this.vector.run(series, request, { blocks: this.context.guardBlocks });
        if ("run" in out) {
          const { stats, guard, equity } = out.run;
          return { ...head, engine: "vectorized", stats, guard, equity: task.keepEquity ? Array.from(equity) : undefined };
        }
        declined = out.declined;
      }
      const report = runStrategyBacktest(series, request);
      return { ...head, engine: "event-driven", declined, ...this.figures(statsOfReport(report), report.equity.equity, task.keepEquity) };
    } catch (e) {
      return { ...head, engine: "event-driven", error: describe(e) };
    }
  }

  private figures(stats: RunStats, equity: ArrayLike<number>, keep?: boolean) {
    return { stats, guard: guardStats(equity, this.context.guardBlocks), equity: keep ? Array.from(equity) : undefined };
  }

  private slice(s: BarSeries, index: number, from: number, to: number): BarSeries {
    const n = s.close.length;
    if (from === 0 && to === n) return s;
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to <= n && to - from >= 1)) {
      throw new RangeError(`bars ${from}..${to} are not within the ${n} bars of ${s.symbol}`);
    }
    const key = `${index}:${from}:${to}`;
    let cut = this.slices.get(key);
    if (cut === undefined) {
      cut = {
        symbol: s.symbol, time: s.time.subarray(from, to), open: s.open.subarray(from, to), high: s.high.subarray(from, to),
        low: s.low.subarray(from, to), close: s.close.subarray(from, to), volume: s.volume.subarray(from, to),
      };
      // One slice at a time is enough: tasks come grouped by slice.
      this.slices.clear();
      this.slices.set(key, cut);
    }
    return cut;
  }
}

/** An error as a row shows it: the engine's typed errors keep their field. */
export function describe(e: unknown): RunError {
  if (e instanceof EngineError) return { name: e.name, message: e.message, ...(e.field ? { field: e.field } : {}) };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: "Error", message: String(e) };
}
