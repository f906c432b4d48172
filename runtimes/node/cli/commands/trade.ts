import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { sessionSetup } from "../../../../src/backtest/job.ts";
import { realScheduler } from "../../../../src/core/clock.ts";
import { isoDate } from "../../../../src/core/dates.ts";
import type { EngineEvent } from "../../../../src/execution/types.ts";
import { PaperExchange } from "../../../../src/execution/paper.ts";
import { runSteps } from "../../../../src/execution/runner.ts";
import { SeriesFeed, TradingSession, type Recovery } from "../../../../src/execution/session.ts";
import { BarsCsvParser } from "../../../../src/data/csv.ts";
import { NodeStorage } from "../../storage.ts";
import { UsageError, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";
import { REQUEST_OPTIONS, REQUEST_USAGE, requestFromFlags } from "../request-flags.ts";

const usage = `Usage: nt trade --paper --strategy NAME [--param k=v ...] --data FILE.csv --speed BARS_PER_S [--broker paper] [--journal DIR] [--json]

Trades a strategy on the paper exchange (simulated fills, the backtest's venue) while a CSV
file is replayed as the market, showing orders, fills, positions and P&L as they happen.
Ctrl-C stops it cleanly: the journal is flushed and the state so far is printed.

  --paper                paper trading (required: live brokers are not wired to this command)
  --broker paper         the paper exchange (the only broker here; the default)
  --data FILE.csv        bars to replay (date,open,high,low,close,volume; up to ${MAX_INPUT_LABEL})
  --symbol NAME          symbol (default: the file name)
  --speed N              bars per second; 0 replays as fast as possible (required)
  --journal DIR          journal every order event there, fsync'd before the order leaves; a folder
                         that already holds a journal resumes from it (same strategy, settings, data)
${REQUEST_USAGE}
  --json                 print at the end one JSON object: orders (each with its final status),
                         fills, positions, cash, equity, and the broker's own positions and cash
With --speed 0 the fills are those of \`nt backtest\` on the same file, strategy and costs.`;

/** The most bars a second: beyond it, pacing means nothing and --speed 0 is the way. */
const MAX_SPEED = 1_000_000;

export const tradeCommand: Command = {
  name: "trade",
  summary: "paper-trade a strategy on a replayed file, with a crash-safe journal",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        paper: { type: "boolean", default: false }, broker: { type: "string", default: "paper" },
        data: { type: "string" }, symbol: { type: "string" }, speed: { type: "string" }, journal: { type: "string" },
        ...REQUEST_OPTIONS, json: { type: "boolean", default: false },
      },
    });
    if (!values.paper) throw new UsageError("--paper is required: this command trades on the paper exchange only");
    if (values.broker !== "paper") throw new UsageError(`--broker must be paper here, got ${JSON.stringify(values.broker)}`);
    if (values.data === undefined) throw new UsageError("--data FILE.csv is required: the bars to replay as the market");
    if (values.speed === undefined) throw new UsageError("--speed is required: bars per second, or 0 for as fast as possible");
    const speed = Number(values.speed);
    if (!/^\d+(\.\d+)?$/.test(values.speed) || !(speed >= 0 && speed <= MAX_SPEED)) {
      throw new UsageError(`--speed must be a number of bars per second in [0, ${MAX_SPEED}], got ${JSON.stringify(values.speed)}`);
    }
    const request = requestFromFlags(values);
    const file = resolve(io.cwd, values.data);
    const series = await readTextFile(file, values.data, new BarsCsvParser({ source: values.data, symbol: values.symbol }));
    const show = values.json ? (text: string) => io.err(text) : (text: string) => io.out(text);
    const setup = sessionSetup(request, { onEvent: (e) => show(describe(e)) });

    const storage = values.journal === undefined ? null : new NodeStorage(resolve(io.cwd, values.journal));
    const { exchange, torn: brokerTorn } = PaperExchange.open(setup.venue, storage?.openAppend("paper.journal"));
    const run = {
      command: "trade", broker: "paper", request: setup.request,
      data: { symbol: series.symbol, bars: series.close.length, first: series.time[0], last: series.time[series.time.length - 1] },
    };
    const { session, recovery } = await TradingSession.open({
      feed: new SeriesFeed([series]), strategy: () => setup.strategy, settings: setup.settings, client: exchange, market: exchange,
      journal: storage ? { file: storage.openAppend("engine.journal"), run } : undefined,
    });
    if (brokerTorn) show(`paper exchange journal: a torn last record (${brokerTorn.reason}) was dropped\n`);
    if (recovery) show(describeRecovery(values.journal!, recovery));

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    let shown = 0;
    try {
      await runSteps(session, {
        scheduler: realScheduler, pace: speed === 0 ? undefined : speed, signal: stop.signal,
        onSlice: (done) => {
          // A status line about once a second of replay, and at the end.
          if (!values.json && (done - shown >= Math.max(1, speed) || session.done)) {
            shown = done;
            io.out(status(session));
          }
          io.progress(done, series.close.length, "trade");
        },
      });
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      session.close();
      exchange.close();
    }
    const interrupted = stop.signal.aborted && !session.done;
    if (interrupted) show(`stopped after ${session.barsDone} of ${series.close.length} bars; the journal is flushed\n`);
    if (values.json) {
      const result = session.result();
      const account = await exchange.account();
      io.out(JSON.stringify({
        ...result, complete: !interrupted,
        broker: { positions: exchange.positionList().map((p) => ({ symbol: p.symbol, quantity: p.quantity.toString(), avgPrice: p.avgPrice.toString() })), cash: account.cash.toString() },
      }) + "\n");
    } else {
      io.out(final(session));
    }
    return 0;
  },
};

function describe(e: EngineEvent): string {
  switch (e.type) {
    case "order": {
      const o = e.order;
      const price = [o.stopPrice ? ` stop ${o.stopPrice.toFixed(4)}` : "", o.limitPrice ? ` limit ${o.limitPrice.toFixed(4)}` : ""].join("");
      return `${isoDate(o.createdAt)} order ${o.id} ${o.side} ${o.quantity} ${o.symbol} ${o.type}${price}${o.tag ? ` (${o.tag})` : ""}\n`;
    }
    case "fill": {
      const f = e.fill;
      return `${isoDate(f.time)} fill  ${f.orderId} ${f.side} ${f.quantity} ${f.symbol} @ ${f.price.toFixed(4)} (commission ${f.commission.toFixed(2)})\n`;
    }
    case "rejection":
      return `${isoDate(e.rejection.time)} denied ${e.rejection.symbol} (${e.rejection.rule}): ${e.rejection.reason}\n`;
    default:
      return "";
  }
}

function status(session: TradingSession): string {
  const s = session.snapshot();
  const positions = s.positions.length === 0 ? "flat"
    : s.positions.map((p) => `${p.symbol} ${p.quantity} @ ${Number(p.avgPrice).toFixed(2)} P&L ${signed(Number(p.unrealizedPnl))}`).join(", ");
  return `${isoDate(s.time)} bar ${s.barsDone}/${s.barsTotal} equity ${s.equity.toFixed(2)} cash ${Number(s.cash).toFixed(2)} ${positions}; ${s.openOrders.length} open orders\n`;
}

function final(session: TradingSession): string {
  const r = session.result();
  const byStatus = new Map<string, number>();
  for (const o of r.orders) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
  return [
    `orders: ${r.orders.length} (${[...byStatus].map(([k, n]) => `${n} ${k}`).join(", ") || "none"}); fills: ${r.fills.length}`,
    `positions: ${r.positions.length === 0 ? "flat" : r.positions.map((p) => `${p.symbol} ${p.quantity} @ ${p.avgPrice}`).join(", ")}`,
    `cash ${Number(r.cash).toFixed(2)}, equity ${r.equity.toFixed(2)}`,
    "",
  ].join("\n");
}

function describeRecovery(dir: string, r: Recovery): string {
  const rec = r.reconciliation;
  const parts = [`resumed from the journal in ${dir}: replayed ${r.bars} bars (${r.records} records)`];
  if (r.torn) parts.push(`a torn last record (${r.torn.reason}) was dropped`);
  if (r.redone > 0) parts.push(`${r.redone} records never acted on are done again`);
  if (rec.resubmitted.length) parts.push(`sent again (never reached the exchange): ${rec.resubmitted.join(", ")}`);
  if (rec.recancelled.length) parts.push(`cancels asked again: ${rec.recancelled.join(", ")}`);
  if (rec.applied.length + rec.later.length) parts.push(`${rec.applied.length + rec.later.length} events from the exchange the journal lacked`);
  return `${parts.join("; ")}\n`;
}

function signed(x: number): string {
  return `${x >= 0 ? "+" : ""}${x.toFixed(2)}`;
}

