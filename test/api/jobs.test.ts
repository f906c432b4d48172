import { describe, expect, it } from "vitest";
import { Backtest } from "../../src/backtest/engine.ts";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { StrategyError } from "../../src/core/errors.ts";
import { syntheticBars } from "../../src/data/synthetic.ts";
import { ApiError } from "../../src/api/errors.ts";
import { BacktestJobs, type JobView } from "../../src/api/jobs.ts";
import { strategyBacktest } from "../../src/backtest/job.ts";
import type { Strategy } from "../../src/strategies/strategy.ts";
import { asJson, stable } from "./fixtures.ts";

const clock = { now: () => Date.now() };
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
    expect(stable(done.result)).toEqual(asJson(runStrategyBacktest(series, req)));
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
});
