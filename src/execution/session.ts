import { TestClock } from "../core/clock.ts";
import type { BarSeries, SymbolId } from "../core/data.ts";
import { ConfigError, ExecutionError } from "../core/errors.ts";
import type { VenueEvent } from "../core/events.ts";
import type { AppendFile } from "../core/storage.ts";
import type { Telemetry } from "../observability/telemetry.ts";
import type { Strategy } from "../strategies/strategy.ts";
import type { ExecutionClient } from "./client.ts";
import { TradingEngine, type BarUpdate, type EngineSettings, type EventLog } from "./engine.ts";
import { BarBuffer } from "./history.ts";
import { Journal, readJournal, type TornRecord } from "./journal.ts";
import { avgFillPrice } from "./order-state.ts";
import { reconcile, type Reconciliation } from "./reconcile.ts";
import { decodeRecord, encodeRecord, type JournalRecord } from "./records.ts";
import { JournalReplay, resumePoint } from "./replay.ts";
import type { Steppable } from "./runner.ts";
import type { EngineEvent, RunSnapshot } from "./types.ts";

/**
 * Bars in time order, one moment at a time (every symbol's bar at that
 * time), readable again from the start: what a session replays to rebuild
 * itself after a restart. A file replay is one; a live feed keeps what it
 * has delivered.
 */
export interface BarFeed {
  readonly symbols: readonly SymbolId[];
  /** Moments available now. */
  readonly length: number;
  /** The bars of moment `i`, 0 <= i < length. */
  at(i: number): readonly BarUpdate[];
}

/** A feed over series already in memory (a CSV file read whole), aligned on the same bar times. */
export class SeriesFeed implements BarFeed {
  readonly symbols: readonly SymbolId[];
  readonly length: number;

  constructor(private readonly series: readonly BarSeries[]) {
    this.symbols = series.map((s) => s.symbol);
    this.length = series.length === 0 ? 0 : Math.min(...series.map((s) => s.time.length));
  }

  at(i: number): BarUpdate[] {
    return this.series.map((s) => ({
      symbol: s.symbol, bar: { time: s.time[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] },
    }));
  }
}

/** Where market data also goes: the paper exchange matches against it (a real broker sees the market itself). */
export interface MarketSink {
  onBars(slice: readonly BarUpdate[]): void;
}

export interface SessionOptions {
  readonly feed: BarFeed;
  /** A fresh strategy for each symbol (null: none); called once per session, restarts included. */
  readonly strategy: (symbol: SymbolId) => Strategy | null;
  readonly settings: EngineSettings;
  readonly client: ExecutionClient;
  readonly market?: MarketSink;
  /** With a journal, every order event is made durable before it is acted on, and a restart resumes from it. */
  readonly journal?: {
    readonly file: AppendFile;
    /** Group commit (default) or an fsync per record. */
    readonly mode?: "record" | "commit";
    /** What the run is (strategy, settings, data): a journal written by a different run is refused. */
    readonly run: Readonly<Record<string, unknown>>;
  };
  /**
   * Moments before the feed's first, on which the strategies warm up without
   * trading (a live session's recent history); a restart must pass the same.
   */
  readonly warmup?: readonly (readonly BarUpdate[])[];
  /**
   * Traces and metrics of the tick-to-order path (a span and a latency per
   * bar, counts of bars and commands); `now` is a monotonic clock in ms. Off
   * when absent: a backtest never pays for it.
   */
  readonly observe?: { readonly telemetry: Telemetry; readonly now: () => number };
  /** Where failures of asynchronous commands are reported (the order stays as it was until reconciliation). */
  readonly onError?: (err: unknown) => void;
}

/** What a restart found and did. */
export interface Recovery {
  /** A last record cut short by the crash, dropped. */
  readonly torn: TornRecord | null;
  /** Bars and journal records replayed through the engine. */
  readonly bars: number;
  readonly records: number;
  /** Records after the last command that left: never acted on, done again. */
  readonly redone: number;
  readonly reconciliation: Reconciliation;
}

/**
 * A live or paper trading session: the engine of a backtest on the data's
 * clock, fed moment by moment from a feed, trading through any
 * ExecutionClient, with an optional journal. Step it with the runner (at a
 * pace, or as fast as possible) or call step() yourself.
 *
 * With a journal that already holds records, open() resumes: it replays the
 * journal through a fresh engine over the same bars (checking each record;
 * see JournalReplay), reconciles with the venue (reconcile.ts), then goes on
 * from the first bar not yet acted on.
 */
export class TradingSession implements Steppable {
  readonly engine: TradingEngine;
  private readonly clock = new TestClock();
  private readonly feed: BarFeed;
  private market: MarketSink | null;
  private journal: Journal | null = null;
  private next = 0;
  private later: VenueEvent[] = [];
  private inflight: Promise<void> | null = null;
  private readonly onError: (err: unknown) => void;
  private readonly observe: SessionOptions["observe"];
  /** While the journal is replayed: its events happened before, and are not shown again. */
  private replaying = false;

  private constructor(opts: SessionOptions) {
    this.feed = opts.feed;
    this.market = opts.market ?? null;
    this.onError = opts.onError ?? ((err) => { throw err; });
    this.observe = opts.observe;
    const books = opts.feed.symbols.map((symbol) => ({ symbol, strategy: opts.strategy(symbol), history: new BarBuffer() }));
    const { onEvent } = opts.settings;
    const settings = onEvent ? { ...opts.settings, onEvent: (e: EngineEvent) => { if (!this.replaying) onEvent(e); } } : opts.settings;
    this.engine = new TradingEngine(books, settings, this.clock, opts.client, Math.max(16, Math.min(opts.feed.length, 1 << 20)));
    for (const slice of opts.warmup ?? []) this.engine.warmUp(slice);
  }

  /** A session ready to step; with a journal that has records, resumed from it (see the class comment). */
  static async open(opts: SessionOptions): Promise<{ session: TradingSession; recovery: Recovery | null }> {
    const session = new TradingSession(opts);
    if (!opts.journal) return { session, recovery: null };
    const { journal, records: texts, offsets, torn } = Journal.open(opts.journal.file, opts.journal.mode ?? "commit");
    session.journal = journal;
    const log: EventLog = { append: (r) => journal.append(encodeRecord(r)), commit: () => journal.commit() };
    if (texts.length === 0) {
      journal.append(encodeRecord({ k: "run", run: opts.journal.run }));
      journal.commit();
      session.engine.journalTo(log);
      return { session, recovery: null };
    }
    const records = texts.map(decodeRecord);
    checkRun(records[0], opts.journal.run);
    const { cut, nextBar } = resumePoint(records);
    if (nextBar > opts.feed.length) {
      throw new ConfigError(`the journal has traded ${nextBar} bars but the data holds ${opts.feed.length}; resume with the data that wrote it`, { field: "data" });
    }
    journal.cutAt(cut < offsets.length ? offsets[cut] : journal.size);
    const replay = new JournalReplay(texts.slice(1, cut), () => session.engine.barIndex, (r) => session.engine.note(r));
    session.engine.attach(replay);
    session.engine.journalTo(replay);
    session.market = replay;
    session.replaying = true;
    replay.afterBar(); // a restart before the first bar
    while (session.next < nextBar) {
      session.processBar();
      replay.afterBar();
    }
    session.replaying = false;
    if (!replay.finished) {
      throw new ExecutionError(`the journal holds ${cut - 1 - replay.position} records after bar ${nextBar} that this run does not make`, { field: "journal" });
    }
    session.engine.attach(opts.client);
    session.engine.journalTo(log);
    session.market = opts.market ?? null;
    // What follows up to the next bar comes from the venue, not the strategy: a later replay plays it back.
    session.engine.note({ k: "recovered", i: nextBar - 1 });
    const reconciliation = await reconcile(session.engine, opts.client, session.clock.now());
    session.later = [...reconciliation.later];
    session.settle(session.engine.flush(session.onError));
    return { session, recovery: { torn, bars: nextBar, records: cut, redone: texts.length - cut, reconciliation } };
  }

  get done(): boolean {
    return this.next >= this.feed.length;
  }

  /** Bars processed so far (replayed ones included). */
  get barsDone(): number {
    return this.next;
  }

  /** Processes the next moment of the feed. */
  step(): void {
    this.processBar();
  }

  /** Waits for commands still on their way to an asynchronous venue. */
  async settled(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  /** Makes the journal durable and closes it (Ctrl-C, the end of a run). */
  close(): void {
    this.journal?.close();
    this.journal = null;
  }

  snapshot(): RunSnapshot {
    return this.engine.snapshot(this.feed.length);
  }

  /** Every order with its final status, the fills, positions and equity: what `nt trade --json` prints. */
  result(): SessionResult {
    const e = this.engine;
    const snap = e.snapshot(this.feed.length);
    return {
      orders: e.orderStates.map((s) => ({
        id: s.order.id, symbol: s.order.symbol, side: s.order.side, type: s.order.type, quantity: s.order.quantity.toString(),
        ...(s.order.limitPrice ? { limitPrice: s.order.limitPrice.toString() } : {}),
        ...(s.order.stopPrice ? { stopPrice: s.order.stopPrice.toString() } : {}),
        timeInForce: s.order.timeInForce, status: s.status, filledQuantity: s.filledQuantity.toString(),
        avgFillPrice: avgFillPrice(s)?.toString() ?? null, createdAt: s.order.createdAt,
        ...(s.order.tag ? { tag: s.order.tag } : {}), ...(s.order.orderListId ? { orderListId: s.order.orderListId } : {}),
      })),
      fills: e.fills.map((f) => ({
        orderId: f.orderId, tradeId: f.tradeId, symbol: f.symbol, side: f.side, quantity: f.quantity.toString(), price: f.price.toString(),
        commission: f.commission.toString(), time: f.time,
      })),
      positions: snap.positions,
      cash: snap.cash,
      equity: snap.equity,
      bars: this.next,
    };
  }

  private processBar(): void {
    const slice = this.feed.at(this.next++);
    const time = slice[0].bar.time;
    const observed = this.observe && !this.replaying ? this.startObserving(slice) : null;
    this.clock.set(time);
    this.engine.beginBars(slice);
    // Events reconciliation found for this bar: the venue had already matched it before the restart.
    while (this.later.length > 0 && this.later[0].time <= time) this.engine.onVenueEvent(this.later.shift()!);
    this.market?.onBars(slice);
    this.engine.onBars(slice);
    const orders = this.engine.pendingOrders;
    const cancels = this.engine.pendingCommands - orders;
    const sent = this.engine.flush(this.onError);
    this.settle(sent);
    if (observed) {
      if (sent) void sent.then(() => observed(orders, cancels), () => observed(orders, cancels));
      else observed(orders, cancels);
    }
  }

  /** Opens the bar's span; the function returned closes it once its commands have left (or been acknowledged). */
  private startObserving(slice: readonly BarUpdate[]): (orders: number, cancels: number) => void {
    const { telemetry: { tracer, instruments }, now } = this.observe!;
    const started = now();
    const span = tracer.startSpan("bar", {
      attributes: { "nt.bar.time": slice[0].bar.time, "nt.bar.index": this.next - 1, "nt.symbols": slice.map((s) => s.symbol).join(",") },
    });
    return (orders, cancels) => {
      const venue = this.engine.venueName;
      span.setAttributes({ "nt.orders": orders, "nt.cancels": cancels, "nt.venue": venue });
      span.end();
      instruments.sessionBars.add(1, { venue });
      if (orders > 0) instruments.commands.add(orders, { venue, kind: "order" });
      if (cancels > 0) instruments.commands.add(cancels, { venue, kind: "cancel" });
      if (orders + cancels > 0) instruments.barToOrderSeconds.record((now() - started) / 1000, { venue });
    };
  }

  private settle(pending: void | Promise<void>): void {
    if (!pending) return;
    const p = pending.finally(() => {
      if (this.inflight === p) this.inflight = null;
    });
    this.inflight = p;
  }
}

export interface SessionResult {
  readonly orders: readonly {
    readonly id: string; readonly symbol: string; readonly side: string; readonly type: string; readonly quantity: string;
    readonly limitPrice?: string; readonly stopPrice?: string; readonly timeInForce: string; readonly status: string;
    readonly filledQuantity: string; readonly avgFillPrice: string | null; readonly createdAt: number; readonly tag?: string; readonly orderListId?: string;
  }[];
  readonly fills: readonly {
    readonly orderId: string; readonly tradeId: string; readonly symbol: string; readonly side: string; readonly quantity: string;
    readonly price: string; readonly commission: string; readonly time: number;
  }[];
  readonly positions: RunSnapshot["positions"];
  readonly cash: string;
  readonly equity: number;
  readonly bars: number;
}

/** The run a journal was written by (its first record), or null for an empty journal. */
export function journaledRun(bytes: Uint8Array): Readonly<Record<string, unknown>> | null {
  const first = readJournal(bytes).records[0];
  if (first === undefined) return null;
  const record = decodeRecord(first);
  if (record.k !== "run") throw new ExecutionError("the journal does not start with a run record; it was not written by a trading session", { field: "journal" });
  return record.run;
}

/** The journal's first record must describe this very run. */
function checkRun(first: JournalRecord, run: Readonly<Record<string, unknown>>): void {
  if (first.k !== "run") throw new ExecutionError("the journal does not start with a run record; it was not written by a trading session", { field: "journal" });
  const had = JSON.stringify(first.run);
  const now = JSON.stringify(run);
  if (had === now) return;
  const keys = new Set([...Object.keys(first.run), ...Object.keys(run)]);
  const diff = [...keys].filter((k) => JSON.stringify(first.run[k]) !== JSON.stringify(run[k]));
  throw new ConfigError(
    `the journal was written by a different run (${diff.map((k) => `${k}: ${JSON.stringify(first.run[k])} there, ${JSON.stringify(run[k])} now`).join("; ")}); ` +
      "resume with the same settings or use a new journal",
    { field: diff[0] ?? "journal" },
  );
}
