// Sweeps on a worker pool: the runtime-neutral dispatcher with in-process
// fake workers (crash, cancel), then real Node worker threads.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { WasmVectorKernels } from "../../src/kernels/research.ts";
import { LocalExecutor, SweepCancelled } from "../../src/research/executor.ts";
import { serveSweeps, WorkerPoolExecutor, type FromSweepWorker, type SpawnSweepWorker, type ToSweepWorker } from "../../src/research/pool.ts";
import { runSweep, type SweepSpec } from "../../src/research/sweep.ts";
import { VectorEngine } from "../../src/research/vector/engine.ts";
import { tsVectorKernels } from "../../src/research/vector/twin.ts";
import { nodeSweepPool } from "../../runtimes/node/research/pool.ts";
import { root, wasmBytes } from "../helpers.ts";

const sp500 = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });
const spec: SweepSpec = {
  base: { strategy: "momentum" }, walkForward: { inSample: 2000, outOfSample: 1000 },
  space: { grid: [{ key: "fast", from: 5, to: 30, step: 5 }, { key: "slow", from: 50, to: 150, step: 50 }] },
};

/** Workers in this process: each answers through serveSweeps on the next turn of the event loop. */
function fakeSpawn(opts: { dieOnChunk?: number } = {}): { spawn: SpawnSweepWorker; spawned: () => number; seriesSent: () => number } {
  let spawned = 0;
  let chunks = 0;
  let seriesSent = 0;
  const spawn: SpawnSweepWorker = (onMessage, onExit) => {
    spawned++;
    let listener: ((m: ToSweepWorker) => void) | undefined;
    let alive = true;
    serveSweeps({ onMessage: (l) => (listener = l), post: (m: FromSweepWorker) => setTimeout(() => alive && onMessage(structuredClone(m)), 0) }, Promise.resolve(tsVectorKernels));
    return {
      post(m) {
        if (m.type === "series") seriesSent++;
        if (m.type === "tasks" && ++chunks === opts.dieOnChunk) {
          alive = false;
          setTimeout(() => onExit(new Error("out of memory")), 0);
          return;
        }
        setTimeout(() => alive && listener!(structuredClone(m)), 0);
      },
      terminate() { alive = false; },
    };
  };
  return { spawn, spawned: () => spawned, seriesSent: () => seriesSent };
}

describe("the worker pool (runtime-neutral)", () => {
  let local: Awaited<ReturnType<typeof runSweep>>;
  beforeAll(async () => {
    local = await runSweep(spec, [sp500], new LocalExecutor(new VectorEngine(tsVectorKernels)));
  });

  it("gives the same result as one thread, with progress to the total", async () => {
    const fake = fakeSpawn();
    const pool = new WorkerPoolExecutor({ size: 3, spawn: fake.spawn, chunk: 2 });
    const seen: number[] = [];
    const result = await runSweep(spec, [sp500], pool, { onProgress: (done, total) => { seen.push(done); expect(total).toBe(18 + 4 * 18 + 4); } });
    expect(result).toEqual(local);
    expect(seen.at(-1)).toBe(94);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(fake.spawned()).toBe(3);
    // The series went to each worker once, for both batches (in-sample, then out-of-sample) and the next sweep.
    expect(fake.seriesSent()).toBe(3);
    await runSweep(spec, [sp500], pool);
    expect(fake.seriesSent()).toBe(3);
  });

  it("a worker that dies fails only the runs it held, as rows with the error, and is replaced", async () => {
    const fake = fakeSpawn({ dieOnChunk: 2 });
    const pool = new WorkerPoolExecutor({ size: 2, spawn: fake.spawn, chunk: 2 });
    const result = await runSweep({ ...spec, walkForward: undefined }, [sp500], pool);
    // It held two chunks of two runs (each worker has two chunks in flight): those four fail.
    const failed = result.runs.filter((r) => r.error);
    expect(failed).toHaveLength(4);
    expect(failed[0].error).toEqual({ name: "WorkerError", message: "the worker running this run stopped: out of memory" });
    expect(result.runs.filter((r) => r.stats)).toHaveLength(14);
    expect(fake.spawned()).toBe(3);
  });

  it("cancels: the promise rejects, workers stop, and the pool runs the next sweep", async () => {
    const fake = fakeSpawn();
    const pool = new WorkerPoolExecutor({ size: 2, spawn: fake.spawn, chunk: 1 });
    const controller = new AbortController();
    await expect(runSweep(spec, [sp500], pool, { signal: controller.signal, onProgress: (done) => done >= 2 && controller.abort() }))
      .rejects.toBeInstanceOf(SweepCancelled);
    expect(await runSweep(spec, [sp500], pool)).toEqual(local);
  });
});

describe("the Node pool of worker threads", () => {
  const dir = join(root, "node_modules/.cache/test-research-pool", String(process.pid));
  let script: URL;
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    // From source, so the test never runs a stale dist/research-worker.mjs.
    await build({
      entryPoints: [join(root, "runtimes/node/research/worker.ts")], outfile: join(dir, "research-worker.mjs"), bundle: true,
      platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "silent",
    });
    script = pathToFileURL(join(dir, "research-worker.mjs"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the sweep on 2 threads with the kernels, equal to one thread", async () => {
    const wasm = new VectorEngine(await WasmVectorKernels.load(wasmBytes("research")));
    const one = await runSweep(spec, [sp500], new LocalExecutor(wasm));
    const pool = nodeSweepPool({ size: 2, kernel: wasmBytes("research"), script });
    try {
      const two = await runSweep(spec, [sp500], pool);
      expect(two).toEqual(one);
      expect(two.engines.vectorized).toBe(94);
    } finally {
      pool.close();
    }
  });
});
