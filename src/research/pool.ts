// A sweep on a pool of workers, whatever a worker is: a Node worker thread
// (runtimes/node/research), a Web Worker (runtimes/browser). The runtime
// supplies `spawn`; dispatch, progress, cancellation and the worker's side
// of the protocol live here, once.
import type { BarSeries } from "../core/data.ts";
import { SweepCancelled, type ExecuteOptions, type RunExecutor } from "./executor.ts";
import { Runner, type RunContext, type RunRow, type RunTask } from "./run.ts";
import { VectorEngine } from "./vector/engine.ts";
import type { VectorKernels } from "./vector/kernels.ts";

/** What the pool sends a worker: a batch's shared part once, then chunks of its tasks. */
export type ToSweepWorker =
  | { readonly type: "batch"; readonly batch: number; readonly context: RunContext; readonly series: readonly BarSeries[] }
  | { readonly type: "tasks"; readonly batch: number; readonly tasks: readonly RunTask[] };

/** What a worker sends back: the rows of a chunk. */
export interface FromSweepWorker {
  readonly type: "rows";
  readonly batch: number;
  readonly rows: readonly RunRow[];
}

export interface SweepWorker {
  post(message: ToSweepWorker): void;
  terminate(): void;
}

/** Starts a worker whose replies go to `onMessage` and whose death (a crash, out of memory) to `onExit`. */
export type SpawnSweepWorker = (onMessage: (message: FromSweepWorker) => void, onExit: (reason: unknown) => void) => SweepWorker;

export interface WorkerPoolOptions {
  readonly size: number;
  readonly spawn: SpawnSweepWorker;
  /** Tasks per message; default: enough chunks for about 8 per worker, at most 32 tasks each. */
  readonly chunk?: number;
}

interface Slot {
  worker?: SweepWorker;
  /** The batch whose context and series this worker holds. */
  batch: number;
  chunk?: readonly RunTask[];
  /** The current batch's handlers (a worker outlives batches). */
  onMessage?: (message: FromSweepWorker) => void;
  onExit?: (reason: unknown) => void;
}

/**
 * Runs a batch's tasks on `size` workers, a chunk at a time to whichever
 * is free. A worker that dies fails only the runs it held (rows with the
 * error) and is replaced. Cancelling terminates every worker; the next
 * batch starts fresh ones.
 */
export class WorkerPoolExecutor implements RunExecutor {
  private readonly slots: Slot[];
  private batches = 0;
  private running = false;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!(Number.isInteger(options.size) && options.size >= 1)) throw new RangeError(`a sweep pool needs at least one worker, got ${options.size}`);
    this.slots = Array.from({ length: options.size }, () => ({ batch: -1 }));
  }

  get size(): number {
    return this.slots.length;
  }

  execute(context: RunContext, series: readonly BarSeries[], tasks: readonly RunTask[], options: ExecuteOptions = {}): Promise<RunRow[]> {
    if (this.running) return Promise.reject(new Error("this pool is already running a batch"));
    if (options.signal?.aborted) return Promise.reject(new SweepCancelled());
    if (tasks.length === 0) return Promise.resolve([]);
    this.running = true;
    const batch = ++this.batches;
    const size = this.options.chunk ?? Math.max(1, Math.min(32, Math.ceil(tasks.length / (this.slots.length * 8))));
    const chunks: RunTask[][] = [];
    for (let i = 0; i < tasks.length; i += size) chunks.push(tasks.slice(i, i + size));
    const rows: RunRow[] = [];
    return new Promise<RunRow[]>((resolve, reject) => {
      let next = 0;
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        this.running = false;
        options.signal?.removeEventListener("abort", onAbort);
        for (const slot of this.slots) slot.chunk = undefined;
        if (error) reject(error);
        else resolve(rows);
      };
      const onAbort = () => {
        this.stop();
        finish(new SweepCancelled());
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      const dispatch = (slot: Slot) => {
        if (settled) return;
        if (next >= chunks.length) {
          slot.chunk = undefined;
          if (this.slots.every((s) => s.chunk === undefined)) finish();
          return;
        }
        const chunk = chunks[next++];
        slot.chunk = chunk;
        const worker = slot.worker ?? this.spawn(slot);
        if (slot.batch !== batch) {
          worker.post({ type: "batch", batch, context, series });
          slot.batch = batch;
        }
        worker.post({ type: "tasks", batch, tasks: chunk });
      };
      for (const slot of this.slots) {
        slot.onMessage = (message) => {
          // Replies from an earlier (cancelled) batch are stale.
          if (message.batch !== batch || slot.chunk === undefined) return;
          rows.push(...message.rows);
          options.onRows?.(message.rows);
          options.onProgress?.(rows.length, tasks.length);
          dispatch(slot);
        };
        slot.onExit = (reason) => {
          const lost = slot.chunk;
          slot.worker = undefined;
          slot.batch = -1;
          if (lost === undefined || settled) return;
          const failed = lost.map((t) => lostRow(t, series, reason));
          rows.push(...failed);
          options.onRows?.(failed);
          options.onProgress?.(rows.length, tasks.length);
          dispatch(slot);
        };
      }
      for (const slot of this.slots) dispatch(slot);
    });
  }

  /** Terminates every worker (a later batch spawns new ones). */
  close(): void {
    this.stop();
  }

  private stop(): void {
    for (const slot of this.slots) {
      slot.worker?.terminate();
      slot.worker = undefined;
      slot.batch = -1;
      slot.chunk = undefined;
    }
  }

  private spawn(slot: Slot): SweepWorker {
    // Events from a worker this slot has since replaced are ignored.
    const worker: SweepWorker = this.options.spawn(
      (m) => { if (slot.worker === worker) slot.onMessage?.(m); },
      (reason) => { if (slot.worker === worker) slot.onExit?.(reason); },
    );
    slot.worker = worker;
    return worker;
  }
}

function lostRow(task: RunTask, series: readonly BarSeries[], reason: unknown): RunRow {
  return {
    id: task.id, series: task.series, symbol: series[task.series]?.symbol ?? "?", from: task.from, to: task.to, point: task.point,
    engine: "event-driven", error: { name: "WorkerError", message: `the worker running this run stopped: ${reason instanceof Error ? reason.message : String(reason)}` },
  };
}

/** A worker's side of the protocol: a channel in, a channel out. */
export interface SweepWorkerChannel {
  onMessage(listener: (message: ToSweepWorker) => void): void;
  post(message: FromSweepWorker): void;
}

/**
 * Answers a pool's messages in a worker: holds the current batch's runner
 * (with the vectorized path when kernels load) and runs each chunk.
 */
export function serveSweeps(channel: SweepWorkerChannel, kernels: Promise<VectorKernels | null>): void {
  let runner: { batch: number; runner: Runner } | null = null;
  let queue = Promise.resolve();
  channel.onMessage((message) => {
    // In arrival order, after the kernels have loaded.
    queue = queue.then(async () => {
      if (message.type === "batch") {
        const k = await kernels;
        runner = { batch: message.batch, runner: new Runner(message.context, message.series, k ? new VectorEngine(k) : null) };
        return;
      }
      if (runner === null || runner.batch !== message.batch) return;
      const r = runner.runner;
      channel.post({ type: "rows", batch: message.batch, rows: message.tasks.map((t) => r.run(t)) });
    });
  });
}
