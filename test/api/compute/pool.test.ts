// The pool's bookkeeping (queue, time budget, replacing workers) with workers
// the test answers by hand, on a fake clock. Real worker threads behind the
// Node server: test/api/compute.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../../src/api/errors.ts";
import { WorkerPool, type ReplyMessage, type TaskMessage } from "../../../src/api/compute/pool.ts";
import type { ComputeResult } from "../../../src/api/compute/port.ts";

interface HandWorker {
  readonly n: number;
  readonly tasks: TaskMessage[];
  terminated: boolean;
  reply(text: string): void;
  die(reason: string): void;
}

/** A pool of `size` workers the test drives: each records what it is sent and answers when told. */
function pool(size: number, queueLength: number) {
  const workers: HandWorker[] = [];
  const p = new WorkerPool({
    size, queueLength,
    spawn: (onReply, onExit) => {
      const w: HandWorker = {
        n: workers.length, tasks: [], terminated: false,
        reply: (text) => onReply(answer(w.tasks.at(-1)!.id, text)),
        die: (reason) => onExit(new Error(reason)),
      };
      workers.push(w);
      return { post: (m) => void w.tasks.push(m), terminate: () => void (w.terminated = true) };
    },
  });
  return { pool: p, workers };
}

function answer(id: number, text: string): ReplyMessage {
  return { id, answer: { status: 200, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode(text) } };
}

const request = (text: string) => ({ body: new TextEncoder().encode(text), maxOutputValues: 5_000_000 });
const text = (r: ComputeResult) => new TextDecoder().decode(r.answer.body as Uint8Array);
const budget = { timeoutMs: 1000 };

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(() => undefined, (e: unknown) => e);
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe("WorkerPool", () => {
  it("starts its workers at once, runs one task per worker, queues the next ones in order and refuses the rest with 503", async () => {
    const { pool: p, workers } = pool(2, 1);
    expect(workers).toHaveLength(2);
    const a = p.run("indicators", request("a"), budget);
    const b = p.run("risk", request("b"), budget);
    const c = p.run("optimize", request("c"), budget);
    const busy = await refusal(p.run("backtest", request("d"), budget));
    expect([busy.status, busy.code, busy.headers["retry-after"]]).toEqual([503, "compute_busy", "1"]);
    expect(busy.message).toBe("all 2 compute workers are busy and 1 requests are waiting (compute.queue, NT_COMPUTE_QUEUE); retry shortly");
    expect(workers.map((w) => w.tasks.map((t) => [t.task, new TextDecoder().decode(t.request.body)]))).toEqual([[["indicators", "a"]], [["risk", "b"]]]);
    workers[1].reply("B");
    expect(text(await b)).toBe("B");
    // The queued task goes to the worker that came free.
    expect(workers[1].tasks.at(-1)!.task).toBe("optimize");
    workers[1].reply("C");
    workers[0].reply("A");
    expect([text(await a), text(await c)]).toEqual(["A", "C"]);
  });

  it("stops a task past its time budget with 504 naming the budget, and replaces its worker", async () => {
    const { pool: p, workers } = pool(1, 1);
    const slow = p.run("indicators", request("slow"), budget);
    const next = p.run("risk", request("next"), { timeoutMs: 5000 });
    vi.advanceTimersByTime(999);
    expect(workers[0].terminated).toBe(false);
    vi.advanceTimersByTime(1);
    const e = await refusal(slow);
    expect([e.status, e.code]).toEqual([504, "time_budget_exceeded"]);
    expect(e.message).toContain("time budget of 1000 ms (compute.timeout, NT_COMPUTE_TIMEOUT)");
    expect(workers[0].terminated).toBe(true);
    // A late answer from the stopped worker is ignored; the queued task runs on its replacement.
    workers[0].reply("late");
    expect(workers).toHaveLength(2);
    expect(workers[1].tasks.map((t) => t.task)).toEqual(["risk"]);
    workers[1].reply("fresh");
    expect(text(await next)).toBe("fresh");
  });

  it("counts the wait in the budget: a task still queued at its end is 503 and no worker is stopped", async () => {
    const { pool: p, workers } = pool(1, 1);
    const running = p.run("indicators", request("a"), { timeoutMs: 10_000 });
    const waiting = p.run("risk", request("b"), budget);
    vi.advanceTimersByTime(1000);
    const e = await refusal(waiting);
    expect([e.status, e.code]).toEqual([503, "compute_busy"]);
    expect(e.message).toContain("waited its whole time budget of 1000 ms");
    expect(workers[0].terminated).toBe(false);
    workers[0].reply("A");
    expect(text(await running)).toBe("A");
    expect(workers[0].tasks).toHaveLength(1);
  });

  it("fails only the task of a worker that dies, and starts a new worker for the next task", async () => {
    const { pool: p, workers } = pool(1, 0);
    const doomed = p.run("backtest", request("x"), budget);
    workers[0].die("out of memory");
    await expect(doomed).rejects.toThrow("the compute worker running backtest stopped: out of memory");
    expect(workers).toHaveLength(1);
    const after = p.run("risk", request("y"), budget);
    expect(workers).toHaveLength(2);
    workers[1].reply("Y");
    expect(text(await after)).toBe("Y");
  });

  it("drops the work of a client that went away: queued, it leaves the queue; running, it finishes within its budget unheard", async () => {
    const { pool: p, workers } = pool(1, 2);
    const gone1 = new AbortController();
    const gone2 = new AbortController();
    const running = p.run("indicators", request("a"), { ...budget, signal: gone1.signal });
    const queued = p.run("risk", request("b"), { ...budget, signal: gone2.signal });
    const kept = p.run("optimize", request("c"), { timeoutMs: 5000 });
    gone2.abort();
    expect((await refusal(queued)).code).toBe("client_gone");
    gone1.abort();
    expect((await refusal(running)).code).toBe("client_gone");
    // No worker is stopped for a disconnect; the next task waits for the abandoned one to end.
    expect(workers[0].terminated).toBe(false);
    expect(workers[0].tasks.map((t) => t.task)).toEqual(["indicators"]);
    workers[0].reply("A, unheard");
    expect(workers[0].tasks.map((t) => t.task)).toEqual(["indicators", "optimize"]);
    workers[0].reply("C");
    expect(text(await kept)).toBe("C");

    // An abandoned task still running at the end of its budget is stopped like any other.
    const gone3 = new AbortController();
    void p.run("backtest", request("d"), { ...budget, signal: gone3.signal }).catch(() => undefined);
    gone3.abort();
    vi.advanceTimersByTime(1000);
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
  });

  it("transfers the request body to the worker rather than copying it", async () => {
    const transfers: ArrayBuffer[][] = [];
    const p = new WorkerPool({ size: 1, queueLength: 0, spawn: () => ({ post: (_m, t) => void transfers.push(t), terminate: () => undefined }) });
    const body = new TextEncoder().encode("{}");
    void p.run("risk", { body, maxOutputValues: 5_000_000 }, budget).catch(() => undefined);
    expect(transfers).toEqual([[body.buffer]]);
    await p.close();
  });

  it("on close, answers what is pending with 503 and stops every worker", async () => {
    const { pool: p, workers } = pool(1, 1);
    const running = p.run("indicators", request("a"), budget);
    const queued = p.run("risk", request("b"), budget);
    await p.close();
    expect((await refusal(running)).code).toBe("shutting_down");
    expect((await refusal(queued)).code).toBe("shutting_down");
    expect(workers[0].terminated).toBe(true);
    expect((await refusal(p.run("risk", request("c"), budget))).status).toBe(503);
  });
});
