// A sweep on a pool of workers, whatever a worker is: a Node worker thread
// (runtimes/node/research), a Web Worker (runtimes/browser). The runtime
// supplies `spawn`; dispatch, progress, cancellation and the worker's side
// of the protocol live here, once.
import type { BarSeries } from "../core/data.ts";
import { SweepCancelled, type ExecuteOptions, type RunExecutor } from "./executor.ts";
import { Runner, type RunContext, type RunRow, type RunTask } from "./run.ts";
import type { BlockSums, RunStats } from "./stats.ts";
import { VectorEngine } from "./vector/engine.ts";
import type { VectorKernels } from "./vector/kernels.ts";

/**
 * What the pool sends a worker: each series once (a sweep's batches, and
 * later sweeps on the same arrays, reuse it by id), a batch's shared part
 * once, then chunks of its tasks.
 */
export type ToSweepWorker =
  | { readonly type: "series"; readonly id: number; readonly series: BarSeries }
  | { readonly type: "batch"; readonly batch: number; readonly context: RunContext; readonly series: readonly number[] }
  | { readonly type: "tasks"; readonly batch: number; readonly tasks: readonly RunTask[] };

/**
 * What a worker sends back: the rows of a chunk. Plain rows (statistics and
 * guard sums, no error or curve) travel packed as numbers in one transferred
 * Float64Array (packRows): cloning a thousand row objects costs about as much
 * as computing them on the vectorized path. Other rows travel as objects.
 */
export interface FromSweepWorker {
  readonly type: "rows";
  readonly batch: number;
  readonly packed: Float64Array;
  readonly rows: readonly RunRow[];
}

const STATS: readonly (keyof RunStats)[] = [
  "bars", "finalEquity", "totalReturn", "cagr", "sharpe", "sortino", "calmar", "maxDrawdown", "winRate", "exposure", "trades", "totalCommission",
];

/** Plain rows as numbers: per row id, engine (1 vectorized), block count, the statistics, the guard's four figures, then its blocks' sums. */
export function packRows(rows: readonly RunRow[]): { packed: Float64Array; rest: RunRow[] } {
  const plain = rows.filter((r) => r.stats && r.guard && !r.error && !r.declined && !r.equity);
  const rest = rows.filter((r) => !plain.includes(r));
  const size = plain.reduce((n, r) => n + 3 + STATS.length + 4 + 3 * r.guard!.blocks.length, 0);
  const packed = new Float64Array(size);
  let o = 0;
  for (const r of plain) {
    const g = r.guard!;
    packed[o++] = r.id;
    packed[o++] = r.engine === "vectorized" ? 1 : 0;
    packed[o++] = g.blocks.length;
    for (const k of STATS) packed[o++] = r.stats![k];
    packed[o++] = g.n;
    packed[o++] = g.srPerBar;
    packed[o++] = g.skewness;
    packed[o++] = g.kurtosis;
    for (const b of g.blocks) {
      packed[o++] = b.n;
      packed[o++] = b.sum;
      packed[o++] = b.sumSq;
    }
  }
  return { packed, rest };
}

/** The rows packRows packed, rebuilt with what the pool knows of each task. */
export function unpackRows(packed: Float64Array, task: (id: number) => RunTask, symbol: (series: number) => string): RunRow[] {
  const rows: RunRow[] = [];
  for (let o = 0; o < packed.length;) {
    const t = task(packed[o++]);
    const engine = packed[o++] === 1 ? "vectorized" : "event-driven";
    const blocks = packed[o++];
    const stats = {} as Record<keyof RunStats, number>;
    for (const k of STATS) stats[k] = packed[o++];
    const [n, srPerBar, skewness, kurtosis] = [packed[o++], packed[o++], packed[o++], packed[o++]];
    const sums: BlockSums[] = [];
    for (let b = 0; b < blocks; b++) sums.push({ n: packed[o++], sum: packed[o++], sumSq: packed[o++] });
    rows.push({
      id: t.id, series: t.series, symbol: symbol(t.series), from: t.from, to: t.to, point: t.point, engine,
      stats, guard: { n, srPerBar, skewness, kurtosis, blocks: sums },
    });
  }
  return rows;
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
  /** Series ids this worker holds. */
  held: Set<number>;
  /** The batch whose context and series this worker holds. */
  batch: number;
  /** Chunks sent and not yet answered, oldest first (a worker answers in order). */
  inFlight: (readonly RunTask[])[];
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
  private readonly seriesIds = new WeakMap<BarSeries, number>();
  private nextSeries = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!(Number.isInteger(options.size) && options.size >= 1)) throw new RangeError(`a sweep pool needs at least one worker, got ${options.size}`);
    this.slots = Array.from({ length: options.size }, () => ({ batch: -1, held: new Set<number>(), inFlight: [] }));
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
    const ids = series.map((s) => {
      let id = this.seriesIds.get(s);
      if (id === undefined) this.seriesIds.set(s, (id = ++this.nextSeries));
      return id;
    });
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
        for (const slot of this.slots) slot.inFlight = [];
        if (error) reject(error);
        else resolve(rows);
      };
      const onAbort = () => {
        this.stop();
        finish(new SweepCancelled());
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      // Two chunks in flight per worker: the next is already there when one is answered.
      const dispatch = (slot: Slot) => {
        if (settled) return;
        while (slot.inFlight.length < 2 && next < chunks.length) send(slot, chunks[next++]);
        if (this.slots.every((s) => s.inFlight.length === 0)) finish();
      };
      const send = (slot: Slot, chunk: readonly RunTask[]) => {
        slot.inFlight.push(chunk);
        const worker = slot.worker ?? this.spawn(slot);
        if (slot.batch !== batch) {
          series.forEach((s, k) => {
            if (slot.held.has(ids[k])) return;
            worker.post({ type: "series", id: ids[k], series: s });
            slot.held.add(ids[k]);
          });
          worker.post({ type: "batch", batch, context, series: ids });
          // The worker keeps only this batch's series (see serveSweeps).
          slot.held = new Set(ids);
          slot.batch = batch;
        }
        worker.post({ type: "tasks", batch, tasks: chunk });
      };
      for (const slot of this.slots) {
        slot.onMessage = (message) => {
          // Replies from an earlier (cancelled) batch are stale.
          if (message.batch !== batch || slot.inFlight.length === 0) return;
          const chunk = slot.inFlight.shift()!;
          const arrived = [...unpackRows(message.packed, (id) => chunk.find((t) => t.id === id)!, (k) => series[k]?.symbol ?? "?"), ...message.rows];
          rows.push(...arrived);
          options.onRows?.(arrived);
          options.onProgress?.(rows.length, tasks.length);
          dispatch(slot);
        };
        slot.onExit = (reason) => {
          const lost = slot.inFlight.flat();
          slot.inFlight = [];
          slot.worker = undefined;
          slot.batch = -1;
          slot.held.clear();
          if (lost.length === 0 || settled) return;
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
      slot.held.clear();
      slot.inFlight = [];
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

/** A worker's side of the protocol: a channel in, a channel out (moving the buffers in `transfer`). */
export interface SweepWorkerChannel {
  onMessage(listener: (message: ToSweepWorker) => void): void;
  post(message: FromSweepWorker, transfer: ArrayBuffer[]): void;
}

/**
 * Answers a pool's messages in a worker: holds the current batch's runner
 * (with the vectorized path when kernels load) and runs each chunk.
 */
export function serveSweeps(channel: SweepWorkerChannel, kernels: Promise<VectorKernels | null>): void {
  let runner: { batch: number; runner: Runner } | null = null;
  let vector: VectorEngine | null | undefined;
  const held = new Map<number, BarSeries>();
  let queue = Promise.resolve();
  channel.onMessage((message) => {
    // In arrival order, after the kernels have loaded.
    queue = queue.then(async () => {
      if (message.type === "series") {
        held.set(message.id, message.series);
        return;
      }
      if (message.type === "batch") {
        if (vector === undefined) {
          const k = await kernels;
          // One engine for the worker's life: it keeps the current series' indicator arrays across batches.
          vector = k ? new VectorEngine(k) : null;
        }
        runner = { batch: message.batch, runner: new Runner(message.context, message.series.map((id) => held.get(id)!), vector) };
        // Series of earlier batches go (the pool knows: it resends them if a later batch needs them).
        for (const id of held.keys()) if (!message.series.includes(id)) held.delete(id);
        return;
      }
      if (runner === null || runner.batch !== message.batch) return;
      const r = runner.runner;
      const { packed, rest } = packRows(message.tasks.map((t) => r.run(t)));
      channel.post({ type: "rows", batch: message.batch, packed, rows: rest }, [packed.buffer as ArrayBuffer]);
    });
  });
}
