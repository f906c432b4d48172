// Paper sessions on the execution engine: paced on a fake scheduler (no sleeping),
// journaled in the storage the runtime hands over, and picked up again, owner and
// all, by a new app over the same storage (a restarted `nt serve`). The real
// process, killed and restarted, is in serve-sessions.test.ts.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, loadKernels, type EngineApp } from "../../src/api/index.ts";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { FakeScheduler } from "../../src/core/clock.ts";
import { MemoryStorage } from "../../src/core/storage.ts";
import { loadAppConfig } from "../../src/config/app-config.ts";
import { wasmBytes } from "../helpers.ts";
import { sp500, sp500Csv } from "./fixtures.ts";

const SECRETS = { alice: "alice-secret-0123456789abc", bob: "bob-secret-0123456789abcdef", ops: "ops-secret-0123456789abcdef" };
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const KEYS = `alice:read,trade:${SECRETS.alice} bob:read,trade:${SECRETS.bob} ops:admin:sha256:${sha(SECRETS.ops)}`;
type Who = keyof typeof SECRETS;

let now = 1_700_000_000_000;
const clock = { now: () => now };
const apps: EngineApp[] = [];
afterEach(() => {
  for (const a of apps.splice(0)) a.close();
});

async function app(scheduler: FakeScheduler, storage?: MemoryStorage): Promise<EngineApp> {
  const e = createApp({
    config: loadAppConfig({ env: { NT_API_KEYS: KEYS, NT_RATE_LIMIT: "off" } }),
    kernels: await loadKernels({ indicators: wasmBytes("indicators"), risk: wasmBytes("risk"), solver: wasmBytes("solver") }),
    samples: [{ name: "sp500", symbol: "SPX", description: "S&P 500", load: () => sp500Csv }],
    app: { name: "nt", version: "0.0.0-test" },
    clock, scheduler, storage,
  });
  apps.push(e);
  return e;
}

async function call(e: EngineApp, who: Who, method: string, path: string, body?: unknown): Promise<any> {
  const res = await e.fetch(new Request(`http://x${path}`, {
    method,
    headers: { authorization: `Bearer ${SECRETS[who]}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
  return { code: res.status, ...(await res.json()) };
}

const request = { strategy: "momentum", params: { fast: 5, slow: 20 }, config: { stopLossPct: 0.04 } };

describe("paper sessions", () => {
  it("play at their pace on the app's scheduler and end where the backtest of the same request ends", async () => {
    const scheduler = new FakeScheduler();
    const e = await app(scheduler);
    const started = await call(e, "alice", "POST", "/sessions", { sample: "sp500", ...request, barsPerSecond: 100 });
    expect(started).toMatchObject({ code: 201, status: "running", snapshot: { barsDone: 0 } });
    await scheduler.advance(1_000);
    // The first bar at once, then one every 10 ms: 101 bars in the first second.
    expect((await call(e, "alice", "GET", `/sessions/${started.id}`)).snapshot.barsDone).toBe(101);
    await scheduler.advance(60_000);
    const done = await call(e, "alice", "GET", `/sessions/${started.id}`);
    expect(done.status).toBe("finished");
    expect(done.snapshot.barsDone).toBe(sp500.close.length);
    expect(done.snapshot.equity).toBe(runStrategyBacktest(sp500, request).finalEquity);
    const orders = await call(e, "alice", "GET", `/sessions/${started.id}/orders`);
    expect(orders.fills.length).toBeGreaterThan(100);
  });

  it("survive a restart of the server: journaled in its storage, picked up by the next app with their owner, resumed, and ended as one run", async () => {
    const storage = new MemoryStorage();
    const scheduler = new FakeScheduler();
    const first = await app(scheduler, storage);
    const alice = await call(first, "alice", "POST", "/sessions", { sample: "sp500", ...request, barsPerSecond: 50 });
    const stopped = await call(first, "bob", "POST", "/sessions", { sample: "sp500", strategy: "mean-reversion", barsPerSecond: 50 });
    await scheduler.advance(30_000);
    await call(first, "bob", "DELETE", `/sessions/${stopped.id}`);
    const before = await call(first, "alice", "GET", `/sessions/${alice.id}`);
    expect(before.snapshot.barsDone).toBe(1501);
    expect(storage.list(alice.id)).toEqual(["bars.json", "engine.journal", "paper.journal", "session.json"]);
    // The server goes down, uncleanly: only what was fsync'd survives.
    const disk = storage.crashed();
    first.close();
    const scheduler2 = new FakeScheduler();
    const second = await app(scheduler2, disk);
    const back = await call(second, "alice", "GET", `/sessions/${alice.id}`);
    expect(back).toMatchObject({ status: "running", owner: "alice", recovered: { bars: expect.any(Number) } });
    // It resumes from the last bar whose orders left, at most a few bars back, never ahead.
    expect(back.snapshot.barsDone).toBeLessThanOrEqual(1501);
    expect(back.snapshot.barsDone).toBeGreaterThan(1400);
    expect(back.snapshot.fills.length).toBe(before.snapshot.fills.length);
    // Ownership comes back too: bob cannot see alice's session; his stopped one is still stopped.
    expect((await call(second, "bob", "GET", `/sessions/${alice.id}`)).code).toBe(404);
    expect(await call(second, "bob", "GET", `/sessions/${stopped.id}`)).toMatchObject({ status: "stopped", snapshot: { barsDone: 1501 } });
    expect((await call(second, "ops", "GET", "/sessions")).sessions.map((s: { id: string }) => s.id).sort()).toEqual([alice.id, stopped.id].sort());
    await scheduler2.advance(120_000);
    const done = await call(second, "alice", "GET", `/sessions/${alice.id}`);
    expect(done.status).toBe("finished");
    expect(done.snapshot.barsDone).toBe(sp500.close.length);
    expect(done.snapshot.equity).toBe(runStrategyBacktest(sp500, request).finalEquity);
  });

  it("pause on a clean shutdown and resume on the next start, without resending anything", async () => {
    const storage = new MemoryStorage();
    const scheduler = new FakeScheduler();
    const first = await app(scheduler, storage);
    const s = await call(first, "alice", "POST", "/sessions", { sample: "sp500", ...request, barsPerSecond: 100 });
    await scheduler.advance(20_000);
    first.close();
    expect(JSON.parse(new TextDecoder().decode(storage.read(`${s.id}/session.json`)!)).status).toBe("running");
    const scheduler2 = new FakeScheduler();
    const second = await app(scheduler2, storage);
    const back = await call(second, "alice", "GET", `/sessions/${s.id}`);
    expect(back.recovered.resent).toEqual([]);
    await scheduler2.advance(60_000);
    const done = await call(second, "alice", "GET", `/sessions/${s.id}`);
    expect(done.snapshot.equity).toBe(runStrategyBacktest(sp500, request).finalEquity);
    // Ended sessions expire with their folders.
    now += 3_600_000;
    expect((await call(second, "alice", "GET", `/sessions/${s.id}`)).code).toBe(404);
    expect(storage.list("")).toEqual([]);
  });
});
