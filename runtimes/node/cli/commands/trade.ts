import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { WebSocket } from "ws";
import { sessionSetup } from "../../../../src/backtest/job.ts";
import { alpacaBroker } from "../../../../src/brokers/alpaca/from-config.ts";
import { loadAppConfig, type AppConfig } from "../../../../src/config/app-config.ts";
import { realScheduler, systemClock } from "../../../../src/core/clock.ts";
import type { SymbolId } from "../../../../src/core/data.ts";
import { isoDate } from "../../../../src/core/dates.ts";
import { BarsCsvParser } from "../../../../src/data/csv.ts";
import type { ExecutionClient } from "../../../../src/execution/client.ts";
import type { BarUpdate } from "../../../../src/execution/engine.ts";
import type { TornRecord } from "../../../../src/execution/journal.ts";
import { followMarket, runLive, warmupBars } from "../../../../src/execution/live-feed.ts";
import { PaperExchange } from "../../../../src/execution/paper.ts";
import { runSteps } from "../../../../src/execution/runner.ts";
import { journaledRun, SeriesFeed, TradingSession, type BarFeed, type MarketSink, type Recovery } from "../../../../src/execution/session.ts";
import type { EngineEvent } from "../../../../src/execution/types.ts";
import type { VenueOptions } from "../../../../src/execution/venue.ts";
import { AggregatedFeed } from "../../../../src/feeds/aggregated-feed.ts";
import { liveFeed } from "../../../../src/feeds/from-config.ts";
import { formatTimeframe, parseTimeframe, timeframeMs } from "../../../../src/feeds/timeframe.ts";
import type { WebSocketConstructor } from "../../../../src/net/websocket.ts";
import { NodeStorage } from "../../storage.ts";
import { nodeTelemetry } from "../../telemetry.ts";
import { UsageError, type CliIO as Io, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";
import { REQUEST_OPTIONS, REQUEST_USAGE, requestFromFlags, withNews } from "../request-flags.ts";

const usage = `Usage: nt trade --paper --strategy NAME [--param k=v ...]
         (--data FILE.csv --speed BARS_PER_S | --feed alpaca|polygon --symbols A[,B...] [--timeframe 1m] [--warmup N])
         [--broker paper|alpaca] [--journal DIR] [--config FILE] [--json]

Trades a strategy on paper, showing orders, fills, positions and P&L as they happen. The market is
a CSV file replayed at a chosen speed, or a live feed. Ctrl-C stops it cleanly: the journal is
flushed and the state so far is printed.

  --paper                paper trading (required: this command never trades a live account)
  --broker paper         the paper exchange: simulated fills, the backtest's venue, matched against
                         the market this command sees (the default)
  --broker alpaca        Alpaca's paper account (needs --feed; NT_ALPACA_KEY_ID, NT_ALPACA_SECRET;
                         NT_ALPACA_TRADING_URL must not be the live endpoint)
  --data FILE.csv        bars to replay (date,open,high,low,close,volume; up to ${MAX_INPUT_LABEL})
  --symbol NAME          symbol of the replayed file (default: the file name)
  --speed N              bars per second; 0 replays as fast as possible (required with --data)
  --feed alpaca|polygon  live bars from the vendor (keys and endpoints from NT_ALPACA_* / NT_POLYGON_*
                         or --config FILE); trading starts with the bar after the command starts
  --symbols A[,B...]     symbols to trade on the feed
  --timeframe 1m         bar interval (default 1m; others are built from the feed's trades)
  --from DATE            trade bars from this time on (ISO 8601; default: the next bar after now); bars
                         already past are read from the vendor's history first, then the stream continues
  --warmup N             bars before the start the strategy sees without trading (default 200)
  --journal DIR          journal every order event there, fsync'd before the order leaves; a folder
                         that already holds a journal resumes from it (same strategy, settings, market)
  --config FILE          the TOML settings file (see nt serve --help); NT_TRACES=log writes a span per bar
                         (signal, checks, journal, orders sent and acknowledged) as a log line on stderr
${REQUEST_USAGE}
  --json                 print at the end one JSON object: orders (each with its final status),
                         fills, positions, cash, equity, and the broker's own positions and cash
With --speed 0 the fills are those of \`nt backtest\` on the same file, strategy and costs.`;

/** The most bars a second: beyond it, pacing means nothing and --speed 0 is the way. */
const MAX_SPEED = 1_000_000;
/** Alpaca's live trading endpoint, which this command refuses. */
const LIVE_ALPACA_TRADING_URL = "https://api.alpaca.markets";
/** Calendar time searched back for warm-up bars, in bars of the timeframe: covers weekends and holidays of minute bars. */
const WARMUP_LOOKBACK_FACTOR = 10;
const MIN_WARMUP_LOOKBACK_MS = 7 * 86_400_000;

type Values = ReturnType<typeof parseFlags>["values"];

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      paper: { type: "boolean", default: false }, broker: { type: "string", default: "paper" },
      data: { type: "string" }, symbol: { type: "string" }, speed: { type: "string" },
      feed: { type: "string" }, symbols: { type: "string" }, timeframe: { type: "string" }, warmup: { type: "string" },
      from: { type: "string" }, journal: { type: "string" }, config: { type: "string" },
      ...REQUEST_OPTIONS, json: { type: "boolean", default: false },
    },
  });
}

/** Where the bars come from: a file replayed at a pace, or a live feed that grows. */
interface Market {
  readonly feed: BarFeed;
  readonly symbols: readonly SymbolId[];
  /** What the journal records of the market, so a restart on another market is refused. */
  readonly describe: Readonly<Record<string, unknown>>;
  readonly warmup?: readonly (readonly BarUpdate[])[];
  readonly total?: number;
  run(session: TradingSession, signal: AbortSignal, onSlice: () => void): Promise<void>;
  close(): void;
}

export const tradeCommand: Command = {
  name: "trade",
  summary: "paper-trade a strategy on a replayed file or a live feed, with a crash-safe journal",
  usage,
  async run(argv, io) {
    const { values } = parseFlags(argv);
    if (!values.paper) throw new UsageError("--paper is required: this command trades paper accounts only");
    if (values.broker !== "paper" && values.broker !== "alpaca") throw new UsageError(`--broker must be paper or alpaca, got ${JSON.stringify(values.broker)}`);
    if ((values.data === undefined) === (values.feed === undefined)) throw new UsageError("give the market: --data FILE.csv (a replay) or --feed alpaca|polygon (live), not both");
    if (values.broker === "alpaca" && values.feed === undefined) throw new UsageError("--broker alpaca trades on live bars: give --feed alpaca|polygon, not a replayed file");
    const request = await withNews(requestFromFlags(values), values, io.cwd);
    const show = values.json ? (text: string) => io.err(text) : (text: string) => io.out(text);
    const setup = sessionSetup(request, { onEvent: (e) => show(describe(e)) });
    const storage = values.journal === undefined ? null : new NodeStorage(resolve(io.cwd, values.journal));
    const config = appConfig(values, io.cwd);
    // NT_TRACES=log: a span per bar (strategy, checks, journal, orders out and acknowledged) as a log line on stderr.
    const observability = nodeTelemetry(config, (line) => io.err(line));

    const market = values.data !== undefined ? await replayMarket(values, io) : await liveMarket(values, config, storage, show);
    const broker = await openBroker(values.broker, setup.venue, config, storage);
    try {
      const run = { command: "trade", broker: values.broker, request: setup.request, market: market.describe };
      const { session, recovery } = await TradingSession.open({
        feed: market.feed, strategy: () => setup.strategy, settings: setup.settings, client: broker.client, market: broker.sink,
        warmup: market.warmup, observe: { telemetry: observability.telemetry, now: () => realScheduler.now() }, journal: storage ? { file: storage.openAppend("engine.journal"), run } : undefined,
        onError: (err) => show(`broker: ${err instanceof Error ? err.message : String(err)}\n`),
      });
      if (broker.torn) show(`paper exchange journal: a torn last record (${broker.torn.reason}) was dropped\n`);
      if (recovery) show(describeRecovery(values.journal!, recovery));
      const interrupted = await trade(session, market, io, values, show);
      await session.settled();
      session.close();
      if (interrupted) show(`stopped after ${session.barsDone}${market.total === undefined ? "" : ` of ${market.total}`} bars${storage ? "; the journal is flushed" : ""}\n`);
      if (values.json) {
        const account = await broker.client.account();
        const positions = await broker.client.positions();
        io.out(JSON.stringify({
          ...session.result(), complete: !interrupted,
          broker: { positions: positions.map((p) => ({ symbol: p.symbol, quantity: p.quantity.toString(), avgPrice: p.avgPrice.toString() })), cash: account.cash.toString() },
        }) + "\n");
      } else {
        io.out(final(session));
      }
    } finally {
      market.close();
      await broker.close();
      await observability.shutdown();
    }
    return 0;
  },
};

/** Steps the session until the market ends or Ctrl-C; true when interrupted. */
async function trade(session: TradingSession, market: Market, io: Io, values: Values, show: (text: string) => void): Promise<boolean> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let shown = 0;
  const every = values.speed === undefined ? 1 : Math.max(1, Number(values.speed));
  try {
    await market.run(session, stop.signal, () => {
      const done = session.barsDone;
      // A status line about once a second of replay and at its end (on stdout, not in --json's);
      // live, one for every new bar, wherever the events go.
      if (market.total === undefined) {
        if (done > shown) show(status(session));
        shown = done;
      } else if (!values.json && (done - shown >= every || session.done)) {
        shown = done;
        io.out(status(session));
      }
      if (market.total !== undefined) io.progress(done, market.total, "trade");
    });
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
  return stop.signal.aborted && !(market.total !== undefined && session.done);
}

async function replayMarket(values: Values, io: Io): Promise<Market> {
  if (values.speed === undefined) throw new UsageError("--speed is required with --data: bars per second, or 0 for as fast as possible");
  for (const flag of ["symbols", "timeframe", "warmup", "from"] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} belongs to --feed; a replayed file is one series (--symbol names it)`);
  }
  const speed = Number(values.speed);
  if (!/^\d+(\.\d+)?$/.test(values.speed) || !(speed >= 0 && speed <= MAX_SPEED)) {
    throw new UsageError(`--speed must be a number of bars per second in [0, ${MAX_SPEED}], got ${JSON.stringify(values.speed)}`);
  }
  const series = await readTextFile(resolve(io.cwd, values.data!), values.data!, new BarsCsvParser({ source: values.data!, symbol: values.symbol }));
  const total = series.close.length;
  return {
    feed: new SeriesFeed([series]), symbols: [series.symbol], total,
    describe: { symbol: series.symbol, bars: total, first: series.time[0], last: series.time[total - 1] },
    run: async (session, signal, onSlice) => {
      await runSteps(session, { scheduler: realScheduler, pace: speed === 0 ? undefined : speed, signal, onSlice });
    },
    close: () => {},
  };
}

/**
 * A live market: the strategy warms up on recent bars, then trades every
 * bar from the start of the run on. The run's start is kept in the journal,
 * so a restart reads the same bars again from the vendor's history (what
 * the engine replays) before the stream takes over.
 */
async function liveMarket(values: Values, config: AppConfig, storage: NodeStorage | null, show: (text: string) => void): Promise<Market> {
  if (values.feed !== "alpaca" && values.feed !== "polygon") throw new UsageError(`--feed must be alpaca or polygon, got ${JSON.stringify(values.feed)}`);
  if (values.speed !== undefined || values.symbol !== undefined) throw new UsageError("--speed and --symbol belong to --data; a live feed runs at the market's pace on --symbols");
  if (values.symbols === undefined) throw new UsageError("--symbols is required with --feed: the symbols to trade, comma-separated");
  const symbols = [...new Set(values.symbols.split(",").map((s) => s.trim()))];
  if (symbols.some((s) => !/^[A-Za-z0-9.\-/]{1,16}$/.test(s))) throw new UsageError(`--symbols must be symbols separated by commas, got ${JSON.stringify(values.symbols)}`);
  const warmupText = values.warmup ?? "200";
  if (!/^\d{1,5}$/.test(warmupText)) throw new UsageError(`--warmup must be a number of bars from 0 to 99999, got ${JSON.stringify(warmupText)}`);
  const warmup = Number(warmupText);
  const timeframe = parseTimeframe(values.timeframe ?? "1m", "--timeframe");
  const tfMs = timeframeMs(timeframe);
  if (tfMs === undefined) throw new UsageError("--timeframe must have a fixed length (seconds to weeks) for live trading");

  const vendor = liveFeed(values.feed, config, { WebSocket: WebSocket as unknown as WebSocketConstructor });
  const minute = timeframe.unit === "minute" && timeframe.amount === 1;
  const source = minute ? vendor : new AggregatedFeed(vendor, timeframe);
  const now = systemClock.now();
  const resumed = storage ? journaledRun(storage.read("engine.journal") ?? new Uint8Array(0)) : null;
  const journaledFrom = (resumed?.market as { from?: unknown } | undefined)?.from;
  const from = values.from !== undefined ? parseFrom(values.from)
    : typeof journaledFrom === "number" ? journaledFrom
    : Math.floor(now / tfMs) * tfMs + tfMs;
  try {
    const lookback = Math.max(MIN_WARMUP_LOOKBACK_MS, warmup * tfMs * WARMUP_LOOKBACK_FACTOR);
    const warm = await warmupBars(vendor, symbols, timeframe, from, warmup, lookback);
    if (warm.length < warmup) show(`warm-up: ${warm.length} of ${warmup} bars found before ${isoDate(from)}\n`);
    const { feed, stop } = await followMarket({ source, symbols, timeframe, from, now: () => systemClock.now(), onError: (e) => show(`market data: ${e.message}\n`) });
    show(`${vendor.name}: ${symbols.join(", ")} ${formatTimeframe(timeframe)} bars from ${isoDate(from)}; ${feed.length} already in, then live\n`);
    return {
      feed, symbols, warmup: warm,
      describe: { feed: values.feed, symbols, timeframe: formatTimeframe(timeframe), from, warmup },
      run: (session, signal, onSlice) => runLive(session, feed, { scheduler: realScheduler, signal, onSlice }),
      close: () => {
        stop();
        source.close();
      },
    };
  } catch (err) {
    source.close();
    throw err;
  }
}

interface Broker {
  readonly client: ExecutionClient;
  readonly sink?: MarketSink;
  readonly torn: TornRecord | null;
  close(): Promise<void>;
}

async function openBroker(name: string, venue: VenueOptions, config: AppConfig, storage: NodeStorage | null): Promise<Broker> {
  if (name === "paper") {
    const { exchange, torn } = PaperExchange.open(venue, storage?.openAppend("paper.journal"));
    return { client: exchange, sink: exchange, torn, close: async () => exchange.close() };
  }
  if (config.alpaca.tradingUrl.replace(/\/+$/, "") === LIVE_ALPACA_TRADING_URL) {
    throw new UsageError(`NT_ALPACA_TRADING_URL is Alpaca's live endpoint (${LIVE_ALPACA_TRADING_URL}); nt trade --paper trades paper accounts only`);
  }
  const broker = alpacaBroker(config, { WebSocket: WebSocket as unknown as WebSocketConstructor });
  await broker.connect();
  return { client: broker, torn: null, close: () => broker.disconnect() };
}

function parseFrom(text: string): number {
  const t = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`--from must be an ISO 8601 date or time such as 2026-12-03T14:30:00Z, got ${JSON.stringify(text)}`);
  return t;
}

function appConfig(values: Values, cwd: string): AppConfig {
  const file = values.config === undefined ? undefined : { name: values.config, text: readFileSync(resolve(cwd, values.config), "utf8") };
  return loadAppConfig({ env: process.env, file });
}

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

