// Sweeps on BullMQ: a private redis-server, workers in this process and as
// `nt worker` processes, one of them killed with SIGKILL mid-run.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { WasmVectorKernels } from "../../src/kernels/research.ts";
import { LocalExecutor } from "../../src/research/executor.ts";
import { runSweep, type SweepSpec } from "../../src/research/sweep.ts";
import { VectorEngine } from "../../src/research/vector/engine.ts";
import { queueSweepExecutor, startQueueWorker } from "../../runtimes/node/research/queue.ts";
import { root, wasmBytes } from "../helpers.ts";
import { startRedis, type TestRedis } from "./redis.ts";
import { buildCli } from "../cli/built-cli.ts";

const sp500 = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe("a sweep on BullMQ", () => {
  it("gives exactly the local result, walk-forward and guards included", async () => {
    const spec: SweepSpec = {
      base: { strategy: "momentum" }, walkForward: { inSample: 2000, outOfSample: 1000 },
      space: { grid: [{ key: "fast", from: 5, to: 25, step: 10 }, { key: "slow", from: 50, to: 150, step: 50 }, { key: "allowShort", values: [false, true] }] },
    };
    const local = await runSweep(spec, [sp500], new LocalExecutor(new VectorEngine(await WasmVectorKernels.load(wasmBytes("research")))));
    const queue = "in-process";
    const workers = await Promise.all([1, 2].map(() => startQueueWorker(redis.url, { queue, lockMs: 5000, kernel: wasmBytes("research") })));
    const executor = await queueSweepExecutor(redis.url, { queue, chunk: 3 });
    try {
      let last = 0;
      const distributed = await runSweep(spec, [sp500], executor, { onProgress: (done, total) => { expect(done).toBeLessThanOrEqual(total); last = done; } });
      expect(distributed).toEqual(local);
      expect(last).toBe(18 + 4 * 18 + 4);
    } finally {
      await executor.close();
      await Promise.all(workers.map((w) => w.close()));
    }
  });
});

describe("nt sweep --redis", () => {
  it("enqueues, shows the same result as a local sweep, and leaves nothing in Redis", async () => {
    const { nt } = await import("../cli/capture.ts");
    const worker = await startQueueWorker(redis.url, { kernel: wasmBytes("research") });
    try {
      const args = ["sweep", "--grid", "fast=10:30:10,slow=60:120:60", "--walk-forward", "2000:1000", "--json"];
      const remote = await nt(...args, "--redis", redis.url);
      expect(remote.err).toBe("");
      const local = await nt(...args, "--workers", "1");
      expect(JSON.parse(remote.out)).toEqual(JSON.parse(local.out));
    } finally {
      await worker.close();
    }
    const { Redis } = await import("ioredis");
    const r = new Redis(redis.url);
    expect(await r.keys("nt:sweep:*")).toEqual([]);
    r.disconnect();
  });
});

describe("nt worker processes", () => {
  const dir = join(root, "test-artifacts", `queue-${process.pid}`);
  const cli = join(dir, "nt.mjs");
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    await buildCli(dir);
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `nt worker` and resolves with it once it waits for jobs. */
  function worker(queue: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, [cli, "worker", "--redis", redis.url, "--queue", queue, "--lock-ms", "2500"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    children.push(child);
    return new Promise((resolve, reject) => {
      let err = "";
      child.stderr!.on("data", (d: Buffer) => {
        err += d;
        if (err.includes("waiting for jobs")) resolve(child);
      });
      child.once("exit", (code) => reject(new Error(`nt worker exited with ${code}: ${err}`)));
    });
  }

  it("loses nothing when a worker is killed with SIGKILL mid-run: its job is retried elsewhere, each run counted once", async () => {
    const queue = "sigkill";
    // Event-driven runs over 100,000 bars (tens of ms each), two per job, so a job is running when the worker dies;
    // a job stays well inside the 2.5 s lock (a CPU-bound worker cannot renew it mid-job).
    const long = syntheticBars({ n: 100_000, seed: 5 });
    const spec: SweepSpec = { base: { strategy: "momentum" }, fastPath: false, space: { grid: [{ key: "fast", from: 5, to: 60, step: 5 }, { key: "slow", from: 100, to: 200, step: 100 }] } };
    const local = await runSweep(spec, [long], new LocalExecutor(null));
    const first = await worker(queue);
    const executor = await queueSweepExecutor(redis.url, { queue, chunk: 2, pollMs: 20 });
    const watch = new Queue(queue, { connection: { url: redis.url } });
    try {
      let progress = 0;
      const sweep = runSweep(spec, [long], executor, { onProgress: (done) => (progress = done) });
      // Once the first worker has finished a job, it holds the next one.
      while (progress < 2) await new Promise((r) => setTimeout(r, 10));
      first.kill("SIGKILL");
      await new Promise((r) => first.once("exit", r));
      // With no worker alive, the jobs still listed as active are the ones the killed worker held (BullMQ
      // may have fetched the next one already); their locks have not expired yet.
      const held = (await watch.getActive()).map((j) => j.id!);
      expect(held.length).toBeGreaterThanOrEqual(1);
      expect(progress).toBeLessThan(24);
      const second = await worker(queue);
      const distributed = await sweep;
      expect(distributed.runs.map((r) => r.id)).toEqual([...Array(24).keys()]);
      expect(distributed).toEqual(local);
      // The jobs the killed worker held were done again, by the second worker.
      for (const id of held) expect(executor.lastJobs[id]).toBe(String(second.pid));
      second.kill("SIGTERM");
      expect(await new Promise((r) => second.once("exit", r))).toBe(0);
    } finally {
      await watch.close();
      await executor.close();
    }
  }, 60_000);
});
