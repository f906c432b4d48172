// POST /sweeps and GET /sweeps/:id: an async job like /backtests (scopes, ownership, the jobs' byte
// budget), whose result is the CLI's --json.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, loadKernels, type EngineApp } from "../../src/api/index.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { LocalExecutor } from "../../src/research/executor.ts";
import { runSweep } from "../../src/research/sweep.ts";
import { sweepView } from "../../src/research/view.ts";
import { root, wasmBytes } from "../helpers.ts";
import { sp500Csv } from "./fixtures.ts";
import { nt } from "../cli/capture.ts";

const SECRETS = { alice: "alice-secret-0123456789abc", bob: "bob-secret-0123456789abcdef", reader: "reader-secret-0123456789ab" };
const KEYS = [`alice:read,backtest:${SECRETS.alice}`, `bob:read,backtest:${SECRETS.bob}`, `reader:read:${SECRETS.reader}`].join(" ");
type Who = keyof typeof SECRETS | "nobody";

let engine: EngineApp | undefined;
afterEach(() => engine?.close());

async function app(env: Record<string, string> = {}): Promise<EngineApp> {
  engine = createApp({
    config: loadAppConfig({ env: { NT_API_KEYS: KEYS, NT_RATE_LIMIT: "off", ...env } }),
    kernels: await loadKernels({ indicators: wasmBytes("indicators"), research: wasmBytes("research") }),
    samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
    app: { name: "nt", version: "0.0.0-test" },
  });
  return engine;
}

async function call(e: EngineApp, who: Who, method: string, path: string, body?: unknown): Promise<Response> {
  return await e.fetch(new Request(`http://x${path}`, {
    method,
    headers: { ...(who === "nobody" ? {} : { authorization: `Bearer ${SECRETS[who]}` }), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
}

async function settled(e: EngineApp, who: Who, id: string) {
  for (;;) {
    const job = await (await call(e, who, "GET", `/sweeps/${id}`)).json();
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sweep = {
  sample: "sp500", strategy: "momentum", objective: "sortino",
  grid: [{ key: "fast", from: 10, to: 30, step: 10 }, { key: "slow", values: [60, 120] }],
  walkForward: { inSample: 2000, outOfSample: 1000 },
};

describe("POST /sweeps", () => {
  it("runs the sweep as a job the caller owns and answers the result the library gives", async () => {
    const e = await app();
    const res = await call(e, "alice", "POST", "/sweeps", sweep);
    expect(res.status).toBe(202);
    const job = await res.json();
    expect(res.headers.get("location")).toBe(`/sweeps/${job.id}`);
    expect(job).toMatchObject({ owner: "alice", progress: { runsDone: 0, runsTotal: 6 + 4 * 6 + 4 } });
    expect((await call(e, "bob", "GET", `/sweeps/${job.id}`)).status).toBe(404);
    const done = await settled(e, "alice", job.id);
    expect(done.status).toBe("done");
    expect(done.progress).toEqual({ runsDone: 34, runsTotal: 34, fraction: 1 });
    const series = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });
    const direct = await runSweep({
      base: { strategy: "momentum" }, objective: "sortino", fastPath: false, walkForward: { inSample: 2000, outOfSample: 1000 },
      space: { grid: [{ key: "fast", from: 10, to: 30, step: 10 }, { key: "slow", values: [60, 120] }] },
    }, [series], new LocalExecutor(null));
    const expected = JSON.parse(JSON.stringify(sweepView(direct)));
    expect(done.result.runs.map((r: { stats: unknown }) => r.stats)).toEqual(expected.runs.map((r: { stats: unknown }) => r.stats));
    expect(done.result.outOfSample).toEqual(expected.outOfSample);
    expect(done.result.deflatedSharpe).toEqual(expected.deflatedSharpe);
    expect(done.result.pbo).toEqual(expected.pbo);
    expect(done.result.engines.vectorized).toBe(34);
    const listed = (await (await call(e, "alice", "GET", "/sweeps")).json()).jobs;
    expect(listed.map((j: { id: string }) => j.id)).toEqual([job.id]);
    expect(listed[0].result).toBeUndefined();
    // Backtest jobs and sweep jobs are listed apart.
    expect((await (await call(e, "alice", "GET", "/backtests")).json()).jobs).toEqual([]);
    expect((await call(e, "alice", "GET", `/backtests/${job.id}`)).status).toBe(404);
    expect((await call(e, "alice", "DELETE", `/sweeps/${job.id}`)).status).toBe(204);
    expect((await call(e, "alice", "GET", `/sweeps/${job.id}`)).status).toBe(404);
  });

  it("needs a key with the backtest scope", async () => {
    const e = await app();
    expect((await call(e, "nobody", "POST", "/sweeps", sweep)).status).toBe(401);
    const denied = await call(e, "reader", "POST", "/sweeps", sweep);
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.message).toMatch(/backtest/);
  });

  it("refuses a bad body with 400 naming the field, before any job exists", async () => {
    const e = await app();
    for (const [body, field] of [
      [{ ...sweep, grid: undefined }, "grid"],
      [{ ...sweep, grid: [{ key: "fast", from: 1, to: 2 }] }, "grid[0].step"],
      [{ ...sweep, grid: [{ key: "fast", from: 5, to: 10, step: 1, extra: 1 }] }, "grid[0].extra"],
      [{ ...sweep, grid: [{ key: "nonsense", from: 1, to: 2, step: 1 }] }, "nonsense"],
      [{ ...sweep, objective: "luck" }, "objective"],
      [{ ...sweep, walkForward: { inSample: 1 } }, "walkForward.inSample"],
      [{ ...sweep, grid: undefined, random: { count: 5, space: [{ key: "fast", min: 2 }] } }, "random.space[0].max"],
    ] as const) {
      const res = await call(e, "alice", "POST", "/sweeps", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.field).toBe(field);
    }
    expect((await (await call(e, "alice", "GET", "/sweeps")).json()).jobs).toEqual([]);
  });

  it("counts against the jobs' memory budget (413 for a sweep that alone exceeds it)", async () => {
    const e = await app({ NT_JOBS_MEMORY: "64kb" });
    const res = await call(e, "alice", "POST", "/sweeps", { ...sweep, walkForward: undefined, grid: [{ key: "fast", from: 2, to: 99, step: 1 }] });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("job_too_large");
  });

  it("stops a running sweep when it is deleted", async () => {
    const e = await app();
    const job = await (await call(e, "alice", "POST", "/sweeps", { ...sweep, fastPath: false, walkForward: undefined, grid: [{ key: "fast", from: 2, to: 40, step: 1 }] })).json();
    for (;;) {
      const v = await (await call(e, "alice", "GET", `/sweeps/${job.id}`)).json();
      if (v.progress.runsDone > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await call(e, "alice", "DELETE", `/sweeps/${job.id}`)).status).toBe(204);
    expect((await call(e, "alice", "GET", `/sweeps/${job.id}`)).status).toBe(404);
    // The queue moves on: the next job runs.
    const next = await (await call(e, "alice", "POST", "/sweeps", { ...sweep, walkForward: undefined })).json();
    expect((await settled(e, "alice", next.id)).status).toBe("done");
  });
});

describe("POST /sweeps over a combination of strategies", () => {
  const combined = {
    sample: "sp500", strategy: "momentum,mean-reversion", params: { "momentum.allowShort": true, "momentum.slow": 60 },
    combine: { method: "weighted", weights: { "mean-reversion": 2 } },
    grid: [{ key: "momentum.fast", from: 5, to: 15, step: 5 }, { key: "combine.minConfidence", values: [0.1, 0.4] }],
  };

  it("gives the rows nt sweep --combine gives, every run event-driven", async () => {
    const e = await app();
    const job = await (await call(e, "alice", "POST", "/sweeps", combined)).json();
    const done = await settled(e, "alice", job.id);
    expect(done.status).toBe("done");
    const cli = await nt("sweep", "--strategy", "momentum,mean-reversion", "--combine", "weighted", "--param", "momentum.allowShort=true",
      "--param", "momentum.slow=60", "--weight", "mean-reversion=2", "--grid", "momentum.fast=5:15:5,combine.minConfidence=0.1|0.4", "--workers", "1", "--json");
    expect(cli.err).toBe("");
    const view = JSON.parse(cli.out);
    expect(done.result.runs).toHaveLength(6);
    expect(done.result.runs[0].params).toEqual({ "momentum.fast": 5, minConfidence: 0.1 });
    expect(done.result.runs).toEqual(view.runs);
    expect(done.result.best).toEqual(view.best);
    expect(done.result.engines).toEqual(view.engines);
    expect(done.result.engines.declined).toEqual([{ reason: "a combination of strategies runs on the event-driven engine", runs: 6 }]);
    expect(done.result.deflatedSharpe).toEqual(view.deflatedSharpe);
    expect(done.result.pbo).toEqual(view.pbo);
  });

  it("refuses a key the combination does not have with 400 naming it", async () => {
    const e = await app();
    for (const key of ["combine.nope", "momentum.nope", "fast"]) {
      const res = await call(e, "alice", "POST", "/sweeps", { ...combined, grid: [{ key, values: [1] }] });
      expect(res.status, key).toBe(400);
      const { error } = await res.json();
      expect(error.field).toBe(key);
      expect(error.message).toMatch(new RegExp(`sweep key "${key.replace(/\./g, "\\.")}": .*; known: momentum\\.fast, `));
    }
    const res = await call(e, "alice", "POST", "/sweeps", { ...combined, combine: undefined });
    expect(res.status).toBe(400);
    expect((await res.json()).error.field).toBe("combine");
  });
});
