import type { Bar, Quote, SymbolId, Tick } from "../core/data.ts";
import type { OrderChanges, VenueEvent } from "../core/events.ts";
import { Decimal, toFloat, ZERO } from "../core/money.ts";
import { notionalOf, type Fill, type Order, type OrderStatus } from "../core/orders.ts";
import { applyFill, flatPosition, type Position } from "../core/position.ts";
import type { AccountReport, ExecutionClient, OrderReport, PositionReport } from "./client.ts";
import { fillPrice, matchPriority, slips, type Resting } from "./matching.ts";

/** Trading costs of the simulated venue. */
export interface CostModel {
  /** Adverse price move on market and triggered stop fills, in basis points. */
  readonly slippageBps: number;
  readonly commissionPerShare: number;
  /** Charged once per order, on its first fill. */
  readonly commissionPerOrder: number;
}

export interface VenueOptions extends CostModel {
  readonly initialCash: Decimal.Value;
  /**
   * At most this fraction of a bar's volume (of a quote's size, a trade's
   * size) fills per symbol per update; the rest of an order waits for the
   * next update (IOC: is cancelled; FOK: expires). Off (undefined) by
   * default, so backtests fill whole orders.
   */
  readonly maxParticipation?: number;
  /** Name in reports and trade ids (default "sim"). */
  readonly name?: string;
}

/** One order as the venue works it. */
interface VenueOrder extends Resting {
  order: Order;
  limit: number;
  stop: number;
  status: OrderStatus;
  /** Venue time when it arrived: it matches only data stamped later. */
  receivedAt: number;
  /** A stop-limit whose stop has traded rests as a plain limit. */
  triggered: boolean;
  /** UTC day number of the first update it was live for (day orders last that day). */
  day: number;
  filled: Decimal;
  readonly fills: Fill[];
  updatedAt: number;
}

interface Execution {
  readonly w: VenueOrder;
  readonly bar: Bar;
  readonly price: Decimal;
  /** The same price as a float (for the quick cash check). */
  readonly approx: number;
}

const MS_PER_DAY = 86_400_000;

/**
 * A simulated venue keyed by time: market data (bars, trades, quotes) moves
 * its clock, and an order matches only data stamped after it arrived, so an
 * order sent on bar t's close is live from bar t+1. It keeps the account
 * (cash and positions) the way a broker does, which lets it cap a buy to
 * the cash at the fill price (the rest is cancelled, rule cashAtFill).
 *
 * Within one update, sells fill before buys (their cash pays for the buys)
 * across every symbol given together, and a stop before a limit on the same
 * side. Orders sharing an order-list id are one-cancels-other; a
 * reduce-only order fills only while the position it reduces is there, and
 * never beyond it. Day orders last through the UTC day of their first live
 * update; IOC and FOK get only the open of their first live bar.
 *
 * It implements ExecutionClient synchronously: every event is delivered
 * from inside the call that caused it. Backtests use it directly; the paper
 * exchange wraps it with live data and a journal.
 */
export class SimulatedVenue implements ExecutionClient {
  readonly venue: string;
  private readonly costs: CostModel;
  private readonly maxParticipation: number | undefined;
  private readonly orders = new Map<string, VenueOrder>();
  private readonly working = new Map<SymbolId, VenueOrder[]>();
  /** Signed quantity per symbol: what matching needs on every fill (reduce-only, cash caps). */
  private readonly held = new Map<SymbolId, Decimal>();
  /** Fills per symbol, for the average price of position reports (rare), so a fill pays for no division. */
  private readonly fillsBySymbol = new Map<SymbolId, Fill[]>();
  /** Costs as Decimals, and the slippage factors, made once rather than on every fill (same values, same results). */
  private readonly perShare: Decimal;
  private readonly perOrder: Decimal;
  private readonly slipUp: Decimal;
  private readonly slipDown: Decimal;
  private readonly upFloat: number;
  private readonly downFloat: number;
  private readonly listeners: ((event: VenueEvent) => void)[] = [];
  private cash: Decimal;
  private cashFloat: number;
  private openCount = 0;
  private tradeCount = 0;
  /** Time of the latest market data: the venue's clock. */
  private clock = -Infinity;
  /** Reused for the one-symbol case so a bar costs no allocation. */
  private readonly one: { symbol: SymbolId; bar: Bar }[] = [{ symbol: "", bar: undefined as unknown as Bar }];

  constructor(options: VenueOptions) {
    this.costs = { slippageBps: options.slippageBps, commissionPerShare: options.commissionPerShare, commissionPerOrder: options.commissionPerOrder };
    this.perShare = new Decimal(options.commissionPerShare);
    this.perOrder = new Decimal(options.commissionPerOrder);
    const factor = new Decimal(options.slippageBps).div(10_000);
    this.slipUp = factor.plus(1);
    this.slipDown = new Decimal(1).minus(factor);
    this.upFloat = toFloat(this.slipUp);
    this.downFloat = toFloat(this.slipDown);
    this.maxParticipation = options.maxParticipation;
    this.cash = new Decimal(options.initialCash);
    this.cashFloat = toFloat(this.cash);
    this.venue = options.name ?? "sim";
  }

  /** Epoch ms of the latest market data seen (-Infinity before any). */
  get now(): number {
    return this.clock;
  }

  get cashBalance(): Decimal {
    return this.cash;
  }

  /** Orders still working, in arrival order per symbol. */
  get openOrderList(): Order[] {
    const out: Order[] = [];
    for (const list of this.working.values()) for (const w of list) out.push(w.order);
    return out;
  }

  subscribe(listener: (event: VenueEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  submit(order: Order): void {
    if (this.orders.has(order.id)) return; // idempotent on the client order id
    const w: VenueOrder = {
      order, limit: order.limitPrice ? toFloat(order.limitPrice) : NaN, stop: order.stopPrice ? toFloat(order.stopPrice) : NaN,
      status: "accepted", receivedAt: this.clock, triggered: false, day: NaN, filled: ZERO, fills: [], updatedAt: this.clock,
    };
    this.orders.set(order.id, w);
    let list = this.working.get(order.symbol);
    if (!list) this.working.set(order.symbol, (list = []));
    list.push(w);
    this.openCount++;
    this.emit({ type: "accepted", orderId: order.id, time: this.clock, venueOrderId: order.id });
  }

  cancel(orderId: string): void {
    const w = this.orders.get(orderId);
    if (!w) {
      this.emit({ type: "cancelRejected", orderId, time: this.clock, reason: `no order ${orderId} at ${this.venue}` });
      return;
    }
    if (!isOpen(w)) {
      this.emit({ type: "cancelRejected", orderId, time: this.clock, reason: `order ${orderId} is already ${w.status}` });
      return;
    }
    this.close(w, "cancelled");
    this.emit({ type: "cancelled", orderId, time: this.clock });
  }

  replace(orderId: string, changes: OrderChanges): void {
    const w = this.orders.get(orderId);
    const refuse = (reason: string) => this.emit({ type: "replaceRejected", orderId, time: this.clock, reason });
    if (!w || !isOpen(w)) {
      refuse(w ? `order ${orderId} is already ${w.status}` : `no order ${orderId} at ${this.venue}`);
      return;
    }
    if (changes.quantity?.lte(w.filled)) {
      refuse(`quantity ${changes.quantity} is not above the ${w.filled} already filled`);
      return;
    }
    if (changes.limitPrice !== undefined && w.order.limitPrice === undefined) {
      refuse(`a ${w.order.type} order has no limit price`);
      return;
    }
    if (changes.stopPrice !== undefined && w.order.stopPrice === undefined) {
      refuse(`a ${w.order.type} order has no stop price`);
      return;
    }
    w.order = Object.freeze({ ...w.order, ...changes });
    w.limit = w.order.limitPrice ? toFloat(w.order.limitPrice) : NaN;
    w.stop = w.order.stopPrice ? toFloat(w.order.stopPrice) : NaN;
    // A changed order queues again, as at most venues: live from the next update.
    w.receivedAt = this.clock;
    w.updatedAt = this.clock;
    this.emit({ type: "replaced", orderId, time: this.clock, changes });
  }

  async openOrders(): Promise<readonly OrderReport[]> {
    return [...this.orders.values()].filter(isOpen).map(report);
  }

  async order(orderId: string): Promise<OrderReport | null> {
    const w = this.orders.get(orderId);
    return w ? report(w) : null;
  }

  async positions(): Promise<readonly PositionReport[]> {
    return this.positionList();
  }

  async account(): Promise<AccountReport> {
    return { cash: this.cash };
  }

  /** The non-flat positions now (synchronous, for the paper exchange and tests). */
  positionList(): PositionReport[] {
    const out: PositionReport[] = [];
    for (const [symbol, quantity] of this.held) {
      if (quantity.isZero()) continue;
      let p: Position = flatPosition(symbol);
      for (const f of this.fillsBySymbol.get(symbol)!) p = applyFill(p, f).position;
      out.push({ symbol, quantity, avgPrice: p.avgPrice });
    }
    return out;
  }

  /** Whether an order with this client order id ever reached the venue. */
  knows(orderId: string): boolean {
    return this.orders.has(orderId);
  }

  /** Signed quantity held in `symbol`. */
  position(symbol: SymbolId): Decimal {
    return this.held.get(symbol) ?? ZERO;
  }

  /** One symbol's bar: matches its orders, then moves the clock to the bar's time. */
  onBar(symbol: SymbolId, bar: Bar): void {
    if (this.openCount === 0) {
      if (bar.time > this.clock) this.clock = bar.time;
      return;
    }
    const one = this.one;
    one[0].symbol = symbol;
    one[0].bar = bar;
    this.onBars(one);
  }

  /**
   * Bars of several symbols that close at the same time, matched in one
   * pass (in the order given) so sells of one symbol pay for buys of another.
   */
  onBars(slice: readonly { readonly symbol: SymbolId; readonly bar: Bar }[]): void {
    let time = this.clock;
    for (const s of slice) if (s.bar.time > time) time = s.bar.time;
    if (this.openCount > 0) this.match(slice, null);
    this.clock = time;
  }

  /** A trade print: a bar at its price and size. */
  onTrade(tick: Tick): void {
    this.onBar(tick.symbol, { time: tick.time, open: tick.price, high: tick.price, low: tick.price, close: tick.price, volume: tick.size });
  }

  /** A quote: buys match at the ask, sells at the bid. */
  onQuote(quote: Quote): void {
    if (this.openCount > 0) {
      const at = (price: number, size: number): Bar => ({ time: quote.time, open: price, high: price, low: price, close: price, volume: size });
      const ask = at(quote.askPrice, quote.askSize);
      const bid = at(quote.bidPrice, quote.bidSize);
      this.match([{ symbol: quote.symbol, bar: ask }], (o) => (o.side === "buy" ? ask : bid));
    }
    if (quote.time > this.clock) this.clock = quote.time;
  }

  private match(slice: readonly { readonly symbol: SymbolId; readonly bar: Bar }[], sideBar: ((o: Order) => Bar) | null): void {
    const executions: Execution[] = [];
    for (const { symbol, bar } of slice) {
      const list = this.working.get(symbol);
      if (!list || list.length === 0) continue;
      const today = Math.floor(bar.time / MS_PER_DAY);
      // The symbol's list from here on: the orders still working after this bar (an order that ends below is not added).
      const keep: VenueOrder[] = [];
      this.working.set(symbol, keep);
      for (const w of list) {
        if (w.receivedAt >= bar.time) { keep.push(w); continue; }
        const tif = w.order.timeInForce;
        if (tif === "day") {
          if (Number.isNaN(w.day)) w.day = today;
          else if (today !== w.day) { this.expire(w, bar.time); continue; }
        }
        const b = sideBar ? sideBar(w.order) : bar;
        const price = fillPrice(w, b);
        if (price !== null) {
          const slipped = this.withSlippage(w.order, price);
          executions.push({ w, bar: b, price: slipped, approx: slips(w.order) ? price * (w.order.side === "buy" ? this.upFloat : this.downFloat) : price });
          keep.push(w);
        } else if (tif === "ioc" || tif === "fok") this.expire(w, bar.time);
        else keep.push(w);
      }
    }
    if (executions.length > 1) executions.sort((a, b) => matchPriority(a.w.order) - matchPriority(b.w.order));
    const used = this.maxParticipation === undefined ? null : new Map<SymbolId, number>();
    for (const ex of executions) this.execute(ex, used);
  }

  private execute({ w, bar, price, approx }: Execution, used: Map<SymbolId, number> | null): void {
    if (!isOpen(w)) return; // an order-list sibling filled earlier in this pass
    const { order } = w;
    const before = this.position(order.symbol);
    let quantity = w.fills.length === 0 ? order.quantity : order.quantity.minus(w.filled);
    if (order.reduceOnly) {
      const reduces = !before.isZero() && (order.side === "sell") === before.isPos();
      if (!reduces) {
        this.cancelBy(w, bar.time, "reduce-only order with no position left to reduce");
        return;
      }
      quantity = Decimal.min(quantity, before.abs());
    }
    if (used) {
      const room = Math.max(0, Math.floor(bar.volume * this.maxParticipation!) - (used.get(order.symbol) ?? 0));
      if (new Decimal(room).lt(quantity)) {
        if (order.timeInForce === "fok") {
          this.expire(w, bar.time);
          return;
        }
        if (room === 0) {
          this.restOrEnd(w, bar.time);
          return;
        }
        quantity = new Decimal(room);
      }
    }
    const affordable = this.affordable(order, price, approx, before, quantity, w.fills.length === 0);
    if (affordable.isZero() || (order.timeInForce === "fok" && !affordable.eq(order.quantity))) {
      this.rejectAtFill(w, bar.time, `order ${order.id} (${order.side} ${order.quantity} @ ${price.toFixed(4)}) exceeds cash at fill`);
      return;
    }
    const fill: Fill = {
      orderId: order.id, tradeId: `${this.venue}-${++this.tradeCount}`, symbol: order.symbol, side: order.side, quantity: affordable, price,
      commission: this.commission(affordable, w.fills.length === 0), time: bar.time,
    };
    this.book(w, fill);
    if (used) used.set(order.symbol, (used.get(order.symbol) ?? 0) + toFloat(affordable));
    const done = w.filled.eq(order.quantity);
    if (done) this.close(w, "filled");
    this.emit({ type: done ? "filled" : "partiallyFilled", orderId: order.id, time: bar.time, fill });
    if (order.orderListId !== undefined) this.cancelSiblings(w, bar.time);
    if (done) return;
    if (order.reduceOnly && this.position(order.symbol).isZero()) {
      this.cancelBy(w, bar.time, "reduce-only order: the position it reduced is closed");
    } else if (affordable.lt(quantity)) {
      this.cancelBy(w, bar.time, `order ${order.id} filled ${affordable} of ${order.quantity} @ ${price.toFixed(4)}: cash covered no more`, "cashAtFill");
    } else if (order.timeInForce === "ioc" || order.timeInForce === "fok") {
      this.cancelBy(w, bar.time, "immediate-or-cancel: the rest found no volume");
    }
  }

  /** The part of `quantity` cash can pay for at `price`; sells and the covering part of a buy are never capped. */
  private affordable(order: Order, price: Decimal, approx: number, before: Decimal, quantity: Decimal, firstFill: boolean): Decimal {
    if (order.side === "sell") return quantity;
    // Whole units, nothing to cover, and clearly affordable (by a margin far beyond float error):
    // the exact sum below would give the whole quantity too.
    const q = toFloat(quantity);
    if (!before.isNeg() && Number.isInteger(q)) {
      if (Number.isNaN(this.cashFloat)) this.cashFloat = toFloat(this.cash);
      const cost = (approx + this.costs.commissionPerShare) * q + (firstFill ? this.costs.commissionPerOrder : 0);
      if (cost * (1 + 1e-9) + 1e-6 < this.cashFloat) return quantity;
    }
    const covering = Math.max(0, -toFloat(before));
    const opening = quantity.minus(covering);
    if (opening.lte(0)) return quantity;
    const unitCost = price.plus(this.perShare);
    const cash = this.cash.minus(unitCost.times(covering)).minus(firstFill ? this.perOrder : ZERO);
    const maxOpening = Decimal.max(0, cash.div(unitCost).floor());
    return Decimal.min(quantity, maxOpening.plus(covering));
  }

  commission(quantity: Decimal, firstFill = true): Decimal {
    const perShare = quantity.times(this.perShare);
    // Adding a zero changes no value: skip it (the usual case), a Decimal operation saved per fill.
    return firstFill && !this.perOrder.isZero() ? perShare.plus(this.perOrder) : perShare;
  }

  private withSlippage(order: Order, price: number): Decimal {
    const p = new Decimal(price);
    if (!slips(order) || this.costs.slippageBps === 0) return p;
    return p.times(order.side === "buy" ? this.slipUp : this.slipDown);
  }

  private book(w: VenueOrder, fill: Fill): void {
    const q = this.held.get(fill.symbol) ?? ZERO;
    this.held.set(fill.symbol, fill.side === "buy" ? q.plus(fill.quantity) : q.minus(fill.quantity));
    let list = this.fillsBySymbol.get(fill.symbol);
    if (!list) this.fillsBySymbol.set(fill.symbol, (list = []));
    list.push(fill);
    const notional = notionalOf(fill);
    this.cash = (fill.side === "buy" ? this.cash.minus(notional) : this.cash.plus(notional)).minus(fill.commission);
    this.cashFloat = NaN; // converted when a buy next needs it
    w.fills.push(fill);
    w.filled = w.fills.length === 1 ? fill.quantity : w.filled.plus(fill.quantity);
    w.status = "partiallyFilled";
    w.updatedAt = fill.time;
  }

  private cancelSiblings(w: VenueOrder, time: number): void {
    // Collected first: each cancel takes its order off the list being read.
    const siblings = (this.working.get(w.order.symbol) ?? []).filter((o) => o !== w && isOpen(o) && o.order.orderListId === w.order.orderListId);
    for (const other of siblings) this.cancelBy(other, time, `order list ${w.order.orderListId}: ${w.order.id} filled`);
  }

  /** A market order whose bar had no volume left waits for the next; an IOC ends. */
  private restOrEnd(w: VenueOrder, time: number): void {
    if (w.order.timeInForce === "ioc") this.cancelBy(w, time, "immediate-or-cancel: no volume left");
  }

  private cancelBy(w: VenueOrder, time: number, reason: string, rule?: string): void {
    this.close(w, "cancelled", time);
    this.emit({ type: "cancelled", orderId: w.order.id, time, reason, ...(rule ? { rule } : {}) });
  }

  private rejectAtFill(w: VenueOrder, time: number, reason: string): void {
    this.close(w, "rejected", time);
    this.emit({ type: "rejected", orderId: w.order.id, time, reason, rule: "cashAtFill" });
  }

  private expire(w: VenueOrder, time: number): void {
    this.close(w, "expired", time);
    this.emit({ type: "expired", orderId: w.order.id, time });
  }

  /** Ends an order and takes it off its symbol's working list. */
  private close(w: VenueOrder, status: OrderStatus, time = this.clock): void {
    if (!isOpen(w)) return;
    w.status = status;
    w.updatedAt = time;
    this.openCount--;
    // In place: a fill or a cancel should not copy the symbol's list.
    const list = this.working.get(w.order.symbol);
    const at = list ? list.indexOf(w) : -1;
    if (at >= 0) list!.splice(at, 1);
  }

  private emit(event: VenueEvent): void {
    for (const l of this.listeners) l(event);
  }
}

function isOpen(w: VenueOrder): boolean {
  return w.status === "accepted" || w.status === "partiallyFilled";
}

function report(w: VenueOrder): OrderReport {
  return {
    order: w.order, status: w.status, filledQuantity: w.filled,
    avgFillPrice: w.filled.isZero() ? null : w.fills.reduce((sum, f) => sum.plus(f.price.times(f.quantity)), ZERO).div(w.filled),
    fills: [...w.fills], venueOrderId: w.order.id, updatedAt: w.updatedAt,
  };
}
