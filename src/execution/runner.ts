import type { Scheduler } from "../core/clock.ts";

/** What the runner drives: a backtest, a paper session, anything that advances one step at a time. */
export interface Steppable {
  readonly done: boolean;
  step(): void;
}

export interface RunOptions {
  /** Monotonic time and timers: the real ones, or a FakeScheduler in tests. */
  readonly scheduler: Scheduler;
  /**
   * Steps per second (a replay at N bars a second); omitted: as fast as the
   * slices allow. Paced runs catch up after a late timer, so the rate holds
   * on average.
   */
  readonly pace?: number;
  /** Longest stretch of stepping before handing the thread back, in ms (default 8). */
  readonly sliceMs?: number;
  /** Most steps one wake-up of a paced run may take, so a fast pace cannot hog the thread (default 2,000). */
  readonly maxStepsPerWake?: number;
  /** Lets queued work (requests, a cancel message) run between slices; default a zero-delay timer. */
  readonly yieldNow?: () => Promise<void>;
  /** Checked before every slice: true stops the run there. */
  readonly cancelled?: () => boolean;
  /** Aborting stops the run at once, even in the middle of a paced wait (its timer is cleared). */
  readonly signal?: AbortSignal;
  /** After each slice, with the steps taken so far. */
  readonly onSlice?: (steps: number) => void;
}

export interface RunOutcome {
  readonly steps: number;
  /** Milliseconds spent stepping, waits and yields excluded. */
  readonly busyMs: number;
  readonly cancelled: boolean;
}

/** Clock reads cost more than a cheap step: read it once per this many steps. */
const STEPS_PER_CHECK = 32;
/** Shortest pause between paced wake-ups (timers are coarser than this in most runtimes anyway). */
const MIN_WAIT_MS = 4;

/**
 * The one loop that slices engine work for the API's jobs and paper
 * sessions and the browser's worker: steps `target` to its end in slices of
 * about `sliceMs`, yielding between them so the thread keeps serving, or at
 * `pace` steps a second. A step that throws ends the run with that error.
 */
export async function runSteps(target: Steppable, opts: RunOptions): Promise<RunOutcome> {
  const { scheduler } = opts;
  const sliceMs = opts.sliceMs ?? 8;
  const yieldNow = opts.yieldNow ?? (() => new Promise<void>((resolve) => scheduler.after(0, resolve)));
  const { signal } = opts;
  const cancelled = () => signal?.aborted === true || (opts.cancelled?.() ?? false);
  let steps = 0;
  let busy = 0;
  const startedAt = scheduler.now();
  while (!target.done) {
    if (cancelled()) return { steps, busyMs: busy, cancelled: true };
    const start = scheduler.now();
    // Paced: the first step at once, then one every 1000 / pace ms, caught up to now.
    const due = opts.pace === undefined ? Infinity
      : Math.min(Math.floor(((start - startedAt) * opts.pace) / 1000) + 1, steps + (opts.maxStepsPerWake ?? 2_000));
    const until = start + sliceMs;
    let k = 0;
    while (!target.done && steps < due) {
      target.step();
      steps++;
      if (++k === STEPS_PER_CHECK) {
        k = 0;
        if (scheduler.now() >= until) break;
      }
    }
    busy += scheduler.now() - start;
    opts.onSlice?.(steps);
    if (target.done) break;
    if (opts.pace === undefined || steps < due) await yieldNow();
    else {
      const nextAt = startedAt + (steps * 1000) / opts.pace;
      await wait(scheduler, Math.max(MIN_WAIT_MS, nextAt - scheduler.now()), signal);
    }
  }
  return { steps, busyMs: busy, cancelled: false };
}

/** A timer that an abort clears, resolving at once. */
function wait(scheduler: Scheduler, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      scheduler.cancel(handle);
      resolve();
    };
    const handle = scheduler.after(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
