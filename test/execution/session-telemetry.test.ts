// The tick-to-order path observed: a span per bar a trading session acts on,
// with the orders and cancels it sent, and the metrics beside it, recorded by
// the Node host's OpenTelemetry SDK; a journal replay records nothing.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { sessionSetup } from "../../src/backtest/job.ts";
import { MemoryStorage } from "../../src/core/storage.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { PaperExchange } from "../../src/execution/paper.ts";
import { SeriesFeed, TradingSession } from "../../src/execution/session.ts";
import { nodeTelemetry } from "../../runtimes/node/telemetry.ts";
import { root } from "../helpers.ts";

const series = parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8"), { symbol: "SPX" });
const request = { strategy: "momentum", params: { fast: 10, slow: 40 }, config: { stopLossPct: 0.05 } };

async function observedRun(storage: MemoryStorage, bars: number) {
  const lines: string[] = [];
  const observability = nodeTelemetry({ metrics: true, traces: "log", logLevel: "info", logFormat: "json" }, (l) => lines.push(l));
  const setup = sessionSetup(request);
  const { exchange } = PaperExchange.open(setup.venue, storage.openAppend("paper.journal"));
  let tick = 0;
  const { session } = await TradingSession.open({
    feed: new SeriesFeed([series]), strategy: () => setup.strategy, settings: setup.settings, client: exchange, market: exchange,
    journal: { file: storage.openAppend("engine.journal"), run: { request } },
    observe: { telemetry: observability.telemetry, now: () => (tick += 0.25) },
  });
  const before = session.barsDone;
  while (session.barsDone < bars) session.step();
  const spans = lines.map((l) => JSON.parse(l)).filter((r) => r.span === "bar");
  const metrics = await observability.metrics!();
  await observability.shutdown();
  return { session, spans, metrics, resumedAt: before };
}

describe("trading session telemetry", () => {
  it("records a span per bar with the commands it sent, and counts bars, orders and their latency", async () => {
    const { session, spans, metrics } = await observedRun(new MemoryStorage(), 600);
    expect(spans).toHaveLength(600);
    expect(spans[0].attributes).toMatchObject({ "nt.bar.index": 0, "nt.bar.time": series.time[0], "nt.symbols": "SPX", "nt.venue": "paper" });
    const orders = spans.reduce((n, s) => n + s.attributes["nt.orders"], 0);
    const cancels = spans.reduce((n, s) => n + s.attributes["nt.cancels"], 0);
    const result = session.result();
    expect(orders).toBe(result.orders.length);
    expect(orders).toBeGreaterThan(5);
    expect(cancels).toBeGreaterThan(0);
    const busy = spans.filter((s) => s.attributes["nt.orders"] + s.attributes["nt.cancels"] > 0).length;
    expect(metrics).toContain('nt_session_bars_total{venue="paper"} 600');
    expect(metrics).toContain(`nt_order_commands_total{venue="paper",kind="order"} ${orders}`);
    expect(metrics).toContain(`nt_order_commands_total{venue="paper",kind="cancel"} ${cancels}`);
    // The fake clock moves 0.25 ms per read: each bar with commands took exactly one step of it.
    expect(metrics).toContain(`nt_bar_to_order_duration_seconds_count{venue="paper"} ${busy}`);
    const sum = Number(/nt_bar_to_order_duration_seconds_sum\{venue="paper"\} (\S+)/.exec(metrics)![1]);
    expect(sum).toBeCloseTo(busy * 0.00025, 12);
  });

  it("records nothing for bars replayed from the journal after a restart", async () => {
    const storage = new MemoryStorage();
    await observedRun(storage, 300);
    // Resumed after the last bar whose commands the journal holds; the bars after it are new again.
    const { spans, resumedAt } = await observedRun(storage, 450);
    expect(resumedAt).toBeGreaterThan(200);
    expect(resumedAt).toBeLessThanOrEqual(300);
    expect(spans.map((s) => s.attributes["nt.bar.index"])).toEqual(Array.from({ length: 450 - resumedAt }, (_, i) => resumedAt + i));
  });
});
