import type { Answer } from "../answer.ts";
import { ApiError } from "../errors.ts";
import type { ComputeLimits, ComputePool, ComputeRequest, ComputeResult } from "./port.ts";
import type { ComputeTask } from "./tasks.ts";

/** What the pool sends a worker: one task, its body transferred, not copied. */
export interface TaskMessage {
  readonly id: number;
  readonly task: ComputeTask;
  readonly request: ComputeRequest;
}

/** What a worker sends back: the answer (its body as transferred bytes) and, for a 500, what went wrong. */
export interface ReplyMessage {
  readonly id: number;
  readonly answer: Answer & { readonly body: Uint8Array<ArrayBuffer> };
  readonly failure?: string;
}

/** A worker as the pool drives it, whatever the runtime's kind of worker. */
export interface PoolWorker {
  post(message: TaskMessage, transfer: ArrayBuffer[]): void;
  terminate(): void;
}

/**
 * Starts a worker (runtimes/node: a worker thread; runtimes/deno: a Web
 * Worker) that loads the kernels once and answers tasks with serveTasks;
 * its replies go to `onReply`, and its death (a crash, out of memory) to `onExit`.
 */
export type SpawnWorker = (onReply: (message: ReplyMessage) => void, onExit: (reason: unknown) => void) => PoolWorker;

export interface WorkerPoolOptions {
  /** Workers, each running one task at a time. */
  readonly size: number;
  /** Requests that may wait for a worker; beyond them a request is refused with 503. */
  readonly queueLength: number;
  readonly spawn: SpawnWorker;
}

interface Job {
  readonly id: number;
  readonly task: ComputeTask;
  readonly request: ComputeRequest;
  readonly timeoutMs: number;
  /** Answers the caller (once; later calls do nothing). */
  readonly settle: (outcome: Outcome) => void;
  readonly stopTimer: () => void;
  slot?: Slot;
}

type Outcome = { result: ComputeResult } | { error: unknown };

interface Slot {
  worker?: PoolWorker;
  job?: Job;
}

const SETTINGS = { timeout: "compute.timeout, NT_COMPUTE_TIMEOUT", queue: "compute.queue, NT_COMPUTE_QUEUE" };

/**
 * A fixed set of workers with a bounded queue in front: a request runs on an
 * idle worker, else waits its turn, else (queue full) is refused with 503 and
 * Retry-After. Each request has a time budget from when it is accepted; a
 * worker still running at its end is terminated and replaced (the request
 * gets 504), so no request can hold a worker for longer.
 */
export class WorkerPool implements ComputePool {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!(options.size >= 1)) throw new RangeError(`a worker pool needs at least one worker, got ${options.size}`);
    this.slots = Array.from({ length: options.size }, () => ({}));
    // Started now, so the first requests do not wait for the kernels to load.
    for (const slot of this.slots) this.spawn(slot);
  }

  run(task: ComputeTask, request: ComputeRequest, limits: ComputeLimits): Promise<ComputeResult> {
    if (this.closed) return Promise.reject(new ApiError(503, "shutting_down", "the server is shutting down"));
    const idle = this.slots.find((s) => s.job === undefined);
    if (idle === undefined && this.queue.length >= this.options.queueLength) {
      return Promise.reject(busy(`all ${this.slots.length} compute workers are busy and ${this.queue.length} requests are waiting (${SETTINGS.queue}); retry shortly`));
    }
    return new Promise<ComputeResult>((resolve, reject) => {
      const onAbort = () => this.abandon(job);
      const timer = setTimeout(() => this.expire(job), limits.timeoutMs);
      const job: Job = {
        id: this.nextId++, task, request, timeoutMs: limits.timeoutMs,
        stopTimer: () => clearTimeout(timer),
        settle: (outcome) => {
          limits.signal?.removeEventListener("abort", onAbort);
          if ("result" in outcome) resolve(outcome.result);
          else reject(outcome.error);
        },
      };
      if (limits.signal?.aborted) return onAbort();
      limits.signal?.addEventListener("abort", onAbort, { once: true });
      if (idle) this.start(idle, job);
      else this.queue.push(job);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const stopping = new ApiError(503, "shutting_down", "the server is shutting down");
    for (const job of this.queue.splice(0)) finish(job, { error: stopping });
    for (const slot of this.slots) {
      if (slot.job) finish(slot.job, { error: stopping });
      slot.job = undefined;
      slot.worker?.terminate();
      slot.worker = undefined;
    }
  }

  private spawn(slot: Slot): PoolWorker {
    // Events from a worker this slot has since replaced are ignored.
    const worker: PoolWorker = this.options.spawn(
      (message) => slot.worker === worker && this.replied(slot, message),
      (reason) => slot.worker === worker && this.died(slot, reason),
    );
    slot.worker = worker;
    return worker;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    job.slot = slot;
    // The body's buffer is the request's own (ComputeRequest), so it moves to the worker without a copy.
    (slot.worker ?? this.spawn(slot)).post({ id: job.id, task: job.task, request: job.request }, [job.request.body.buffer]);
  }

  private replied(slot: Slot, message: ReplyMessage): void {
    const job = slot.job;
    if (job === undefined || job.id !== message.id) return;
    finish(job, { result: message.failure === undefined ? { answer: message.answer } : { answer: message.answer, failure: message.failure } });
    this.next(slot);
  }

  /** A crashed worker fails only its own request; the next request starts a new worker. */
  private died(slot: Slot, reason: unknown): void {
    slot.worker = undefined;
    const job = slot.job;
    if (job === undefined) return;
    finish(job, { error: new Error(`the compute worker running ${job.task} stopped: ${describe(reason)}`) });
    this.next(slot);
  }

  private expire(job: Job): void {
    if (job.slot) {
      this.drop(job, new ApiError(504, "time_budget_exceeded",
        `the request ran past its time budget of ${job.timeoutMs} ms (${SETTINGS.timeout}) and was stopped; send a smaller request (fewer rows, indicators or assets)`));
    } else {
      this.drop(job, busy(`the request waited its whole time budget of ${job.timeoutMs} ms (${SETTINGS.timeout}) for a compute worker; retry shortly`));
    }
  }

  /**
   * The client went away. A queued job leaves the queue; a running one
   * finishes within its budget and its answer is dropped: stopping and
   * starting a worker would cost the serving thread more than a disconnect
   * costs the client.
   */
  private abandon(job: Job): void {
    const gone = new ApiError(503, "client_gone", "the client closed the connection");
    if (job.slot === undefined) this.drop(job, gone);
    // Its timer stays: a worker still busy past the budget is stopped all the same.
    else job.settle({ error: gone });
  }

  /** Ends a job early: a queued one leaves the queue; a running one's worker is stopped and replaced. */
  private drop(job: Job, error: ApiError): void {
    const slot = job.slot;
    if (slot === undefined) {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
    } else if (slot.job === job) {
      slot.worker?.terminate();
      this.spawn(slot);
      this.next(slot);
    }
    finish(job, { error });
  }

  private next(slot: Slot): void {
    slot.job = undefined;
    const job = this.queue.shift();
    if (job) this.start(slot, job);
  }
}

function finish(job: Job, outcome: Outcome): void {
  job.stopTimer();
  job.settle(outcome);
}

function busy(message: string): ApiError {
  return new ApiError(503, "compute_busy", message, undefined, { "retry-after": "1" });
}

/** The bytes in a buffer of their own, so transferring it moves exactly them. */
export function ownBuffer(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
