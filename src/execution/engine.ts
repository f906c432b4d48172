import { doubleArray } from "../core/arrays.ts";
import type { Clock } from "../core/clock.ts";
import type { Bar, BarHistory, SymbolId } from "../core/data.ts";
import { ExecutionError } from "../core/errors.ts";
import type { OrderEvent, VenueEvent } from "../core/events.ts";
import { toFloat, type Decimal } from "../core/money.ts";
import { createOrder, type Fill, type Order, type OrderRequest } from "../core/orders.ts";
import { unrealizedPnl } from "../core/position.ts";
import type { Signal } from "../core/signal.ts";
import { Portfolio } from "../portfolio/portfolio.ts";
import { rebalanceOrders } from "../portfolio/rebalance.ts";
import { TradeJournal } from "../portfolio/trades.ts";
import type { PreTradeCheck, PreTradeContext } from "../risk/pretrade.ts";
import type { PositionSizer } from "../risk/sizing.ts";
import type { BookStrategy, Strategy, StrategyContext } from "../strategies/strategy.ts";
import type { ExecutionClient } from "./client.ts";
import type { BarLog } from "./history.ts";
import type { JournalRecord } from "./records.ts";
import { applyOrderEvent, initialOrderState, isTerminal, isWorking, type OrderState } from "./order-state.ts";
import type { EngineEvent, RebalanceSchedule, Rejection, ResizedOrder, RunSnapshot } from "./types.ts";

/** The tag of a position's stop-loss and take-profit orders (trade records show it as the exit reason). */
export const PROTECTIVE = "protective";

/** How the engine trades: sizing, exits, checks, rebalancing. Costs belong to the venue. */
export interface EngineSettings {
  readonly initialCash: number;
  /** Fraction of equity a new position takes; ignored when `sizer` is set. */
  readonly positionFraction: number;
  readonly sizer?: PositionSizer;
  readonly stopLossPct?: number;
  readonly takeProfitPct?: number;
  /** Pre-trade checks, in order; the first to object denies the order. */
  readonly checks: readonly PreTradeCheck[];
  readonly rebalance?: RebalanceSchedule;
  /** Decides the whole book's target weights each moment (pairs, mirror); they are scaled by positionFraction. */
  readonly book?: BookStrategy;
  readonly onEvent?: (event: EngineEvent) => void;
}

/** One symbol: what its strategy sees and decides. */
export interface BookSpec {
  readonly symbol: SymbolId;
  readonly strategy: Strategy | null;
  readonly history: BarLog;
}

/** Where the engine writes what happens (the journal); commit() makes it durable before any command leaves. */
export interface EventLog {
  append(record: JournalRecord): void;
  commit(): void;
}

interface Book {
  readonly symbol: SymbolId;
  readonly strategy: Strategy | null;
  readonly history: BarLog;
  readonly ctx: StrategyContext;
  lastClose: number;
  /** Client order ids of this symbol's working orders, in the order they were sent. */
  open: string[];
}

type Command = { readonly kind: "submit"; readonly order: Order } | { readonly kind: "cancel"; readonly orderId: string };

/** A bar of one symbol, as the runners hand bars over (several symbols close together). */
export interface BarUpdate {
  readonly symbol: SymbolId;
  readonly bar: Bar;
}

/**
 * The trading engine shared by backtests, paper and live trading: strategy
 * → signal → pre-trade checks → orders → ExecutionClient → order events →
 * portfolio. It is driven bar by bar by a runner, in three calls:
 *
 * 1. `beginBars(slice)`: a new moment starts (the runner has set the clock
 *    to it); the runner then lets the venue see the bars, and every event
 *    the venue sends comes to the engine, which books fills and reacts (a
 *    changed position gets new protective exits);
 * 2. `onBars(slice)`: marks equity at the closes and lets each strategy
 *    decide; orders pass the checks (a refusal is an OrderDenied event);
 * 3. `flush()`: commits the journal (the fsync happens here, before any
 *    command leaves) and only then sends the bar's commands to the client.
 *
 * Commands wait for flush, so every order of a bar leaves after the bar is
 * decided and journaled; the venue keys liveness on time, so an order sent
 * on bar t's close is live from bar t+1 whatever the moment it arrives.
 * Order state lives in a map of pure OrderStates (src/execution/order-state.ts),
 * every event goes through applyOrderEvent, and the same events are what
 * the journal keeps.
 */
export class TradingEngine {
  readonly portfolio: Portfolio;
  readonly trades = new TradeJournal();
  readonly rejections: Rejection[] = [];
  /** Buys cash at the fill paid for only in part (not risk decisions, so not rejections). */
  readonly resized: ResizedOrder[] = [];
  readonly fills: Fill[] = [];
  private readonly books: Book[];
  private readonly bySymbol = new Map<SymbolId, Book>();
  private readonly histories = new Map<SymbolId, BarHistory>();
  private readonly orders = new Map<string, OrderState>();
  private readonly seenTrades = new Set<string>();
  private readonly observers: PreTradeCheck[];
  private outbox: Command[] = [];
  private client!: ExecutionClient;
  private unsubscribe: (() => void) | null = null;
  private log: EventLog | null = null;
  /** The bar index whose marker has been written to the log (markers are written lazily, with the bar's first record). */
  private loggedBar = -1;
  private bar = -1;
  private orderCount = 0;
  private listCount = 0;
  /** Equity at each bar's close, slot i written once when bar i is marked. */
  private equityCurve: number[];
  private exposedBars = 0;
  private lastTime = NaN;

  constructor(
    books: readonly BookSpec[],
    private readonly settings: EngineSettings,
    private readonly clock: Clock,
    client: ExecutionClient,
    /** Bars expected, to size the equity curve (it grows past it). */
    capacity = 1024,
  ) {
    this.portfolio = new Portfolio(settings.initialCash);
    this.books = books.map((spec) => {
      const portfolio = this.portfolio;
      const book: Book = {
        symbol: spec.symbol, strategy: spec.strategy, history: spec.history, lastClose: NaN, open: [],
        ctx: { symbol: spec.symbol, history: spec.history, get position() { return portfolio.quantity(spec.symbol); } },
      };
      this.bySymbol.set(spec.symbol, book);
      this.histories.set(spec.symbol, spec.history);
      return book;
    });
    this.observers = settings.checks.filter((c) => c.observe !== undefined);
    this.equityCurve = doubleArray(Math.max(1, capacity));
    this.attach(client);
  }

  /** Talks to `client` from now on (a recovery replays against the journal, then attaches the live venue). */
  attach(client: ExecutionClient): void {
    this.unsubscribe?.();
    this.client = client;
    this.unsubscribe = client.subscribe((event) => this.onVenueEvent(event));
  }

  /** The venue commands go to now ("sim", "paper", "alpaca"). */
  get venueName(): string {
    return this.client.venue;
  }

  /** Journals every record from now on to `log` (null: none). */
  journalTo(log: EventLog | null): void {
    this.log = log;
  }

  /** Bars begun so far. */
  get barsDone(): number {
    return this.bar + 1;
  }

  /** Index of the bar being processed (-1 before the first). */
  get barIndex(): number {
    return this.bar;
  }

  /**
   * Equity at each bar's close so far. Once every slot the engine was sized
   * for is filled (a backtest at its end) this is the curve itself, which
   * the report then keeps without copying a million values: no slot is
   * written twice and growing makes a new array, so it never changes again.
   * Before that, a copy.
   */
  get equity(): readonly number[] {
    const n = this.bar + 1;
    return n === this.equityCurve.length ? this.equityCurve : this.equityCurve.slice(0, n);
  }

  get exposedCount(): number {
    return this.exposedBars;
  }

  get symbols(): SymbolId[] {
    return this.books.map((b) => b.symbol);
  }

  /** Every order the engine has made, with its state. */
  get orderStates(): OrderState[] {
    return [...this.orders.values()];
  }

  orderState(id: string): OrderState | undefined {
    return this.orders.get(id);
  }

  /** Orders still working, per symbol in the order they were sent. */
  get openOrders(): Order[] {
    return this.books.flatMap((b) => b.open.map((id) => this.orders.get(id)!.order));
  }

  lastClose(symbol: SymbolId): number {
    return this.bySymbol.get(symbol)?.lastClose ?? NaN;
  }

  /**
   * Bars from before the run (a live session's warm-up): each strategy sees
   * them in its history and updates its state, and what it signals is
   * dropped, since those moments are past. Equity, orders and the bar
   * count are untouched.
   */
  warmUp(slice: readonly BarUpdate[]): void {
    for (const s of slice) {
      const b = this.book(s.symbol);
      b.lastClose = s.bar.close;
      b.history.push(s.bar);
      b.strategy?.onBar(s.bar, b.ctx);
    }
  }

  /** Step 1: a new moment begins; the venue sees these bars next. */
  beginBars(slice: readonly BarUpdate[]): void {
    this.bar++;
    if (this.bar === this.equityCurve.length) {
      // Into a new array, never in place: a full curve handed out by `equity` stays as it was.
      const old = this.equityCurve;
      const grown = doubleArray(old.length * 2);
      for (let k = 0; k < old.length; k++) grown[k] = old[k];
      this.equityCurve = grown;
    }
    const { onEvent } = this.settings;
    if (onEvent) for (const s of slice) onEvent({ type: "bar", symbol: s.symbol, bar: s.bar });
  }

  /** Step 2: marks equity at the closes, then lets each strategy decide on them (a book strategy after the symbols'); rebalances on schedule. */
  onBars(slice: readonly BarUpdate[]): void {
    const i = this.bar;
    let equity = this.portfolio.cashValue;
    let exposed = false;
    for (let k = 0; k < slice.length; k++) {
      const s = slice[k];
      const b = slice.length === this.books.length && this.books[k].symbol === s.symbol ? this.books[k] : this.book(s.symbol);
      b.lastClose = s.bar.close;
      b.history.push(s.bar);
      const q = this.portfolio.quantity(b.symbol);
      if (q !== 0) {
        exposed = true;
        equity += q * b.lastClose;
      }
    }
    // A symbol without a bar at this moment is marked at its last close.
    if (slice.length !== this.books.length) {
      for (const b of this.books) {
        if (slice.some((s) => s.symbol === b.symbol)) continue;
        const q = this.portfolio.quantity(b.symbol);
        if (q !== 0 && !Number.isNaN(b.lastClose)) {
          exposed = true;
          equity += q * b.lastClose;
        }
      }
    }
    if (exposed) this.exposedBars++;
    this.equityCurve[i] = equity;
    this.lastTime = slice.length > 0 ? slice[0].bar.time : this.lastTime;
    for (const o of this.observers) o.observe!(this.lastTime, equity);
    for (let k = 0; k < slice.length; k++) {
      const s = slice[k];
      const b = slice.length === this.books.length && this.books[k].symbol === s.symbol ? this.books[k] : this.book(s.symbol);
      if (b.strategy === null) continue;
      const signal = b.strategy.onBar(s.bar, b.ctx);
      if (signal === null) continue;
      this.settings.onEvent?.({ type: "signal", signal });
      this.act(b, signal);
    }
    const { book, rebalance: schedule, positionFraction } = this.settings;
    if (book) {
      const targets = book.onBars({ time: this.lastTime, histories: this.histories });
      if (targets !== null) {
        const scaled = Object.fromEntries(Object.entries(targets.weights).map(([s, w]) => [s, w * positionFraction]));
        this.moveTo(scaled, targets.reason, 0);
      }
    }
    if (schedule && i % schedule.every === 0) {
      const targets = schedule.weights(this.histories);
      if (targets !== null) this.moveTo(targets, "rebalance", schedule.minTradeValue ?? 0);
    }
  }

  /**
   * Step 3: journals the bar's commands durably, then sends them. Returns a
   * promise only when the client's commands are asynchronous (a remote
   * broker); a command that fails leaves its order as it is for
   * reconciliation to settle, and the error goes to `onError`.
   */
  flush(onError: (err: unknown) => void = rethrow): void | Promise<void> {
    if (this.outbox.length === 0) return;
    if (this.log) {
      this.append({ k: "sent", i: this.bar });
      this.log.commit();
    }
    const commands = this.outbox;
    this.outbox = [];
    for (let n = 0; n < commands.length; n++) {
      const pending = this.send(commands[n]);
      if (pending) return this.flushAsync(pending, commands.slice(n + 1), onError);
    }
  }

  private async flushAsync(first: Promise<void>, rest: Command[], onError: (err: unknown) => void): Promise<void> {
    try { await first; } catch (e) { onError(e); }
    for (const c of rest) {
      try { await this.send(c); } catch (e) { onError(e); }
    }
  }

  private send(c: Command): void | Promise<void> {
    if (c.kind === "submit") return this.client.submit(c.order);
    const state = this.orders.get(c.orderId);
    // Ended meanwhile (an order-list sibling filled): nothing to cancel.
    if (state === undefined || isTerminal(state)) return;
    return this.client.cancel(c.orderId);
  }

  /** Commands decided but not yet sent. */
  get pendingCommands(): number {
    return this.outbox.length;
  }

  /** Of those, how many are new orders (the rest are cancels). */
  get pendingOrders(): number {
    let n = 0;
    for (const c of this.outbox) if (c.kind === "submit") n++;
    return n;
  }

  /** Writes a marker to the journal (after the current bar's marker, as every record). */
  note(record: JournalRecord): void {
    if (this.log) this.append(record);
  }

  /** Asks the venue again for what may not have reached it: orders never acknowledged, cancels not yet done (after a restart). */
  resend(orderId: string, what: "submit" | "cancel"): void {
    const state = this.orders.get(orderId);
    if (!state) throw new ExecutionError(`no order ${orderId} to resend`);
    this.outbox.push(what === "submit" ? { kind: "submit", order: state.order } : { kind: "cancel", orderId });
  }

  /**
   * A venue event: journaled, applied to the order's state, then acted on
   * (fills update the portfolio and may re-place the exits). Events already
   * seen (a fill's trade id, a repeated ending) are dropped, which makes
   * re-delivery after a reconnect or a restart harmless.
   */
  onVenueEvent(event: VenueEvent): void {
    const state = this.orders.get(event.orderId);
    if (state === undefined) return; // not ours (placed outside this engine)
    if (event.type === "partiallyFilled" || event.type === "filled") {
      if (this.seenTrades.has(event.fill.tradeId)) return;
    } else if (isTerminal(state) && event.type !== "cancelRejected" && event.type !== "replaceRejected") {
      return;
    }
    this.record(event);
    const next = applyOrderEvent(state, event);
    this.orders.set(event.orderId, next);
    this.trackOpen(state, next);
    switch (event.type) {
      case "partiallyFilled":
      case "filled":
        this.seenTrades.add(event.fill.tradeId);
        this.booked(next.order, event.fill);
        break;
      case "cancelled":
        if (event.rule === "cashAtFill" && next.filledQuantity.gt(0)) {
          this.resize(next, event.time);
          break;
        }
        if (event.rule !== undefined) this.reject({ time: event.time, symbol: next.order.symbol, rule: event.rule, reason: event.reason ?? event.type });
        break;
      case "rejected":
        if (event.rule !== undefined) this.reject({ time: event.time, symbol: next.order.symbol, rule: event.rule, reason: event.reason ?? event.type });
        break;
    }
  }

  /**
   * A buy cash cut down at the fill, with the reason in figures: how far the
   * fill price (the open after a gap, plus slippage) lay above the close the
   * order was sized at. The symbol's last close is still the previous bar's
   * here: fills come before the bar's close is taken.
   */
  private resize(state: OrderState, time: number): void {
    const { order, filledQuantity: filled } = state;
    const price = state.filledNotional.div(filled);
    const lastClose = this.lastClose(order.symbol);
    const p = price.toNumber();
    const change = (p / lastClose - 1) * 100;
    const resized: ResizedOrder = {
      time, symbol: order.symbol, orderId: order.id, requested: order.quantity.toNumber(), filled: filled.toNumber(), price: p, lastClose,
      reason: `${order.side} ${order.quantity} sized at the last close ${lastClose.toFixed(2)} filled at ${price.toFixed(2)} ` +
        `(${change >= 0 ? "+" : ""}${change.toFixed(2)}%): cash covered ${filled}`,
    };
    this.resized.push(resized);
    this.settings.onEvent?.({ type: "resized", resized });
  }

  /** The fill is in the portfolio: trade records, and new exits when the position changed. */
  private booked(order: Order, fill: Fill): void {
    const b = this.book(fill.symbol);
    const before = this.portfolio.quantity(b.symbol);
    const realized = this.portfolio.apply(fill);
    this.fills.push(fill);
    this.settings.onEvent?.({ type: "fill", fill });
    this.trades.record(fill, before, toFloat(realized), this.bar, order.tag ?? order.type);
    const after = this.portfolio.quantity(b.symbol);
    if (after !== before) {
      this.cancelWhere(b, isExit);
      if (after !== 0 && order.orderListId === undefined) this.protect(b, after, this.portfolio.position(b.symbol).avgPrice);
    }
  }

  /**
   * Moves the symbol toward the signal's direction. A reversal is two
   * orders, the exit first, so a check that denies the new position (a
   * breaker, no shorting) still lets the old one close. An existing position
   * on the signal's side is left as it is.
   */
  private act(b: Book, signal: Signal): void {
    const current = this.portfolio.quantity(b.symbol);
    const want = signal.direction === "long" ? 1 : signal.direction === "short" ? -1 : 0;
    if (current !== 0 && Math.sign(current) === want) return;
    // Orders already on their way to this side (a remote broker has not filled them yet): the
    // signal is being acted on; cancelling and sending again would race their fills and overshoot.
    const working = this.workingEntries(b);
    if (working !== 0 && Math.sign(current + working) === want) return;
    this.cancelWhere(b, isEntry);
    if (current !== 0) {
      this.cancelWhere(b, isExit);
      this.submit(b, { symbol: b.symbol, side: current > 0 ? "sell" : "buy", quantity: Math.abs(current), tag: signal.reason });
    }
    const size = want === 0 ? 0 : this.openingSize(b, signal);
    if (size > 0) this.submit(b, { symbol: b.symbol, side: want > 0 ? "buy" : "sell", quantity: size, tag: signal.reason });
  }

  /** Signed quantity still to fill on the book's working entry orders (not protective exits, not those being cancelled). */
  private workingEntries(b: Book): number {
    let sum = 0;
    for (const id of b.open) {
      const state = this.orders.get(id)!;
      if (!isEntry(state.order) || state.status === "pendingCancel") continue;
      const left = toFloat(state.order.quantity.minus(state.filledQuantity));
      sum += state.order.side === "buy" ? left : -left;
    }
    return sum;
  }

  /** Units a new position takes: its fraction of equity (fixed or from the sizer, times the signal's sizeFactor) at the last close. */
  private openingSize(b: Book, signal: Signal): number {
    const { sizer, positionFraction } = this.settings;
    const base = sizer ? sizer.fraction(b.history, signal.direction) : positionFraction;
    const fraction = base * Math.min(1, Math.max(0, signal.sizeFactor ?? 1));
    return Math.max(0, Math.floor((this.currentEquity() * fraction) / b.lastClose));
  }

  /** Sends the orders that move the book to target weights, tagged with why (protective exits stay). */
  private moveTo(targets: Readonly<Record<SymbolId, number>>, tag: string, minTradeValue: number): void {
    for (const b of this.books) this.cancelWhere(b, isEntry);
    const positions: Record<SymbolId, number> = {};
    const prices: Record<SymbolId, number> = {};
    for (const b of this.books) {
      positions[b.symbol] = this.portfolio.quantity(b.symbol);
      prices[b.symbol] = b.lastClose;
    }
    const orders = rebalanceOrders({ positions, prices, targets, equity: this.currentEquity(), quantityStep: 1, minTradeValue });
    for (const req of orders) this.submit(this.book(req.symbol), { ...req, tag });
  }

  /** Places the stop-loss and take-profit exits of a position at its average entry: one order list, one cancels the other. */
  private protect(b: Book, quantity: number, entry: Decimal): void {
    const { stopLossPct, takeProfitPct } = this.settings;
    if (stopLossPct === undefined && takeProfitPct === undefined) return;
    const long = quantity > 0;
    const base = {
      symbol: b.symbol, side: long ? "sell" : "buy", quantity: Math.abs(quantity), timeInForce: "gtc", tag: PROTECTIVE,
      orderListId: `L${++this.listCount}`, reduceOnly: true,
    } as const;
    if (stopLossPct !== undefined) {
      const stopPrice = entry.times(long ? 1 - stopLossPct : 1 + stopLossPct).toDecimalPlaces(8);
      this.submit(b, { ...base, type: "stop", stopPrice });
    }
    if (takeProfitPct !== undefined) {
      const limitPrice = entry.times(long ? 1 + takeProfitPct : 1 - takeProfitPct).toDecimalPlaces(8);
      this.submit(b, { ...base, type: "limit", limitPrice });
    }
  }

  private currentEquity(): number {
    return this.portfolio.equity((symbol) => this.bySymbol.get(symbol)!.lastClose);
  }

  /** Creates an order, runs the pre-trade checks, and queues it for the venue unless one denies it. */
  private submit(b: Book, req: OrderRequest): Order | null {
    const time = this.clock.now();
    const order = createOrder(req, `o${++this.orderCount}`, time);
    const ctx = this.checkContext(b, time);
    for (const check of this.settings.checks) {
      const reason = check.check(order, ctx);
      if (reason !== null) {
        this.engineEvent({ type: "denied", orderId: order.id, time, order, rule: check.rule, reason });
        this.reject({ time, symbol: b.symbol, rule: check.rule, reason });
        return null;
      }
    }
    for (const check of this.settings.checks) check.accepted?.(order, ctx);
    this.engineEvent({ type: "submitted", orderId: order.id, time, order });
    this.outbox.push({ kind: "submit", order });
    this.settings.onEvent?.({ type: "order", order });
    return order;
  }

  /** Asks the venue to cancel the symbol's working orders that match; they stop counting as working at once. */
  private cancelWhere(b: Book, predicate: (o: Order) => boolean): void {
    if (b.open.length === 0) return;
    // A copy: each cancel takes its order off b.open.
    for (const id of b.open.slice()) {
      const state = this.orders.get(id)!;
      if (!predicate(state.order)) continue;
      this.engineEvent({ type: "pendingCancel", orderId: id, time: this.clock.now() });
      this.outbox.push({ kind: "cancel", orderId: id });
    }
  }

  /** An event the engine itself makes (submitted, denied, pendingCancel): journaled and applied like a venue's. */
  private engineEvent(event: OrderEvent): void {
    this.record(event);
    const before = event.type === "submitted" || event.type === "denied" ? initialOrderState(event.order, event.time) : this.orders.get(event.orderId)!;
    const next = applyOrderEvent(before, event);
    this.orders.set(event.orderId, next);
    this.trackOpen(event.type === "pendingCancel" ? before : null, next);
  }

  /** Keeps each book's list of working order ids in step with a status change. */
  private trackOpen(before: OrderState | null, after: OrderState): void {
    const was = before !== null && isWorking(before);
    const is = isWorking(after);
    if (was === is) return;
    const b = this.book(after.order.symbol);
    if (is) b.open.push(after.order.id);
    else {
      const at = b.open.indexOf(after.order.id);
      if (at >= 0) b.open.splice(at, 1);
    }
  }

  /**
   * What the checks see. Positions and exposures count the orders already
   * working (protective exits aside) as if filled, so a batch of orders is
   * checked as a whole; cash is buying power: the balance plus the proceeds
   * of working sells minus the cost of working buys.
   */
  private checkContext(b: Book, time: number): PreTradeContext {
    let gross = 0;
    let net = 0;
    let pending = 0;
    let position = 0;
    for (const other of this.books) {
      let quantity = this.portfolio.quantity(other.symbol);
      for (const id of other.open) {
        const s = this.orders.get(id)!;
        const o = s.order;
        if (o.orderListId !== undefined) continue;
        const q = toFloat(s.filledQuantity.isZero() ? o.quantity : o.quantity.minus(s.filledQuantity));
        pending += (o.side === "sell" ? 1 : -1) * q * (o.limitPrice ? toFloat(o.limitPrice) : other.lastClose);
        quantity += o.side === "buy" ? q : -q;
      }
      if (other === b) position = quantity;
      gross += Math.abs(quantity * other.lastClose);
      net += quantity * other.lastClose;
    }
    return {
      time, price: b.lastClose, cash: this.portfolio.cashValue + pending, position,
      equity: this.currentEquity(), grossExposure: gross, netExposure: net,
    };
  }

  private reject(rejection: Rejection): void {
    this.rejections.push(rejection);
    this.settings.onEvent?.({ type: "rejection", rejection });
  }

  private record(event: OrderEvent): void {
    if (this.log) this.append({ k: "ev", e: event });
  }

  /** Appends to the log, writing the current bar's marker first when this is the bar's first record. */
  private append(record: JournalRecord): void {
    if (this.loggedBar !== this.bar && this.bar >= 0) {
      this.loggedBar = this.bar;
      this.log!.append({ k: "bar", i: this.bar, t: this.clock.now() });
    }
    this.log!.append(record);
  }

  private book(symbol: SymbolId): Book {
    const b = this.bySymbol.get(symbol);
    if (!b) throw new ExecutionError(`no book for symbol ${symbol}`, { field: "symbol" });
    return b;
  }

  /** The state between bars: what a paper session and `nt trade` show. */
  snapshot(barsTotal: number): RunSnapshot {
    const i = Math.max(0, this.bar);
    return {
      time: this.lastTime,
      barsDone: this.bar + 1,
      barsTotal,
      cash: this.portfolio.cashBalance.toString(),
      equity: this.bar >= 0 ? this.equityCurve[i] : this.settings.initialCash,
      positions: this.portfolio.openPositions.map((p) => ({
        symbol: p.symbol, quantity: p.quantity.toString(), avgPrice: p.avgPrice.toString(),
        unrealizedPnl: unrealizedPnl(p, this.bySymbol.get(p.symbol)!.lastClose).toString(), realizedPnl: p.realizedPnl.toString(),
      })),
      openOrders: this.openOrders,
      fills: this.fills,
    };
  }
}

/** A position's stop-loss and take-profit (an order list); everything else is an entry or exit the strategy asked for. */
function isExit(o: Order): boolean {
  return o.orderListId !== undefined;
}

function isEntry(o: Order): boolean {
  return o.orderListId === undefined;
}

function rethrow(err: unknown): never {
  throw err;
}
