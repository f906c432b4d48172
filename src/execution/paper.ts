import type { Bar, Quote, SymbolId, Tick } from "../core/data.ts";
import { ExecutionError } from "../core/errors.ts";
import type { OrderChanges, VenueEvent } from "../core/events.ts";
import { Decimal } from "../core/money.ts";
import type { Order } from "../core/orders.ts";
import type { AppendFile } from "../core/storage.ts";
import type { AccountReport, ExecutionClient, OrderReport, PositionReport } from "./client.ts";
import { Journal, type TornRecord } from "./journal.ts";
import { decodeOrder } from "./records.ts";
import { SimulatedVenue, type VenueOptions } from "./venue.ts";

/** What the paper exchange's journal holds: its inputs, in the order they came. */
type PaperInput =
  | { readonly k: "submit"; readonly order: Order }
  | { readonly k: "cancel"; readonly id: string }
  | { readonly k: "replace"; readonly id: string; readonly changes: OrderChanges }
  | { readonly k: "bars"; readonly bars: readonly { readonly s: SymbolId; readonly b: Bar }[] }
  | { readonly k: "quote"; readonly q: Quote }
  | { readonly k: "trade"; readonly q: Tick };

/**
 * The paper exchange: live or replayed market data, simulated fills. It is
 * the SimulatedVenue a backtest uses, behind the same ExecutionClient port,
 * so a paper run over a file fills exactly as a backtest of it does.
 *
 * It is a broker of its own, separate from the engine that trades on it:
 * with a journal file it survives a crash of the process. Its state is a
 * deterministic function of its inputs (commands and market data), so it
 * journals the inputs and, on opening, rebuilds by applying them again. An
 * input's events leave only after the input is durable; an update that
 * produced no event waits for the next commit (lost in a crash, it is fed
 * again and gives the same nothing). Market data at or before the time it
 * has already seen is ignored, so a restarted feed may overlap.
 */
export class PaperExchange implements ExecutionClient {
  readonly venue = "paper";
  private readonly sim: SimulatedVenue;
  private readonly listeners: ((event: VenueEvent) => void)[] = [];
  private held: VenueEvent[] = [];
  private rebuilding = false;

  private constructor(options: VenueOptions, private readonly journal: Journal | null) {
    this.sim = new SimulatedVenue({ ...options, name: "paper" });
    this.sim.subscribe((e) => {
      if (!this.rebuilding) this.held.push(e);
    });
  }

  /**
   * An exchange with `options` (costs, starting cash); with a file, its
   * journal: an existing one is replayed to rebuild the state it had, a
   * torn last record is cut off and returned.
   */
  static open(options: VenueOptions, file?: AppendFile): { exchange: PaperExchange; torn: TornRecord | null } {
    if (!file) return { exchange: new PaperExchange(options, null), torn: null };
    const { journal, records, torn } = Journal.open(file, "commit");
    const exchange = new PaperExchange(options, journal);
    exchange.rebuilding = true;
    try {
      for (const text of records) exchange.apply(decodeInput(text));
    } finally {
      exchange.rebuilding = false;
    }
    return { exchange, torn };
  }

  /** Epoch ms of the latest market data it has seen. */
  get now(): number {
    return this.sim.now;
  }

  subscribe(listener: (event: VenueEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  submit(order: Order): void {
    if (this.sim.knows(order.id)) return; // idempotent: a resend after a restart changes nothing
    this.input({ k: "submit", order });
  }

  cancel(orderId: string): void {
    this.input({ k: "cancel", id: orderId });
  }

  replace(orderId: string, changes: OrderChanges): void {
    this.input({ k: "replace", id: orderId, changes });
  }

  /** Bars of one moment (one or several symbols): matched like a backtest's. */
  onBars(slice: readonly { readonly symbol: SymbolId; readonly bar: Bar }[]): void {
    if (slice.every((s) => s.bar.time <= this.sim.now)) return;
    this.input({ k: "bars", bars: slice.map((s) => ({ s: s.symbol, b: s.bar })) });
  }

  onQuote(quote: Quote): void {
    if (quote.time > this.sim.now) this.input({ k: "quote", q: quote });
  }

  onTrade(tick: Tick): void {
    if (tick.time > this.sim.now) this.input({ k: "trade", q: tick });
  }

  openOrders(): Promise<readonly OrderReport[]> {
    return this.sim.openOrders();
  }

  order(orderId: string): Promise<OrderReport | null> {
    return this.sim.order(orderId);
  }

  positions(): Promise<readonly PositionReport[]> {
    return this.sim.positions();
  }

  account(): Promise<AccountReport> {
    return this.sim.account();
  }

  /** The non-flat positions now, without waiting. */
  positionList(): PositionReport[] {
    return this.sim.positionList();
  }

  /** Makes every input durable and closes the journal. */
  close(): void {
    this.journal?.close();
  }

  /** Journals an input, applies it, and once it is durable (when it changed anything) delivers its events. */
  private input(input: PaperInput): void {
    this.journal?.append(JSON.stringify(input));
    this.held = [];
    this.apply(input);
    const events = this.held;
    this.held = [];
    if (events.length === 0) return;
    this.journal?.commit();
    for (const e of events) for (const l of this.listeners) l(e);
  }

  private apply(input: PaperInput): void {
    switch (input.k) {
      case "submit": this.sim.submit(input.order); break;
      case "cancel": this.sim.cancel(input.id); break;
      case "replace": this.sim.replace(input.id, input.changes); break;
      case "bars":
        if (input.bars.length === 1) this.sim.onBar(input.bars[0].s, input.bars[0].b);
        else this.sim.onBars(input.bars.map((x) => ({ symbol: x.s, bar: x.b })));
        break;
      case "quote": this.sim.onQuote(input.q); break;
      case "trade": this.sim.onTrade(input.q); break;
    }
  }
}

function decodeInput(text: string): PaperInput {
  const r = JSON.parse(text) as Record<string, unknown> & { k: string };
  switch (r.k) {
    case "submit": return { k: "submit", order: decodeOrder(r.order as Record<string, unknown>) };
    case "replace": {
      const c = r.changes as Record<string, string | undefined>;
      const changes: { quantity?: Decimal; limitPrice?: Decimal; stopPrice?: Decimal } = {};
      for (const key of ["quantity", "limitPrice", "stopPrice"] as const) if (c[key] !== undefined) changes[key] = new Decimal(c[key]);
      return { k: "replace", id: r.id as string, changes };
    }
    case "cancel":
    case "bars":
    case "quote":
    case "trade":
      return r as unknown as PaperInput;
    default:
      throw new ExecutionError(`paper exchange journal: unknown record kind ${JSON.stringify(r.k)}`, { field: "k" });
  }
}
