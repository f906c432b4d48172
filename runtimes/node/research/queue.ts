// Sweeps on a BullMQ queue (Redis). `nt sweep --redis URL` puts a batch's
// shared part (context and series) in one Redis key and its tasks, in chunks,
// on the queue as jobs; `nt worker --redis URL` processes on any machine take
// jobs, run them, and write each run's row into the batch's Redis hash under
// the run's id. A hash field is written once per id however often a job runs
// (a worker killed mid-job has its job retried elsewhere; rows are
// deterministic), so the collector counts each run once, and the rows equal
// a local run's.
import { randomUUID } from "node:crypto";
import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { BarSeries } from "../../../src/core/data.ts";
import { WasmVectorKernels } from "../../../src/kernels/research.ts";
import {
  Runner, SweepCancelled, VectorEngine, type ExecuteOptions, type RunContext, type RunExecutor, type RunRow, type RunTask,
} from "../../../src/research/index.ts";

export const DEFAULT_QUEUE = "nt-sweeps";
/** Batch keys expire after a day however a sweep ends (a collector killed mid-sweep leaves nothing forever). */
const TTL_SECONDS = 86_400;

const payloadKey = (batch: string) => `nt:sweep:${batch}:payload`;
const rowsKey = (batch: string) => `nt:sweep:${batch}:rows`;
const doneKey = (batch: string) => `nt:sweep:${batch}:done`;

/** A job: one chunk of a batch's tasks. */
interface JobData {
  readonly batch: string;
  readonly tasks: readonly RunTask[];
}

/** A series as JSON: each column's float64 bytes in base64 (exact, and a third the size of decimal text). */
interface WireSeries {
  readonly symbol: string;
  readonly columns: Record<"time" | "open" | "high" | "low" | "close" | "volume", string>;
}

const COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;

function toWire(s: BarSeries): WireSeries {
  const columns = Object.fromEntries(COLUMNS.map((c) => [c, Buffer.from(s[c].buffer, s[c].byteOffset, s[c].byteLength).toString("base64")]));
  return { symbol: s.symbol, columns: columns as WireSeries["columns"] };
}

function fromWire(w: WireSeries): BarSeries {
  const col = (c: (typeof COLUMNS)[number]) => {
    const bytes = Buffer.from(w.columns[c], "base64");
    // Copied into a fresh, aligned buffer: a Buffer may sit at an odd offset in a shared pool.
    return new Float64Array(new Uint8Array(bytes).buffer);
  };
  return { symbol: w.symbol, time: col("time"), open: col("open"), high: col("high"), low: col("low"), close: col("close"), volume: col("volume") };
}

export interface QueueOptions {
  readonly queue?: string;
  /** Tasks per job; default about 8 jobs per expected worker core, at most 16 tasks. */
  readonly chunk?: number;
  /** How often the collector looks at the rows (ms). */
  readonly pollMs?: number;
  /** Attempts per job before the queue gives up on it (its runs become error rows). */
  readonly attempts?: number;
}

export interface QueueSweepExecutor extends RunExecutor {
  /** Which worker process (pid) wrote each job's rows in the last batch, by job id: who did the work, retries included. */
  readonly lastJobs: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** The collector's side: enqueues a batch's chunks and gathers the rows as workers write them. */
export async function queueSweepExecutor(url: string, options: QueueOptions = {}): Promise<QueueSweepExecutor> {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  await redis.connect();
  const queue = new Queue<JobData>(options.queue ?? DEFAULT_QUEUE, { connection: redis });
  const pollMs = options.pollMs ?? 50;
  const attempts = options.attempts ?? 5;
  let lastJobs: Record<string, string> = {};
  return {
    get lastJobs() {
      return lastJobs;
    },
    async execute(context: RunContext, series: readonly BarSeries[], tasks: readonly RunTask[], opts: ExecuteOptions = {}): Promise<RunRow[]> {
      if (tasks.length === 0) return [];
      const batch = randomUUID();
      await redis.set(payloadKey(batch), JSON.stringify({ context, series: series.map(toWire) }), "EX", TTL_SECONDS);
      const size = options.chunk ?? Math.max(1, Math.min(16, Math.ceil(tasks.length / 64)));
      const jobs = [];
      for (let i = 0; i < tasks.length; i += size) {
        jobs.push({
          name: "runs", data: { batch, tasks: tasks.slice(i, i + size) },
          // A deterministic id: adding the same chunk twice is a no-op.
          opts: { jobId: `${batch}-${i / size}`, attempts, backoff: { type: "fixed", delay: 200 }, removeOnComplete: true, removeOnFail: { age: TTL_SECONDS } },
        });
      }
      await queue.addBulk(jobs);
      try {
        for (;;) {
          if (opts.signal?.aborted) throw new SweepCancelled();
          const done = await redis.hlen(rowsKey(batch));
          opts.onProgress?.(done, tasks.length);
          if (done >= tasks.length) break;
          const lost = await failedJobs(queue, jobs.map((j) => j.opts.jobId));
          if (lost.length > 0) await recordLost(redis, batch, lost, series);
          await new Promise((r) => setTimeout(r, pollMs));
        }
        const all = await redis.hgetall(rowsKey(batch));
        lastJobs = await redis.hgetall(doneKey(batch));
        return Object.values(all).map((text) => JSON.parse(text) as RunRow);
      } catch (e) {
        // A cancelled sweep takes its waiting jobs off the queue; running ones find no payload and stop.
        await Promise.all(jobs.map((j) => queue.remove(j.opts.jobId).catch(() => 0)));
        throw e;
      } finally {
        await redis.del(payloadKey(batch), rowsKey(batch), doneKey(batch));
      }
    },
    async close() {
      await queue.close();
      await redis.quit();
    },
  };
}

/** Jobs the queue gave up on (every attempt failed), with the last reason. */
async function failedJobs(queue: Queue<JobData>, ids: readonly string[]): Promise<Job<JobData>[]> {
  const failed = await queue.getFailed(0, 1000);
  const mine = new Set(ids);
  return failed.filter((j) => j.id !== undefined && mine.has(j.id));
}

/** Error rows for the runs of jobs that failed for good, so the sweep ends with every run accounted for. */
async function recordLost(redis: Redis, batch: string, jobs: readonly Job<JobData>[], series: readonly BarSeries[]): Promise<void> {
  const fields: string[] = [];
  for (const job of jobs) {
    for (const t of job.data.tasks) {
      const row: RunRow = {
        id: t.id, series: t.series, symbol: series[t.series]?.symbol ?? "?", from: t.from, to: t.to, point: t.point, engine: "event-driven",
        error: { name: "QueueError", message: `the queue gave up on this run after ${job.attemptsMade} attempts: ${job.failedReason}` },
      };
      fields.push(String(t.id), JSON.stringify(row));
    }
  }
  // HSETNX semantics per field: a row a worker did write wins over the error.
  for (let i = 0; i < fields.length; i += 2) await redis.hsetnx(rowsKey(batch), fields[i], fields[i + 1]);
}

export interface WorkerOptions {
  readonly queue?: string;
  /** Lock on a running job (ms): a worker that dies holds its job this long before it is retried. Default 30 s. */
  readonly lockMs?: number;
  /** build/research.wasm, or null for the event-driven engine only. */
  readonly kernel: Uint8Array | null;
  /** Called after each job with the number of runs it held. */
  readonly onJob?: (runs: number) => void;
}

/** A worker process's side: takes jobs one at a time and writes their rows. */
export async function startQueueWorker(url: string, options: WorkerOptions): Promise<{ close(): Promise<void> }> {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  await redis.connect();
  const vector = options.kernel ? new VectorEngine(await WasmVectorKernels.load(options.kernel)) : null;
  // The last batch's runner: a sweep's jobs share one payload, parsed once per worker.
  let current: { batch: string; runner: Runner } | null = null;
  const lockMs = options.lockMs ?? 30_000;
  const worker = new Worker<JobData, number>(options.queue ?? DEFAULT_QUEUE, async (job) => {
    const { batch, tasks } = job.data;
    if (current?.batch !== batch) {
      const text = await redis.get(payloadKey(batch));
      // No payload: the sweep was cancelled or has ended; nothing to do.
      if (text === null) return 0;
      const payload = JSON.parse(text) as { context: RunContext; series: WireSeries[] };
      current = { batch, runner: new Runner(payload.context, payload.series.map(fromWire), vector) };
    }
    const runner = current.runner;
    const fields: string[] = [];
    for (const t of tasks) fields.push(String(t.id), JSON.stringify(runner.run(t)));
    await redis.multi().hset(rowsKey(batch), ...fields).expire(rowsKey(batch), TTL_SECONDS).hset(doneKey(batch), job.id ?? "?", String(process.pid)).expire(doneKey(batch), TTL_SECONDS).exec();
    options.onJob?.(tasks.length);
    return tasks.length;
  }, {
    connection: redis, concurrency: 1, lockDuration: lockMs, stalledInterval: Math.max(500, Math.round(lockMs / 2)),
    // A job whose worker died is moved back to wait at the stalled check; let that happen a few times.
    maxStalledCount: 5,
  });
  return {
    async close() {
      await worker.close();
      await redis.quit();
    },
  };
}
