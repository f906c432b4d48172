// The live order path and the journal that guards it:
// - tick → bar and feature update → signal → risk checks → order accepted at
//   the paper exchange, in one process, timed per tick over 100,000 ticks;
// - journal appends per second, fsync per record and with group commit, on
//   the disk this repository is on.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { NodeStorage } from "../runtimes/node/storage.ts";
import { sessionSetup } from "../src/backtest/job.ts";
import type { BarSeries } from "../src/core/data.ts";
import { Random } from "../src/core/random.ts";
import { Journal } from "../src/execution/journal.ts";
import { PaperExchange } from "../src/execution/paper.ts";
import { SeriesFeed, TradingSession } from "../src/execution/session.ts";

const TICKS = 100_000;
/** On the repository's own disk: /tmp may be a tmpfs, where fsync costs nothing. */
const scratch = () => mkdtempSync(join(process.cwd(), "node_modules/.cache/bench-exec-"));

/** Trade prints: a random walk of 1 bp steps around 100, one a second; each becomes a one-print bar. */
function ticks(): BarSeries {
  const rng = new Random(5);
  const time = new Float64Array(TICKS);
  const price = new Float64Array(TICKS);
  const size = new Float64Array(TICKS);
  let p = 100;
  for (let i = 0; i < TICKS; i++) {
    p *= 1 + 0.0004 * rng.normal();
    time[i] = Date.UTC(2026, 0, 5, 14, 30) + i * 1000;
    price[i] = p;
    size[i] = 100 + Math.floor(rng.uniform() * 900);
  }
  return { symbol: "TICK", time, open: price, high: price, low: price, close: price, volume: size };
}

const pct = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

async function orderPath(series: BarSeries, journaled: boolean): Promise<string[]> {
  const dir = journaled ? scratch() : null;
  try {
    const setup = sessionSetup({
      strategy: "momentum", params: { fast: 5, slow: 20, rsiPeriod: 5, rsiMax: 90 },
      limits: { maxPositionNotional: 500_000, maxGrossExposure: 1, maxOrderRate: { count: 1000, windowMs: 60_000 } },
    });
    const storage = dir ? new NodeStorage(dir) : null;
    const { exchange } = PaperExchange.open(setup.venue, storage?.openAppend("paper.journal"));
    const { session } = await TradingSession.open({
      feed: new SeriesFeed([series]), strategy: () => setup.strategy, settings: setup.settings, client: exchange, market: exchange,
      journal: storage ? { file: storage.openAppend("engine.journal"), run: { bench: "order path" } } : undefined,
    });
    const all = new Float64Array(TICKS);
    const withOrder: number[] = [];
    let orders = 0;
    for (let i = 0; i < TICKS; i++) {
      const before = session.engine.orderStates.length;
      const t = performance.now();
      session.step();
      const dt = performance.now() - t;
      all[i] = dt;
      const sent = session.engine.orderStates.length - before;
      if (sent > 0) {
        orders += sent;
        withOrder.push(dt);
      }
    }
    session.close();
    exchange.close();
    all.sort();
    const ordered = Float64Array.from(withOrder).sort();
    const accepted = session.engine.orderStates.filter((s) => s.status !== "denied" && s.status !== "submitted").length;
    const label = journaled ? "journal on disk (group commit, fsync before the orders leave)" : "in memory, no journal";
    return [
      `| ${label} | all ${TICKS.toLocaleString("en-US")} ticks | ${us(pct(all, 0.5))} | ${us(pct(all, 0.99))} | ${us(all[all.length - 1])} |`,
      `| ${label} | the ${withOrder.length.toLocaleString("en-US")} ticks that sent orders (${orders} orders, ${accepted} accepted) | ${us(pct(ordered, 0.5))} | ${us(pct(ordered, 0.99))} | ${us(ordered[ordered.length - 1])} |`,
    ];
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Appends per second of records like a submitted-order event (about 330 bytes). */
function journalRate(mode: "record" | "commit", batch: number, records: number): string {
  const dir = scratch();
  try {
    const { journal } = Journal.open(new NodeStorage(dir).openAppend("j"), mode);
    const text = JSON.stringify({
      k: "ev", e: { type: "submitted", orderId: "o123456", time: 1767623400000, order: {
        id: "o123456", symbol: "TICK", side: "buy", type: "limit", quantity: "4983", limitPrice: "100.3561", timeInForce: "day",
        createdAt: 1767623400000, tag: "SMA(5) above SMA(20), RSI 61.2" } },
    });
    const t = performance.now();
    for (let i = 0; i < records; i++) {
      journal.append(text);
      if (mode === "commit" && (i + 1) % batch === 0) journal.commit();
    }
    journal.close();
    const s = (performance.now() - t) / 1000;
    const how = mode === "record" ? "fsync per record" : `group commit, ${batch} records per fsync`;
    return `| ${how} | ${records.toLocaleString("en-US")} | ${(text.length + 8)} B | ${Math.round(records / s).toLocaleString("en-US")} | ${((s * 1e6) / records).toFixed(1)} µs |`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<string> {
  const load = loadavg()[0].toFixed(1);
  const series = ticks();
  await orderPath(series, false); // warm-up
  const path = [...(await orderPath(series, false)), ...(await orderPath(series, true))];
  const journal = [
    journalRate("record", 1, 2_000),
    journalRate("commit", 10, 20_000),
    journalRate("commit", 100, 100_000),
    journalRate("commit", 1000, 200_000),
  ];
  return [
    `Load average when the suite started: ${load} (other processes share the 2 cores; figures vary with it).`,
    "",
    "### Order path: tick → order at the paper exchange",
    "",
    `${TICKS.toLocaleString("en-US")} trade prints (a 1 bp random walk), each one a bar through a trading session: the paper exchange matches it,`,
    "the bar and the features (SMA 5/20, RSI 5) update, momentum signals, the pre-trade checks run (no shorting, cash, position notional,",
    "gross exposure, order rate), the orders are journaled and the paper exchange accepts them. Timed per tick with performance.now().",
    "Goal: p99 under 1 ms.",
    "",
    "| setup | ticks | p50 | p99 | max |",
    "|---|---|---:|---:|---:|",
    ...path,
    "",
    "### Journal appends",
    "",
    "Length-prefixed, CRC-32-checked records like a submitted-order event, appended to a file on the repository's disk (ext4 here) with",
    "fsync per record, or buffered and fsync'd once per commit (group commit).",
    "",
    "| durability | records | record | appends/s | per record |",
    "|---|---:|---:|---:|---:|",
    ...journal,
  ].join("\n");
}
