import { describe, expect, it } from "vitest";
import { backoffMs, serverWaitMs } from "../../src/net/retry.ts";
import { ManualClock, sleep } from "../../src/net/timers.ts";

const headers = (h: Record<string, string>) => new Headers(h);

describe("backoffMs", () => {
  it("doubles a cap from baseMs to maxMs and draws in its upper half (equal jitter)", () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffMs(a, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffMs(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    // A huge attempt number stays finite.
    expect(backoffMs(5000, policy, () => 0.5)).toBe(750);
  });
});

describe("serverWaitMs", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(serverWaitMs(headers({ "retry-after": "3" }), now)).toBe(3000);
    expect(serverWaitMs(headers({ "retry-after": "Thu, 01 Jan 2026 12:00:07 GMT" }), now)).toBe(7000);
    expect(serverWaitMs(headers({ "retry-after": "Thu, 01 Jan 2026 11:00:00 GMT" }), now)).toBe(0);
  });
  it("reads Alpaca's X-Ratelimit-Reset as the epoch second the window refills", () => {
    expect(serverWaitMs(headers({ "x-ratelimit-reset": String(now / 1000 + 12) }), now)).toBe(12_000);
    expect(serverWaitMs(headers({ "x-ratelimit-reset": "2" }), now)).toBe(2000);
  });
  it("prefers Retry-After, and says nothing when neither header is usable", () => {
    expect(serverWaitMs(headers({ "retry-after": "1", "x-ratelimit-reset": String(now / 1000 + 60) }), now)).toBe(1000);
    expect(serverWaitMs(headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(serverWaitMs(headers({}), now)).toBeUndefined();
  });
});

describe("ManualClock", () => {
  it("fires timers in due order as time advances, equal times in the order set", () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("b"), 20);
    clock.setTimeout(() => fired.push("a"), 10);
    clock.setTimeout(() => fired.push("b2"), 20);
    const c = clock.setTimeout(() => fired.push("c"), 30);
    clock.clearTimeout(c);
    expect(clock.pendingDelays).toEqual([10, 20, 20]);
    clock.advance(15);
    expect(fired).toEqual(["a"]);
    expect(clock.now()).toBe(1015);
    clock.advance(100);
    expect(fired).toEqual(["a", "b", "b2"]);
    expect(clock.pending).toBe(0);
  });

  it("sleep resolves when the clock passes its time, and rejects when aborted", async () => {
    const clock = new ManualClock();
    let done = false;
    const p = sleep(clock, 500).then(() => (done = true));
    clock.advance(499);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await p;
    expect(done).toBe(true);
    const ac = new AbortController();
    const q = sleep(clock, 500, ac.signal);
    ac.abort(new Error("stop"));
    await expect(q).rejects.toThrow("stop");
    expect(clock.pending).toBe(0);
  });
});

describe("timersFrom", () => {
  it("joins the engine's Clock and Scheduler into the Timers the network code takes", async () => {
    const { TestClock, FakeScheduler } = await import("../../src/core/clock.ts");
    const { timersFrom } = await import("../../src/net/timers.ts");
    const clock = new TestClock(Date.UTC(2026, 0, 1));
    const scheduler = new FakeScheduler();
    const timers = timersFrom(clock, scheduler);
    let fired = 0;
    timers.setTimeout(() => fired++, 100);
    const h = timers.setTimeout(() => fired++, 50);
    timers.clearTimeout(h);
    await scheduler.advance(100);
    expect(fired).toBe(1);
    expect(timers.now()).toBe(Date.UTC(2026, 0, 1));
  });
});
