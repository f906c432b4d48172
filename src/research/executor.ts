// Where a sweep's runs execute: the port every place implements (this
// thread, a pool of worker threads or Web Workers, a BullMQ queue), and the
// in-thread implementation.
import type { BarSeries } from "../core/data.ts";
import type { RunContext, RunRow, RunTask } from "./run.ts";
import { Runner } from "./run.ts";
import type { VectorEngine } from "./vector/engine.ts";
import { realScheduler } from "../core/clock.ts";

export interface ExecuteOptions {
  /** Called as rows arrive: rows done so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with rows as they arrive (a page fills its heat map as it goes). */
  readonly onRows?: (rows: readonly RunRow[]) => void;
  /** Stops the sweep: the promise rejects with SweepCancelled, unrun tasks are dropped. */
  readonly signal?: AbortSignal;
}

/**
 * Runs a batch of a sweep's tasks and returns one row per task (any order:
 * the sweep sorts them by id). The same context and series go with every
 * batch of a sweep, so an executor may send them to its workers once.
 */
export interface RunExecutor {
  execute(context: RunContext, series: readonly BarSeries[], tasks: readonly RunTask[], options?: ExecuteOptions): Promise<RunRow[]>;
}

/** Thrown (rejected) when a sweep is cancelled. */
export class SweepCancelled extends Error {
  constructor() {
    super("the sweep was cancelled");
    this.name = "SweepCancelled";
  }
}

/**
 * Runs every task on this thread. Between slices of `sliceMs` it awaits
 * `pause` (a macrotask in a server, so other requests get served), where
 * progress is reported and cancellation noticed.
 */
export class LocalExecutor implements RunExecutor {
  constructor(
    private readonly vector: VectorEngine | null,
    private readonly pause: () => Promise<void> = () => Promise.resolve(),
    private readonly sliceMs = 8,
    private readonly now: () => number = realScheduler.now,
  ) {}

  async execute(context: RunContext, series: readonly BarSeries[], tasks: readonly RunTask[], options: ExecuteOptions = {}): Promise<RunRow[]> {
    const runner = new Runner(context, series, this.vector);
    const rows: RunRow[] = [];
    let sliceStart = this.now();
    for (const task of tasks) {
      if (options.signal?.aborted) throw new SweepCancelled();
      const row = runner.run(task);
      rows.push(row);
      options.onRows?.([row]);
      if (this.now() - sliceStart >= this.sliceMs) {
        options.onProgress?.(rows.length, tasks.length);
        await this.pause();
        sliceStart = this.now();
      }
    }
    if (options.signal?.aborted) throw new SweepCancelled();
    options.onProgress?.(rows.length, tasks.length);
    return rows;
  }
}
