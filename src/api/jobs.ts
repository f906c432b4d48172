import type { Backtest } from "../backtest/engine.ts";
import type { BacktestReport } from "../backtest/types.ts";
import { withAnalysis, type Benchmark } from "../report/analysis.ts";
import type { SweepView } from "../research/view.ts";
import { realScheduler, type Scheduler } from "../core/clock.ts";
import { EngineError } from "../core/errors.ts";
import { runSteps } from "../execution/runner.ts";
import type { Clock } from "./deps.ts";
import { ApiError } from "./errors.ts";
import { SLICE_MS, yieldToEventLoop } from "./yield.ts";
import { inSpan, noTelemetry, type Telemetry } from "../observability/telemetry.ts";

/** What a client is told to wait when jobs fill the memory budget: about what a mid-sized job takes. */
const RETRY_AFTER_S = 5;

export type JobStatus = "queued" | "running" | "done" | "failed";

/** Backtests step bars; sweeps run backtests (POST /sweeps). They share the queue and the memory budget. */
export type JobKind = "backtest" | "sweep";

/** What GET /sweeps/:id answers: a job whose progress counts runs and whose result is a sweep. */
export interface SweepJobView extends Omit<JobView, "progress" | "result"> {
  readonly progress: { readonly runsDone: number; readonly runsTotal: number; readonly fraction: number };
  readonly result?: SweepView;
}

/**
 * A sweep as a job runs it: `run` goes to the end in slices that yield to the
 * event loop, reports runs done, and stops early when `signal` aborts.
 */
export interface SweepWork {
  readonly runsTotal: number;
  run(progress: (done: number) => void, signal: AbortSignal): Promise<SweepView>;
}

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
  readonly kind: JobKind;
  readonly owner: string;
  /** The engine (or sweep) and the benchmark while the job is pending; dropped once it ends so a finished job keeps only its result. */
  run: Backtest | SweepWork | null;
  benchmark: Benchmark | null;
  /** Stops a running sweep when the job is deleted. */
  readonly abort: AbortController;
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
  result?: BacktestReport | SweepView;
  error?: JobView["error"];
}

/**
 * What a pending job is counted as, per bar, on top of its request body: its
 * report, mostly the equity curve (three numbers a bar), the benchmark's
 * curve and the rolling figures (five more) and the trades. The reports of
 * the bundled strategies on the bundled series measured 137-140 bytes a bar as JSON.
 */
export const REPORT_BYTES_PER_BAR = 192;

export interface JobLimits {
  /** Jobs kept, of any status. */
  readonly maxJobs: number;
  /** Bytes all kept jobs may hold together (see Job.bytes). */
  readonly memoryBytes: number;
  /** How long a finished job is kept, in ms of the injected clock. */
  readonly ttlMs: number;
}

/**
 * What a pending sweep is counted as per run, on top of its body: its row
 * (parameters and a dozen statistics, about 500 bytes as JSON) with room to
 * spare; a walk-forward sweep adds its out-of-sample curve per bar.
 */
export const ROW_BYTES = 1024;

/** What POST /backtests hands over besides the run. */
export interface JobRequest {
  readonly owner: string;
  readonly barsTotal: number;
  /** The request body's length: what the job's input costs, roughly. */
  readonly bodyBytes: number;
  /** What the report is compared with (src/report/analysis.ts); none when absent. */
  readonly benchmark?: Benchmark | null;
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
    private readonly telemetry: Telemetry = noTelemetry,
    private readonly scheduler: Scheduler = realScheduler,
  ) {}

  /**
   * Queues an already-validated run. 413 when it alone exceeds the memory
   * budget; 503 when unfinished jobs fill the budget, 429 when they fill
   * every slot.
   */
  submit(run: Backtest, request: JobRequest): JobView {
    const bytes = request.bodyBytes + request.barsTotal * REPORT_BYTES_PER_BAR;
    return this.enqueue("backtest", run, request.owner, request.barsTotal, bytes, `its body and report of ${request.barsTotal} bars`, request.benchmark ?? null) as JobView;
  }

  /** Queues a checked sweep, under the same limits as backtests (413, 429, 503). */
  submitSweep(work: SweepWork, request: { owner: string; bodyBytes: number; bars: number }): SweepJobView {
    const bytes = request.bodyBytes + work.runsTotal * ROW_BYTES + request.bars * 40;
    return this.enqueue("sweep", work, request.owner, work.runsTotal, bytes, `its body and ${work.runsTotal} result rows`) as SweepJobView;
  }

  private enqueue(kind: JobKind, run: Backtest | SweepWork, owner: string, total: number, bytes: number, what: string, benchmark: Benchmark | null = null): JobView | SweepJobView {
    this.expire();
    const { maxJobs, memoryBytes } = this.limits;
    if (bytes > memoryBytes) {
      throw new ApiError(413, "job_too_large", `this job would hold about ${bytes} bytes (${what}); jobs may hold ${memoryBytes} bytes in all (limits.jobs_memory)`);
    }
    while (this.jobs.size >= maxJobs || this.bytesHeld + bytes > memoryBytes) {
      if (this.evictOneFinished()) continue;
      if (this.jobs.size >= maxJobs) {
        throw new ApiError(429, "too_many_jobs", `${maxJobs} jobs are already queued or running; retry later`, undefined, { "retry-after": "1" });
      }
      throw new ApiError(503, "jobs_memory_full",
        `queued and running jobs hold ${this.bytesHeld} of the ${memoryBytes} bytes jobs may hold; this one needs about ${bytes}; retry later`,
        undefined, { "retry-after": String(RETRY_AFTER_S) });
    }
    const job: Job = {
      id: crypto.randomUUID(), kind, owner, run, benchmark, abort: new AbortController(), bytes, cancelled: false, barsTotal: total, barsDone: 0,
      status: "queued", createdAt: this.clock.now(), startedAt: null, finishedAt: null, computeMs: 0,
    };
    this.jobs.set(job.id, job);
    this.queue.push(job);
    if (!this.working) void this.work();
    return view(job);
  }

  get(id: string, owner?: string): JobView | undefined {
    const job = this.find(id, owner, "backtest");
    return job && (view(job) as JobView);
  }

  getSweep(id: string, owner?: string): SweepJobView | undefined {
    const job = this.find(id, owner, "sweep");
    return job && (view(job) as SweepJobView);
  }

  /** The jobs of a kind an owner may see, oldest first, without their results (GET /backtests/:id has those). */
  list(owner?: string, kind: JobKind = "backtest"): (JobView | SweepJobView)[] {
    this.expire();
    return [...this.jobs.values()].filter((j) => j.kind === kind && (owner === undefined || j.owner === owner)).map((j) => view(j, false));
  }

  /** Forgets a job, stopping it if it is pending; false when the owner has no such job. */
  delete(id: string, owner?: string, kind: JobKind = "backtest"): boolean {
    const job = this.find(id, owner, kind);
    if (!job) return false;
    this.jobs.delete(id);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    job.cancelled = true;
    job.abort.abort();
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

  private find(id: string, owner: string | undefined, kind: JobKind): Job | undefined {
    this.expire();
    const job = this.jobs.get(id);
    return job && job.kind === kind && (owner === undefined || job.owner === owner) ? job : undefined;
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
    try {
      // One span per job, around its whole run (its slices yield in between).
      const result = await inSpan<BacktestReport | SweepView | null>(this.telemetry.tracer, `${job.kind} job`, { "nt.job.id": job.id, "nt.job.owner": job.owner }, () =>
        job.kind === "sweep" ? this.runSweep(job) : this.runBacktest(job));
      if (job.cancelled) {
        // Deleted while it ran: nobody can ask for it any more, so nothing is built or kept.
        job.run = null;
        job.benchmark = null;
        return;
      }
      job.result = result!;
      job.status = "done";
    } catch (e) {
      if (e instanceof EngineError) job.error = { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) };
      else if (job.cancelled) {
        job.run = null;
        return;
      } else {
        this.log(`${job.kind} job ${job.id} failed`, e);
        job.error = { code: "internal", message: `the ${job.kind} failed unexpectedly` };
      }
      job.status = "failed";
    }
    job.run = null;
    job.benchmark = null;
    job.finishedAt = this.clock.now();
    // The result replaces the estimate; past the budget (a result larger than estimated), finished jobs go, oldest first.
    job.bytes = reportBytes(job);
    while (this.bytesHeld > this.limits.memoryBytes) {
      if (!this.evictOneFinished()) break;
    }
  }

  private async runBacktest(job: Job): Promise<BacktestReport | null> {
    const run = job.run as Backtest;
    const outcome = await runSteps({
      get done() { return run.done; },
      // Counted before stepping, as the engine counts a bar it has started (a failing bar is the last one done).
      step() { job.barsDone++; run.step(); },
    }, { scheduler: this.scheduler, sliceMs: SLICE_MS, yieldNow: yieldToEventLoop, cancelled: () => job.cancelled });
    job.computeMs = outcome.busyMs;
    if (job.cancelled) return null;
    this.telemetry.instruments.backtests.add(1, { engine: "event-driven", where: "job" });
    this.telemetry.instruments.bars.add(job.barsDone, { where: "job" });
    return withAnalysis(withTiming(run.report(), job.computeMs), job.benchmark);
  }

  private runSweep(job: Job): Promise<SweepView> {
    return (job.run as SweepWork).run((done) => (job.barsDone = done), job.abort.signal);
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

function view(job: Job, withResult = true): JobView | SweepJobView {
  // One shape for both kinds but the progress units (bars or runs) and the result.
  const done = job.status === "done" ? job.barsTotal : job.barsDone;
  const fraction = job.barsTotal ? done / job.barsTotal : 1;
  const progress: JobView["progress"] | SweepJobView["progress"] = job.kind === "sweep"
    ? { runsDone: done, runsTotal: job.barsTotal, fraction }
    : { barsDone: done, barsTotal: job.barsTotal, fraction };
  return {
    id: job.id,
    owner: job.owner,
    status: job.status,
    progress,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    ...(job.result && withResult ? { result: job.result } : {}),
    ...(job.error ? { error: job.error } : {}),
  } as JobView | SweepJobView;
}
