import type { Backtest } from "../backtest/engine.ts";
import type { BacktestReport } from "../backtest/types.ts";
import { realScheduler, type Scheduler } from "../core/clock.ts";
import { EngineError } from "../core/errors.ts";
import { runSteps } from "../execution/runner.ts";
import type { Clock } from "./deps.ts";
import { ApiError } from "./errors.ts";
import { SLICE_MS, yieldToEventLoop } from "./yield.ts";

/** What a client is told to wait when jobs fill the memory budget: about what a mid-sized job takes. */
const RETRY_AFTER_S = 5;

export type JobStatus = "queued" | "running" | "done" | "failed";

/** What GET /backtests/:id answers. */
export interface JobView {
  readonly id: string;
  /** The id of the key that submitted it. */
  readonly owner: string;
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
  readonly owner: string;
  /** The engine while the job is pending; dropped once it ends so a finished job keeps only its report. */
  run: Backtest | null;
  /** What it counts against the memory budget: the estimate while pending, the report's size once done. */
  bytes: number;
  /** Set by DELETE while it runs: the run stops at the end of its slice. */
  cancelled: boolean;
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
 * What a pending job is counted as, per bar, on top of its request body: its
 * report, mostly the equity curve (three numbers a bar) and the trades. The
 * reports of the bundled strategies measured 57-90 bytes a bar as JSON.
 */
export const REPORT_BYTES_PER_BAR = 128;

export interface JobLimits {
  /** Jobs kept, of any status. */
  readonly maxJobs: number;
  /** Bytes all kept jobs may hold together (see Job.bytes). */
  readonly memoryBytes: number;
  /** How long a finished job is kept, in ms of the injected clock. */
  readonly ttlMs: number;
}

/** What POST /backtests hands over besides the run. */
export interface JobRequest {
  readonly owner: string;
  readonly barsTotal: number;
  /** The request body's length: what the job's input costs, roughly. */
  readonly bodyBytes: number;
}

/**
 * Asynchronous backtests. Jobs run one at a time, first in first out, each
 * stepped by the one runner (src/execution/runner.ts) in slices of about SLICE_MS with a yield to the event loop between
 * slices, so the server keeps answering while a long run is under way.
 * Jobs are bounded in count and in bytes; finished ones make room oldest
 * first and expire `ttlMs` after they end. A job belongs to its owner: the
 * `owner` arguments filter by it, undefined meaning every owner (admin).
 */
export class BacktestJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private working = false;

  constructor(
    private readonly clock: Clock,
    private readonly limits: JobLimits,
    private readonly log: (message: string, err: unknown) => void,
    private readonly scheduler: Scheduler = realScheduler,
  ) {}

  /**
   * Queues an already-validated run. 413 when it alone exceeds the memory
   * budget; 503 when unfinished jobs fill the budget, 429 when they fill
   * every slot.
   */
  submit(run: Backtest, request: JobRequest): JobView {
    this.expire();
    const bytes = request.bodyBytes + request.barsTotal * REPORT_BYTES_PER_BAR;
    const { maxJobs, memoryBytes } = this.limits;
    if (bytes > memoryBytes) {
      throw new ApiError(413, "job_too_large",
        `this job would hold about ${bytes} bytes (its body and report of ${request.barsTotal} bars); jobs may hold ${memoryBytes} bytes in all (limits.jobs_memory)`);
    }
    while (this.jobs.size >= maxJobs || this.bytesHeld + bytes > memoryBytes) {
      if (this.evictOneFinished()) continue;
      if (this.jobs.size >= maxJobs) {
        throw new ApiError(429, "too_many_jobs", `${maxJobs} backtest jobs are already queued or running; retry later`, undefined, { "retry-after": "1" });
      }
      throw new ApiError(503, "jobs_memory_full",
        `queued and running jobs hold ${this.bytesHeld} of the ${memoryBytes} bytes jobs may hold; this one needs about ${bytes}; retry later`,
        undefined, { "retry-after": String(RETRY_AFTER_S) });
    }
    const job: Job = {
      id: crypto.randomUUID(), owner: request.owner, run, bytes, cancelled: false, barsTotal: request.barsTotal, barsDone: 0,
      status: "queued", createdAt: this.clock.now(), startedAt: null, finishedAt: null, computeMs: 0,
    };
    this.jobs.set(job.id, job);
    this.queue.push(job);
    if (!this.working) void this.work();
    return view(job);
  }

  get(id: string, owner?: string): JobView | undefined {
    const job = this.find(id, owner);
    return job && view(job);
  }

  /** The jobs an owner may see, oldest first, without their reports (GET /backtests/:id has those). */
  list(owner?: string): JobView[] {
    this.expire();
    return [...this.jobs.values()].filter((j) => owner === undefined || j.owner === owner).map((j) => view(j, false));
  }

  /** Forgets a job, stopping it if it is pending; false when the owner has no such job. */
  delete(id: string, owner?: string): boolean {
    const job = this.find(id, owner);
    if (!job) return false;
    this.jobs.delete(id);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    job.cancelled = true;
    return true;
  }

  /** Bytes the kept jobs count against the budget. */
  get bytesHeld(): number {
    let sum = 0;
    for (const job of this.jobs.values()) sum += job.bytes;
    return sum;
  }

  get size(): number {
    return this.jobs.size;
  }

  private find(id: string, owner: string | undefined): Job | undefined {
    this.expire();
    const job = this.jobs.get(id);
    return job && (owner === undefined || job.owner === owner) ? job : undefined;
  }

  /** Drops finished jobs older than the TTL; run on every access, so the clock decides, not a timer. */
  private expire(): void {
    const now = this.clock.now();
    for (const [id, job] of this.jobs) {
      if (job.finishedAt !== null && now - job.finishedAt >= this.limits.ttlMs) this.jobs.delete(id);
    }
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
      const outcome = await runSteps({
        get done() { return run.done; },
        // Counted before stepping, as the engine counts a bar it has started (a failing bar is the last one done).
        step() { job.barsDone++; run.step(); },
      }, { scheduler: this.scheduler, sliceMs: SLICE_MS, yieldNow: yieldToEventLoop, cancelled: () => job.cancelled });
      job.computeMs = outcome.busyMs;
      if (job.cancelled) {
        // Deleted while it ran: nobody can ask for it any more, so nothing is built or kept.
        job.run = null;
        return;
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
    // The report replaces the estimate; past the budget (a report larger than estimated), finished jobs go, oldest first.
    job.bytes = reportBytes(job);
    while (this.bytesHeld > this.limits.memoryBytes) {
      if (!this.evictOneFinished()) break;
    }
  }
}

/** The report's timing from the slices' compute time (stepping leaves the engine's own timer unused). */
function withTiming(report: BacktestReport, elapsedMs: number): BacktestReport {
  return { ...report, elapsedMs, barsPerSecond: elapsedMs > 0 ? Math.round(report.bars / (elapsedMs / 1000)) : report.bars * 1000 };
}

/** A finished job's size: its report (or error) as JSON, the form it is served in. */
function reportBytes(job: Job): number {
  return JSON.stringify(job.result ?? job.error ?? null).length;
}

function view(job: Job, withResult = true): JobView {
  const barsDone = job.status === "done" ? job.barsTotal : job.barsDone;
  return {
    id: job.id,
    owner: job.owner,
    status: job.status,
    progress: { barsDone, barsTotal: job.barsTotal, fraction: job.barsTotal ? barsDone / job.barsTotal : 1 },
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    ...(job.result && withResult ? { result: job.result } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}
