// `nt serve` with NT_SESSIONS_DIR, as an operator runs it: a paper session
// started over HTTP, the server killed with SIGKILL mid-session, started again
// on the same folder, and the session picked up and played to the end.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStrategyBacktest } from "../../src/backtest/job.ts";
import { root } from "../helpers.ts";
import { sp500 } from "./fixtures.ts";
import { buildCli } from "../cli/built-cli.ts";

const dir = join(root, "node_modules/.cache/test-serve-sessions", String(process.pid));
const cli = join(dir, "nt.mjs");
const sessions = join(dir, "sessions");
const SECRET = "trader-secret-0123456789abc";
const children: ChildProcess[] = [];

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  await buildCli(dir);
});
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `nt serve` on a free port; resolves with its URL once it listens. */
function serve(): { url: Promise<string>; child: ChildProcess } {
  const child = spawn(process.execPath, [cli, "serve", "--port", "0"], {
    cwd: root,
    env: { ...process.env, NT_SESSIONS_DIR: sessions, NT_API_KEYS: `trader:read,trade:${SECRET}`, NT_COMPUTE_WORKERS: "0", NT_RATE_LIMIT: "off" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let err = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (d: Buffer) => {
      err += d;
      const m = /listening on (http:\/\/\S+) /.exec(err);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`nt serve exited (${code}): ${err}`)));
  });
  child.stdout!.resume();
  return { url, child };
}

const auth = { authorization: `Bearer ${SECRET}` };
const get = async (url: string) => (await fetch(url, { headers: auth })).json();

describe("nt serve with a sessions folder", () => {
  it("picks a paper session up after being killed with SIGKILL and plays it to the end a backtest gives", async () => {
    const request = { strategy: "momentum", params: { fast: 5, slow: 20 }, config: { takeProfitPct: 0.06 } };
    const first = serve();
    const url1 = await first.url;
    const res = await fetch(`${url1}/sessions`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ sample: "sp500", ...request, barsPerSecond: 1500 }) });
    expect(res.status).toBe(201);
    const { id } = await res.json();
    let mid: { snapshot: { barsDone: number; fills: unknown[] } };
    do {
      await new Promise((r) => setTimeout(r, 100));
      mid = await get(`${url1}/sessions/${id}`);
    } while (mid.snapshot.fills.length < 30);
    expect(mid.snapshot.barsDone).toBeLessThan(sp500.close.length);
    const exited = new Promise((r) => first.child.on("exit", r));
    first.child.kill("SIGKILL");
    await exited;

    const second = serve();
    const url2 = await second.url;
    const back = await get(`${url2}/sessions/${id}`);
    expect(back).toMatchObject({ owner: "trader", recovered: { bars: expect.any(Number) } });
    let done = back;
    for (let i = 0; i < 200 && done.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      done = await get(`${url2}/sessions/${id}`);
    }
    expect(done.status).toBe("finished");
    expect(done.snapshot.barsDone).toBe(sp500.close.length);
    expect(done.snapshot.equity).toBe(runStrategyBacktest(sp500, request).finalEquity);
    second.child.kill("SIGTERM");
  });
});
