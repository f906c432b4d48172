// `nt trade --paper`: the same fills as `nt backtest` at --speed 0, a clean stop on
// Ctrl-C, and a process killed with SIGKILL mid-run that resumes from its journal
// losing and duplicating nothing.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Backtest } from "../../src/backtest/engine.ts";
import { strategyAndConfig } from "../../src/backtest/job.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { readJournal } from "../../src/execution/journal.ts";
import { root } from "../helpers.ts";
import { nt } from "./capture.ts";
import { buildCli } from "./built-cli.ts";

const dir = join(root, "node_modules/.cache/test-trade", String(process.pid));
const cli = join(dir, "nt.mjs");
const data = "data/sp500.csv";
const strategy = ["--strategy", "momentum", "--param", "fast=10", "--param", "slow=40", "--stop-loss", "0.05", "--take-profit", "0.08"];

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  await buildCli(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  orders: { id: string; status: string; filledQuantity: string }[];
  fills: { time: number; orderId: string; side: string; quantity: string; price: string; commission: string }[];
  positions: { symbol: string; quantity: string }[];
  cash: string;
  equity: number;
  complete: boolean;
  broker: { positions: { symbol: string; quantity: string }[]; cash: string };
}

const fillsOf = (r: Result) => r.fills.map((f) => `${f.time} ${f.orderId} ${f.side} ${f.quantity}@${f.price} c${f.commission}`);

/** Runs the built CLI; `until` decides from stderr when to send `signal`. */
function spawnTrade(args: string[], kill?: { signal: NodeJS.Signals; when: (stderr: string) => boolean }) {
  const child = spawn(process.execPath, [cli, "trade", "--paper", "--data", data, ...strategy, "--json", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let sent = false;
  child.stdout.on("data", (d: Buffer) => (out += d));
  child.stderr.on("data", (d: Buffer) => {
    err += d;
    if (kill && !sent && kill.when(err)) {
      sent = true;
      child.kill(kill.signal);
    }
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) => {
    // "close": the process has exited and its streams are drained.
    child.on("close", (code, signal) => resolve({ code, signal, out, err }));
  });
}

const count = (text: string, word: string) => text.split("\n").filter((l) => l.includes(word)).length;

describe("nt trade --paper", () => {
  it("gives at --speed 0 the fills of a backtest of the same file, strategy and costs", async () => {
    const { code, out, err } = await nt("trade", "--paper", "--data", data, ...strategy, "--speed", "0", "--json");
    expect(err).toMatch(/fill {2}o1 buy/);
    expect(code).toBe(0);
    const result = JSON.parse(out) as Result;
    const series = parseBarsCsv(readFileSync(join(root, data), "utf8"), { source: data });
    const bt = new Backtest(series, ...strategyAndConfig({
      strategy: "momentum", params: { fast: 10, slow: 40 }, config: { stopLossPct: 0.05, takeProfitPct: 0.08 },
    }));
    const report = bt.run();
    expect(result.fills.length).toBeGreaterThan(100);
    expect(fillsOf(result)).toEqual(bt.snapshot().fills.map((f) => `${f.time} ${f.orderId} ${f.side} ${f.quantity}@${f.price} c${f.commission}`));
    expect(result.equity).toBe(report.finalEquity);
    const backtest = JSON.parse((await nt("backtest", "--data", data, ...strategy, "--json")).out);
    expect(backtest.finalEquity).toBe(result.equity);
    expect(backtest.totalCommission).toBeCloseTo(result.fills.reduce((s, f) => s + Number(f.commission), 0), 9);
    expect(new Set(result.orders.map((o) => o.status))).toEqual(new Set(["filled", "cancelled", "accepted"]));
    expect(result.broker.positions).toEqual(result.positions.map((p) => ({ symbol: p.symbol, quantity: p.quantity, avgPrice: expect.any(String) })));
  });

  it("survives SIGKILL mid-run: restarted on its journal it loses no order, sends none twice, and ends as an uninterrupted run", async () => {
    const journal = join(dir, "killed");
    const whole = JSON.parse((await spawnTrade(["--speed", "0"])).out) as Result;
    // Killed three times, each after a few more fills, then run to the end.
    for (const fills of [5, 12, 20]) {
      const killed = await spawnTrade(["--speed", "400", "--journal", journal], { signal: "SIGKILL", when: (e) => count(e, " fill ") >= fills });
      expect(killed.signal, killed.err.slice(-600)).toBe("SIGKILL");
      expect(killed.out).toBe("");
    }
    const last = await spawnTrade(["--speed", "0", "--journal", journal]);
    expect(last.code).toBe(0);
    expect(last.err).toMatch(/resumed from the journal/);
    const result = JSON.parse(last.out) as Result;
    expect(result.complete).toBe(true);
    expect(fillsOf(result)).toEqual(fillsOf(whole));
    expect(result.orders).toEqual(whole.orders);
    expect(result.positions).toEqual(whole.positions);
    expect([result.cash, result.equity]).toEqual([whole.cash, whole.equity]);
    // The broker agrees, and reached each order exactly once.
    expect(result.broker.positions.map((p) => `${p.symbol} ${p.quantity}`)).toEqual(result.positions.map((p) => `${p.symbol} ${p.quantity}`));
    expect(result.broker.cash).toBe(result.cash);
    const inputs = readJournal(readFileSync(join(journal, "paper.journal"))).records.map((t) => JSON.parse(t));
    const submitted = inputs.filter((r) => r.k === "submit").map((r) => r.order.id as string);
    expect(new Set(submitted).size).toBe(submitted.length);
    expect(submitted.sort()).toEqual(result.orders.map((o) => o.id).sort());
  });

  it("stops cleanly on SIGINT with the journal flushed, and resumes from it", async () => {
    const journal = join(dir, "interrupted");
    const stopped = await spawnTrade(["--speed", "200", "--journal", journal], { signal: "SIGINT", when: (e) => count(e, " fill ") >= 8 });
    expect(stopped.code).toBe(0);
    expect(stopped.err).toMatch(/stopped after \d+ of 5105 bars; the journal is flushed/);
    const partial = JSON.parse(stopped.out) as Result;
    expect(partial.complete).toBe(false);
    expect(partial.fills.length).toBeGreaterThanOrEqual(8);
    const resumed = await spawnTrade(["--speed", "0", "--journal", journal]);
    const result = JSON.parse(resumed.out) as Result;
    expect(resumed.err).toMatch(/resumed from the journal/);
    expect(resumed.err).not.toMatch(/sent again/);
    expect(fillsOf(result).slice(0, partial.fills.length)).toEqual(fillsOf(partial));
    const whole = JSON.parse((await nt("trade", "--paper", "--data", data, ...strategy, "--speed", "0", "--json")).out) as Result;
    expect(fillsOf(result)).toEqual(fillsOf(whole));
  });

  it("refuses a journal written by another run, and bad flags, saying what to fix", async () => {
    const journal = join(dir, "other");
    await nt("trade", "--paper", "--data", data, ...strategy, "--speed", "0", "--journal", journal);
    const other = await nt("trade", "--paper", "--data", data, "--strategy", "mean-reversion", "--speed", "0", "--journal", journal);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/journal was written by a different run/);
    expect((await nt("trade", "--data", data, "--speed", "0")).err).toMatch(/--paper is required/);
    expect((await nt("trade", "--paper", "--data", data, "--speed", "fast")).err).toMatch(/--speed must be a number of bars per second/);
    expect((await nt("trade", "--paper", "--data", data, "--speed", "1", "--broker", "alpaca")).code).toBe(2);
  });
});
