import { describe, expect, it } from "vitest";
import { FakeScheduler } from "../../src/core/clock.ts";
import { runSteps, type Steppable } from "../../src/execution/runner.ts";

/** Counts steps; each takes `cost` ms of the fake scheduler's time. */
function counter(total: number, scheduler?: FakeScheduler, cost = 0): Steppable & { n: number } {
  return {
    n: 0,
    get done() { return this.n >= total; },
    step() {
      this.n++;
      if (scheduler && cost) (scheduler as unknown as { t: number }).t += cost;
    },
  };
}

describe("the runner", () => {
  it("paces steps on the scheduler's clock: the first at once, then one every 1000 / pace ms", async () => {
    const scheduler = new FakeScheduler();
    const target = counter(10);
    const run = runSteps(target, { scheduler, pace: 4 });
    await scheduler.advance(0);
    expect(target.n).toBe(1);
    await scheduler.advance(250);
    expect(target.n).toBe(2);
    await scheduler.advance(1000);
    expect(target.n).toBe(6);
    await scheduler.advance(10_000);
    expect(await run).toMatchObject({ steps: 10, cancelled: false });
    expect(scheduler.pending).toBe(0);
  });

  it("catches up after a late wake-up, at most maxStepsPerWake at a time", async () => {
    const scheduler = new FakeScheduler();
    const target = counter(1_000);
    const run = runSteps(target, { scheduler, pace: 100, maxStepsPerWake: 50 });
    await scheduler.advance(0);
    expect(target.n).toBe(1);
    // A single jump of 5 s: due 501 steps, taken 50 per wake-up with a zero-delay yield between.
    await scheduler.advance(5_000);
    expect(target.n).toBe(501);
    await scheduler.advance(10_000);
    await run;
    expect(target.n).toBe(1_000);
  });

  it("slices unpaced work by time, yielding between slices and reporting progress after each", async () => {
    const scheduler = new FakeScheduler();
    const target = counter(200, scheduler, 1);
    const slices: number[] = [];
    const run = runSteps(target, { scheduler, sliceMs: 64, onSlice: (n) => slices.push(n) });
    await scheduler.advance(1_000);
    expect(await run).toMatchObject({ steps: 200, busyMs: 200, cancelled: false });
    // Clock checked every 32 steps: slices end at 64 steps.
    expect(slices).toEqual([64, 128, 192, 200]);
  });

  it("stops at once when aborted, even in the middle of a long paced wait, leaving no timer behind", async () => {
    const scheduler = new FakeScheduler();
    const target = counter(100);
    const stop = new AbortController();
    const run = runSteps(target, { scheduler, pace: 0.01, signal: stop.signal });
    await scheduler.advance(0);
    expect(target.n).toBe(1);
    expect(scheduler.pending).toBe(1);
    stop.abort();
    expect(await run).toMatchObject({ steps: 1, cancelled: true });
    expect(scheduler.pending).toBe(0);
  });

  it("ends with the error of a step that throws", async () => {
    const scheduler = new FakeScheduler();
    const target: Steppable = { done: false, step() { throw new Error("bad bar"); } };
    const run = runSteps(target, { scheduler });
    await expect(run).rejects.toThrow("bad bar");
  });
});
