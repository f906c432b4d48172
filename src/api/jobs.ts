import type { Backtest } from "../backtest/engine.ts";
import type { BacktestReport } from "../backtest/types.ts";
import { EngineError } from "../core/errors.ts";
import type { Clock } from "./deps.ts";
import { ApiError } from "./errors.ts";
import { SLICE_MS, yieldToEventLoop } from "./yield.ts";

export type JobStatus = "queued" | "running" | "done" | "failed";

/** What GET /backtests/:id answers. */
export interface JobView {
  readonly id: string;
  readonly status: JobStatus;
  readonly progress: { readonly barsDone: number; readonly barsTotal: number; readonly fraction: number };
  /** Epoch ms. */
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly result?: BacktestReport;
  readonly error?: { readonly code: string; readonly message: string; readonly field?: string };
}

interface Job {
  readonly id: string;
  /** The engine while the job is pending; dropped once it ends so a finished job keeps only its report. */
  run: Backtest | null;
  readonly barsTotal: number;
  barsDone: number;
  status: JobStatus;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  computeMs: number;
  result?: BacktestReport;
  error?: JobView["error"];
}

/**
 * Asynchronous backtests. Jobs run one at a time, first in first out, each
 * stepped in slices of about SLICE_MS with a yield to the event loop between
 * slices, so the server keeps answering while a long run is under way.
 * At most `capacity` jobs are kept; finished ones are dropped oldest first.
 */
export class BacktestJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private working = false;

  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    private readonly log: (message: string, err: unknown) => void,
  ) {}

  /** Queues an already-validated run; answers 429 when every slot holds an unfinished job. */
  submit(run: Backtest, barsTotal: number): JobView {
    if (this.jobs.size >= this.capacity && !this.evictOneFinished()) {
      throw new ApiError(429, "too_many_jobs", `${this.capacity} backtest jobs are already queued or running; retry later`, undefined, { "retry-after": "1" });
    }
    const job: Job = {
      id: crypto.randomUUID(), run, barsTotal, barsDone: 0, status: "queued",
      createdAt: this.clock.now(), startedAt: null, finishedAt: null, computeMs: 0,
    };
    this.jobs.set(job.id, job);
    this.queue.push(job);
    if (!this.working) void this.work();
    return view(job);
  }

  get(id: string): JobView | undefined {
    const job = this.jobs.get(id);
    return job && view(job);
  }

  private evictOneFinished(): boolean {
    for (const [id, job] of this.jobs) {
      if (job.status === "done" || job.status === "failed") {
        this.jobs.delete(id);
        return true;
      }
    }
    return false;
  }

  private async work(): Promise<void> {
    this.working = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) await this.runJob(job);
    } finally {
      this.working = false;
    }
  }

  private async runJob(job: Job): Promise<void> {
    await yieldToEventLoop();
    job.status = "running";
    job.startedAt = this.clock.now();
    const run = job.run!;
    try {
      while (!run.done) {
        const start = performance.now();
        do {
          // Counted before stepping, as the engine counts a bar it has started (a failing bar is the last one done).
          job.barsDone++;
          run.step();
        } while (!run.done && performance.now() - start < SLICE_MS);
        job.computeMs += performance.now() - start;
        await yieldToEventLoop();
      }
      job.result = withTiming(run.report(), job.computeMs);
      job.status = "done";
    } catch (e) {
      if (e instanceof EngineError) job.error = { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) };
      else {
        this.log(`backtest job ${job.id} failed`, e);
        job.error = { code: "internal", message: "the backtest failed unexpectedly" };
      }
      job.status = "failed";
    }
    job.run = null;
    job.finishedAt = this.clock.now();
  }
}

/** The report's timing from the slices' compute time (stepping leaves the engine's own timer unused). */
function withTiming(report: BacktestReport, elapsedMs: number): BacktestReport {
  return { ...report, elapsedMs, barsPerSecond: elapsedMs > 0 ? Math.round(report.bars / (elapsedMs / 1000)) : report.bars * 1000 };
}

function view(job: Job): JobView {
  const barsDone = job.status === "done" ? job.barsTotal : job.barsDone;
  return {
    id: job.id,
    status: job.status,
    progress: { barsDone, barsTotal: job.barsTotal, fraction: job.barsTotal ? barsDone / job.barsTotal : 1 },
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    ...(job.result ? { result: job.result } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}
