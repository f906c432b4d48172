import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { Backtest } from "../../src/backtest/engine.ts";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { StrategyError } from "../../src/core/errors.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { ApiError } from "../../src/api/errors.ts";
import { BacktestJobs, REPORT_BYTES_PER_BAR, type JobView } from "../../src/api/jobs.ts";
import { withAnalysis } from "../../src/report/analysis.ts";
import { strategyBacktest } from "../../src/backtest/job.ts";
import type { Strategy } from "../../src/strategies/strategy.ts";
import { asJson, stable } from "./fixtures.ts";

const clock = { now: () => Date.now() };
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
/** Room for `maxJobs` jobs, with memory and time to spare. */
const limits = (maxJobs: number) => ({ maxJobs, memoryBytes: 1024 ** 3, ttlMs: 3_600_000 });
const request = (barsTotal: number, owner = "alice") => ({ owner, barsTotal, bodyBytes: 100 });
const tick = () => new Promise((r) => setTimeout(r, 0));

async function settle(jobs: BacktestJobs, id: string): Promise<JobView[]> {
  const seen: JobView[] = [];
  for (let i = 0; i < 100_000; i++) {
    const v = jobs.get(id)!;
    seen.push(v);
    if (v.status === "done" || v.status === "failed") return seen;
    await tick();
  }
  throw new Error("job did not finish");
}

/** A strategy that fails on a given bar, the way a broken user strategy would. */
function failingAt(bar: number, error: () => Error): Strategy {
  let n = 0;
  return { name: "failing", onBar: () => { if (++n === bar) throw error(); return null; } };
}

describe("BacktestJobs", () => {
  it("steps a long run in slices, yielding to the event loop, and ends with runStrategyBacktest's report", async () => {
    const series = syntheticBars({ n: 150_000, seed: 11 });
    const req = {
      strategy: "momentum", params: { fast: 10, slow: 40 },
      limits: { maxDrawdown: 0.1 }, sizing: { method: "fixed" as const, fraction: 0.5 },
    };
    const jobs = new BacktestJobs(clock, limits(4), () => {});
    const first = jobs.submit(strategyBacktest(series, req), request(series.close.length));
    const second = jobs.submit(strategyBacktest(series, req), request(series.close.length));
    expect(first.status).toBe("queued");
    const seen = await settle(jobs, first.id);
    // Observed mid-run between slices: the loop was free while the job ran.
    const partial = seen.filter((v) => v.status === "running" && v.progress.barsDone > 0 && v.progress.barsDone < series.close.length);
    expect(partial.length).toBeGreaterThan(1);
    expect(jobs.get(second.id)!.status).not.toBe("done");
    const done = seen.at(-1)!;
    expect(done.status).toBe("done");
    expect(done.result!.elapsedMs).toBeGreaterThan(0);
    // Without a benchmark, the report comes with its analysis and no comparison.
    expect(stable(done.result)).toEqual(asJson(withAnalysis(runStrategyBacktest(series, req), null)));
    await settle(jobs, second.id);
  });

  it("marks a job failed with the engine error's code, or 'internal' (logged) for anything else", async () => {
    const series = syntheticBars({ n: 500, seed: 3 });
    const logged: string[] = [];
    const jobs = new BacktestJobs(clock, limits(4), (m) => logged.push(m));
    const a = jobs.submit(new Backtest(series, failingAt(100, () => new StrategyError("indicator blew up", { field: "period" }))), request(500));
    const b = jobs.submit(new Backtest(series, failingAt(200, () => new TypeError("x is undefined"))), request(500));
    const av = (await settle(jobs, a.id)).at(-1)!;
    expect(av.status).toBe("failed");
    expect(av.error).toEqual({ code: "strategy", message: "indicator blew up", field: "period" });
    expect(av.progress.barsDone).toBe(100);
    const bv = (await settle(jobs, b.id)).at(-1)!;
    expect(bv.error).toEqual({ code: "internal", message: "the backtest failed unexpectedly" });
    expect(logged).toEqual([`backtest job ${b.id} failed`]);
  });

  it("keeps at most `capacity` jobs: 429 while all are unfinished, else the oldest finished makes room", async () => {
    const series = syntheticBars({ n: 2000, seed: 5 });
    const jobs = new BacktestJobs(clock, limits(2), () => {});
    const run = () => strategyBacktest(series, { strategy: "momentum" });
    const a = jobs.submit(run(), request(2000));
    const b = jobs.submit(run(), request(2000));
    let refused: unknown;
    try {
      jobs.submit(run(), request(2000));
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    await settle(jobs, a.id);
    await settle(jobs, b.id);
    const c = jobs.submit(run(), request(2000));
    expect(jobs.get(a.id)).toBeUndefined();
    expect(jobs.get(b.id)).toBeDefined();
    await settle(jobs, c.id);
  });

  it("bounds jobs in bytes: 413 for one over the budget, 503 with Retry-After while pending jobs fill it, finished ones make room", async () => {
    const series = syntheticBars({ n: 1000, seed: 7 });
    const run = () => strategyBacktest(series, { strategy: "momentum" });
    // Each pending job counts its body and 128 bytes a bar for its report: 100 + 128,000 bytes here.
    const each = 100 + 1000 * REPORT_BYTES_PER_BAR;
    const jobs = new BacktestJobs(clock, { maxJobs: 10, memoryBytes: 2 * each + 10, ttlMs: 60_000 }, () => {});
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return { status: (e as ApiError).status, code: (e as ApiError).code, retryAfter: (e as ApiError).headers["retry-after"] };
      }
      throw new Error("not refused");
    };
    expect(refusal(() => jobs.submit(run(), request(3000)))).toEqual({ status: 413, code: "job_too_large", retryAfter: undefined });
    const a = jobs.submit(run(), request(1000));
    const b = jobs.submit(run(), request(1000));
    expect(jobs.bytesHeld).toBe(2 * each);
    expect(refusal(() => jobs.submit(run(), request(1000)))).toEqual({ status: 503, code: "jobs_memory_full", retryAfter: "5" });
    await settle(jobs, a.id);
    await settle(jobs, b.id);
    // Done, each holds only its report, measured as the JSON it is served as.
    const reports = [a, b].map((j) => JSON.stringify(jobs.get(j.id)!.result).length);
    expect(jobs.bytesHeld).toBe(reports[0] + reports[1]);
    // Two new pending jobs take the whole budget: the finished ones make room, oldest first.
    jobs.submit(run(), request(1000));
    expect(jobs.get(b.id)?.status).toBe("done");
    const d = jobs.submit(run(), request(1000));
    expect([jobs.get(a.id), jobs.get(b.id)]).toEqual([undefined, undefined]);
    expect(jobs.bytesHeld).toBe(2 * each);
    await settle(jobs, d.id);
  });

  it("forgets finished jobs once the TTL has passed on its clock, releasing them; pending ones stay", async () => {
    let now = 0;
    const fake = { now: () => now };
    const series = syntheticBars({ n: 300, seed: 9 });
    const jobs = new BacktestJobs(fake, { maxJobs: 10, memoryBytes: 1024 ** 3, ttlMs: 1000 }, () => {});
    const done = jobs.submit(strategyBacktest(series, { strategy: "momentum" }), request(300));
    await settle(jobs, done.id);
    const report = new WeakRef(jobs.get(done.id)!.result!);
    now = 999;
    expect(jobs.get(done.id)?.status).toBe("done");
    const pending = jobs.submit(strategyBacktest(syntheticBars({ n: 100_000, seed: 9 }), { strategy: "momentum" }), request(100_000));
    now = 1000;
    expect(jobs.get(done.id)).toBeUndefined();
    expect(jobs.list().map((j) => j.id)).toEqual([pending.id]);
    // Really released: nothing holds the report any more, so a collection takes it.
    await tick();
    gc();
    expect(report.deref() === undefined).toBe(true);
    now = 10_000_000;
    expect(jobs.get(pending.id)).toBeDefined();
    jobs.delete(pending.id);
    expect([jobs.size, jobs.bytesHeld]).toEqual([0, 0]);
  });

  it("deletes a job for its owner only: a queued one never runs, a running one stops at its slice's end", async () => {
    const series = syntheticBars({ n: 100_000, seed: 4 });
    const jobs = new BacktestJobs(clock, limits(4), () => {});
    const running = jobs.submit(strategyBacktest(series, { strategy: "momentum" }), request(100_000, "alice"));
    const queued = jobs.submit(strategyBacktest(series, { strategy: "momentum" }), request(100_000, "alice"));
    expect(jobs.delete(running.id, "bob")).toBe(false);
    expect(jobs.get(running.id, "bob")).toBeUndefined();
    expect(jobs.list("bob")).toEqual([]);
    expect(jobs.get(running.id, "alice")).toBeDefined();
    // Wait until the first job is mid-run.
    while (jobs.get(running.id)!.progress.barsDone === 0) await tick();
    expect(jobs.delete(queued.id, "alice")).toBe(true);
    expect(jobs.delete(running.id)).toBe(true);
    expect([jobs.size, jobs.bytesHeld]).toEqual([0, 0]);
    // The worker stops: a new job runs promptly rather than after 200,000 bars.
    const next = jobs.submit(strategyBacktest(syntheticBars({ n: 500, seed: 4 }), { strategy: "momentum" }), request(500));
    const t0 = performance.now();
    await settle(jobs, next.id);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
