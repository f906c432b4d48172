// `nt trade --feed alpaca`: live bars from a local server speaking Alpaca's
// market-data protocols (REST history, then the v2 stream), traded on the
// paper exchange or sent to the server's trading API (--broker alpaca).
// Checked against a backtest of the same bars, against the broker's own
// positions, and across a SIGKILL and a restart from the journal.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Backtest } from "../../src/backtest/engine.ts";
import { strategyAndConfig } from "../../src/backtest/job.ts";
import { barsToSeries } from "../../src/feeds/market-data.ts";
import { AlpacaServer, KEY, minuteBars, type RawBar } from "../protocol-servers/alpaca.ts";
import { root } from "../helpers.ts";
import { buildCli } from "./built-cli.ts";

const dir = join(root, "node_modules/.cache/test-trade-live", String(process.pid));
let cli = "";
let server: AlpacaServer;
const strategyArgs = ["--strategy", "momentum", "--param", "fast=3", "--param", "slow=8", "--param", "rsiMax=100"];
const MINUTE = 60_000;
/** The run starts at `from`; warm-up bars lie before it. All in the past, so the history covers what was published. */
const from = Math.floor(Date.now() / MINUTE) * MINUTE - 600 * MINUTE;
const WARM = 50;
const LIVE = 240;
const all = minuteBars(from - WARM * MINUTE, WARM + LIVE, 500);

beforeAll(async () => {
  cli = await buildCli(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => server?.close());

interface Result {
  orders: { id: string; status: string; side: string; quantity: string }[];
  fills: { time: number; orderId: string; side: string; quantity: string; price: string; commission: string }[];
  positions: { symbol: string; quantity: string }[];
  cash: string;
  equity: number;
  bars: number;
  complete: boolean;
  broker: { positions: { symbol: string; quantity: string }[]; cash: string };
}

/** `nt trade` against the server; `until` says from stderr when to send `signal`. */
function spawnLive(args: string[], until: { signal: NodeJS.Signals; when: (stderr: string) => boolean }, onStderr?: (stderr: string) => void) {
  const env = {
    ...process.env, NT_ALPACA_KEY_ID: KEY.keyId, NT_ALPACA_SECRET: KEY.secret, NT_ALPACA_DATA_URL: server.restUrl,
    NT_ALPACA_STREAM_URL: server.dataStreamUrl, NT_ALPACA_TRADING_URL: server.restUrl,
  };
  const child = spawn(process.execPath, [cli, "trade", "--paper", "--feed", "alpaca", "--symbols", "SPY", "--from", new Date(from).toISOString(), ...strategyArgs, "--json", ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let sent = false;
  child.stdout.on("data", (d: Buffer) => (out += d));
  child.stderr.on("data", (d: Buffer) => {
    err += d;
    onStderr?.(err);
    if (!sent && until.when(err)) {
      sent = true;
      child.kill(until.signal);
    }
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, out, err }));
  });
}

/** Bars the CLI has traded, from its status lines ("bar N/N"). */
const barsTraded = (stderr: string) => Math.max(0, ...[...stderr.matchAll(/ bar (\d+)\//g)].map((m) => Number(m[1])));

/** Serves `upTo` bars of history (warm-up included) and streams the rest as the CLI asks for them. */
function market(upTo: number) {
  server.bars.set("SPY", all.slice(0, upTo));
  let published = upTo;
  return {
    /** Publishes live bars up to index `to` (adding them to the history too, as the vendor does). */
    publish(to: number) {
      for (; published < to; published++) {
        server.bars.get("SPY")!.push(all[published]);
        server.publish([{ T: "b", S: "SPY", ...all[published] }]);
      }
    },
    get published() {
      return published;
    },
  };
}

/** Publishes the next bars once the CLI is live, then stops it after `stopAt` traded bars. */
function drive(m: ReturnType<typeof market>, stopAt: number, signal: NodeJS.Signals = "SIGINT") {
  return {
    onStderr: (err: string) => {
      if (/then live/.test(err) && m.published < WARM + stopAt && barsTraded(err) >= m.published - WARM) m.publish(Math.min(m.published + 20, WARM + stopAt));
    },
    until: { signal, when: (err: string) => barsTraded(err) >= stopAt },
  };
}

function backtestOf(bars: RawBar[]) {
  const series = barsToSeries("SPY", bars.map((b) => {
    const start = Date.parse(b.t);
    return { time: start + MINUTE, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v };
  }));
  return new Backtest(series, ...strategyAndConfig({ strategy: "momentum", params: { fast: 3, slow: 8, rsiMax: 100 }, config: {} }));
}

const fillsOf = (r: { readonly fills: readonly { time: number; orderId: string; side: string; quantity: unknown; price: unknown; commission: unknown }[] }) =>
  r.fills.map((f) => `${f.time} ${f.orderId} ${f.side} ${String(f.quantity)}@${String(f.price)} c${String(f.commission)}`);

describe("nt trade --feed alpaca", () => {
  it("trades live bars on the paper exchange as a backtest of the same bars does, history first, then the stream", async () => {
    server = await AlpacaServer.start();
    const m = market(WARM + 30);
    const d = drive(m, 120);
    const run = await spawnLive(["--warmup", "0"], d.until, d.onStderr);
    expect(run.code, run.err.slice(-800)).toBe(0);
    const result = JSON.parse(run.out) as Result;
    expect(result.bars).toBeGreaterThanOrEqual(120);
    const bt = backtestOf(all.slice(WARM, WARM + result.bars));
    bt.run();
    expect(result.fills.length).toBeGreaterThan(10);
    expect(fillsOf(result)).toEqual(fillsOf(bt.snapshot()));
    expect(result.broker.positions.map((p) => `${p.symbol} ${p.quantity}`)).toEqual(result.positions.map((p) => `${p.symbol} ${p.quantity}`));
    // It subscribed to the bars of SPY on the stream and read the history by REST.
    expect(server.dataReceived).toContainEqual(expect.objectContaining({ action: "subscribe", bars: ["SPY"] }));
    expect(server.requests.some((r) => r.path === "/v2/stocks/SPY/bars")).toBe(true);
  });

  it("warms the strategy up on the bars before --from without trading them", async () => {
    server = await AlpacaServer.start();
    const m = market(WARM + 30);
    const d = drive(m, 60);
    const run = await spawnLive(["--warmup", String(WARM)], d.until, d.onStderr);
    expect(run.code, run.err.slice(-800)).toBe(0);
    const result = JSON.parse(run.out) as Result;
    expect(result.fills.every((f) => f.time > from)).toBe(true);
    // The strategy knew the warm-up bars: its first signals are those of a backtest over warm-up and live bars.
    const bt = backtestOf(all.slice(0, WARM + result.bars));
    bt.run();
    const firstLive = bt.snapshot().fills.find((f) => f.time > from + MINUTE);
    expect(firstLive).toBeDefined();
    expect(result.fills.some((f) => f.side === firstLive!.side && f.time === firstLive!.time)).toBe(true);
  });

  it("sends orders to Alpaca with --broker alpaca, and ends with the broker's positions", async () => {
    server = await AlpacaServer.start();
    server.cash = 1_000_000;
    const m = market(WARM + 30);
    // The server fills market orders at its last price: keep it at each bar's close.
    const publish = m.publish.bind(m);
    m.publish = (to: number) => {
      for (let i = m.published; i < to; i++) server.prices.set("SPY", all[i].c);
      publish(to);
    };
    // A bar a minute gives the broker time to answer: here the next bar waits until every fill
    // the server made has reached the CLI (its "fill" lines), as it would in a minute.
    const fillsSeen = (err: string) => err.split("\n").filter((l) => / fill {2}o\d+ /.test(l)).length;
    const d = {
      onStderr: (err: string) => {
        const filled = [...server.orders.values()].filter((o) => o.status === "filled").length;
        if (/then live/.test(err) && m.published < WARM + 100 && barsTraded(err) >= m.published - WARM && fillsSeen(err) === filled) m.publish(m.published + 1);
      },
      until: { signal: "SIGINT" as const, when: (err: string) => barsTraded(err) >= 100 && fillsSeen(err) === [...server.orders.values()].filter((o) => o.status === "filled").length },
    };
    const run = await spawnLive(["--warmup", "0", "--broker", "alpaca"], d.until, d.onStderr);
    expect(run.code, run.err.slice(-800)).toBe(0);
    const result = JSON.parse(run.out) as Result;
    expect(server.orders.size).toBeGreaterThan(3);
    const sent = [...server.orders.values()].map((o) => `${o.client_order_id} ${o.side} ${o.qty} ${o.status}`);
    expect(new Set(sent.map((o) => o.split(" ")[0])).size).toBe(sent.length);
    // Every order reached Alpaca once and ended there as the engine says.
    expect(result.orders.map((o) => `${o.id} ${o.side} ${o.quantity} ${o.status}`).sort()).toEqual([...sent].sort());
    const held = [...server.positions].filter(([, p]) => p.qty !== 0).map(([s, p]) => `${s} ${p.qty}`);
    expect(result.positions.map((p) => `${p.symbol} ${p.quantity}`)).toEqual(held);
    expect(result.broker.positions.map((p) => `${p.symbol} ${p.quantity}`)).toEqual(held);
  });

  it("survives SIGKILL: restarted on its journal it reads the same bars again and ends as an uninterrupted run", async () => {
    server = await AlpacaServer.start();
    const journal = join(dir, "live-journal");
    const m = market(WARM + 30);
    const d1 = drive(m, 70, "SIGKILL");
    const killed = await spawnLive(["--warmup", "20", "--journal", journal], d1.until, d1.onStderr);
    expect(killed.signal, killed.err.slice(-600)).toBe("SIGKILL");
    const d2 = drive(m, 130);
    const resumed = await spawnLive(["--warmup", "20", "--journal", journal], d2.until, d2.onStderr);
    expect(resumed.code, resumed.err.slice(-800)).toBe(0);
    expect(resumed.err).toMatch(/resumed from the journal/);
    const result = JSON.parse(resumed.out) as Result;

    server.close();
    server = await AlpacaServer.start();
    const m2 = market(WARM + 30);
    const d3 = drive(m2, result.bars);
    const whole = JSON.parse((await spawnLive(["--warmup", "20"], d3.until, d3.onStderr)).out) as Result;
    expect(whole.bars).toBe(result.bars);
    expect(fillsOf(result)).toEqual(fillsOf(whole));
    expect(result.positions).toEqual(whole.positions);
    expect(result.equity).toBe(whole.equity);
    rmSync(journal, { recursive: true, force: true });
  });
});
