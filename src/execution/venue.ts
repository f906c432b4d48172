import type { Bar, Quote, SymbolId, Tick } from "../core/data.ts";
import type { OrderChanges, VenueEvent } from "../core/events.ts";
import { Decimal, ZERO } from "../core/money.ts";
import type { Fill, Order, OrderStatus } from "../core/orders.ts";
import { applyFill, flatPosition, type Position } from "../core/position.ts";
import type { AccountReport, ExecutionClient, OrderReport, PositionReport } from "./client.ts";
import { fillPrice, matchPriority, slips } from "./matching.ts";

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
interface VenueOrder {
  order: Order;
  status: OrderStatus;
  /** Venue time when it arrived: it matches only data stamped later. */
  receivedAt: number;
  /** A stop-limit whose stop has traded rests as a plain limit. */
  triggered: boolean;
  /** UTC day number of the first update it was live for (day orders last that day). */
  day: number;
  filled: Decimal;
  notional: Decimal;
  readonly fills: Fill[];
  updatedAt: number;
}

interface Execution {
  readonly w: VenueOrder;
  readonly bar: Bar;
  readonly price: Decimal;
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
  private readonly positionBook = new Map<SymbolId, Position>();
  private readonly listeners: ((event: VenueEvent) => void)[] = [];
  private cash: Decimal;
  private openCount = 0;
  private tradeCount = 0;
  /** Time of the latest market data: the venue's clock. */
  private clock = -Infinity;
  /** Reused for the one-symbol case so a bar costs no allocation. */
  private readonly one: { symbol: SymbolId; bar: Bar }[] = [{ symbol: "", bar: undefined as unknown as Bar }];

  constructor(options: VenueOptions) {
    this.costs = { slippageBps: options.slippageBps, commissionPerShare: options.commissionPerShare, commissionPerOrder: options.commissionPerOrder };
    this.maxParticipation = options.maxParticipation;
    this.cash = new Decimal(options.initialCash);
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
      order, status: "accepted", receivedAt: this.clock, triggered: false, day: NaN, filled: ZERO, notional: ZERO, fills: [], updatedAt: this.clock,
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
    if (!w) return this.emit({ type: "cancelRejected", orderId, time: this.clock, reason: `no order ${orderId} at ${this.venue}` });
    if (!isOpen(w)) return this.emit({ type: "cancelRejected", orderId, time: this.clock, reason: `order ${orderId} is already ${w.status}` });
    this.close(w, "cancelled");
    this.emit({ type: "cancelled", orderId, time: this.clock });
  }

  replace(orderId: string, changes: OrderChanges): void {
    const w = this.orders.get(orderId);
    const refuse = (reason: string) => this.emit({ type: "replaceRejected", orderId, time: this.clock, reason });
    if (!w || !isOpen(w)) return refuse(w ? `order ${orderId} is already ${w.status}` : `no order ${orderId} at ${this.venue}`);
    if (changes.quantity !== undefined && changes.quantity.lte(w.filled)) return refuse(`quantity ${changes.quantity} is not above the ${w.filled} already filled`);
    if (changes.limitPrice !== undefined && w.order.limitPrice === undefined) return refuse(`a ${w.order.type} order has no limit price`);
    if (changes.stopPrice !== undefined && w.order.stopPrice === undefined) return refuse(`a ${w.order.type} order has no stop price`);
    w.order = Object.freeze({ ...w.order, ...changes });
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
    return [...this.positionBook.values()].filter((p) => !p.quantity.isZero()).map((p) => ({ symbol: p.symbol, quantity: p.quantity, avgPrice: p.avgPrice }));
  }

  /** Signed quantity held in `symbol`. */
  position(symbol: SymbolId): Decimal {
    return this.positionBook.get(symbol)?.quantity ?? ZERO;
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
      const keep: VenueOrder[] = [];
      for (const w of list) {
        if (w.receivedAt >= bar.time) { keep.push(w); continue; }
        const tif = w.order.timeInForce;
        if (tif === "day") {
          if (Number.isNaN(w.day)) w.day = today;
          else if (today !== w.day) { this.expire(w, bar.time); continue; }
        }
        const b = sideBar ? sideBar(w.order) : bar;
        const price = fillPrice(w.order, b, w);
        if (price !== null) {
          executions.push({ w, bar: b, price: this.withSlippage(w.order, price) });
          keep.push(w);
        } else if (tif === "ioc" || tif === "fok") this.expire(w, bar.time);
        else keep.push(w);
      }
      this.working.set(symbol, keep);
    }
    if (executions.length > 1) executions.sort((a, b) => matchPriority(a.w.order) - matchPriority(b.w.order));
    const used = this.maxParticipation === undefined ? null : new Map<SymbolId, number>();
    for (const ex of executions) this.execute(ex, used);
  }

  private execute({ w, bar, price }: Execution, used: Map<SymbolId, number> | null): void {
    if (!isOpen(w)) return; // an order-list sibling filled earlier in this pass
    const { order } = w;
    const before = this.position(order.symbol);
    let quantity = order.quantity.minus(w.filled);
    if (order.reduceOnly) {
      const reduces = !before.isZero() && (order.side === "sell") === before.isPos();
      if (!reduces) return this.cancelBy(w, bar.time, "reduce-only order with no position left to reduce");
      quantity = Decimal.min(quantity, before.abs());
    }
    if (used) {
      const room = Math.max(0, Math.floor(bar.volume * this.maxParticipation!) - (used.get(order.symbol) ?? 0));
      if (new Decimal(room).lt(quantity)) {
        if (order.timeInForce === "fok") return this.expire(w, bar.time);
        if (room === 0) return this.restOrEnd(w, bar.time);
        quantity = new Decimal(room);
      }
    }
    const affordable = this.affordable(order, price, before, quantity, w.fills.length === 0);
    if (affordable.isZero() || (order.timeInForce === "fok" && !affordable.eq(order.quantity))) {
      return this.rejectAtFill(w, bar.time, `order ${order.id} (${order.side} ${order.quantity} @ ${price.toFixed(4)}) exceeds cash at fill`);
    }
    const fill: Fill = {
      orderId: order.id, tradeId: `${this.venue}-${++this.tradeCount}`, symbol: order.symbol, side: order.side, quantity: affordable, price,
      commission: this.commission(affordable, w.fills.length === 0), time: bar.time,
    };
    this.book(w, fill);
    if (used) used.set(order.symbol, (used.get(order.symbol) ?? 0) + affordable.toNumber());
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
  private affordable(order: Order, price: Decimal, before: Decimal, quantity: Decimal, firstFill: boolean): Decimal {
    if (order.side === "sell") return quantity;
    const covering = Math.max(0, -before.toNumber());
    const opening = quantity.minus(covering);
    if (opening.lte(0)) return quantity;
    const unitCost = price.plus(this.costs.commissionPerShare);
    const cash = this.cash.minus(unitCost.times(covering)).minus(firstFill ? this.costs.commissionPerOrder : 0);
    const maxOpening = Decimal.max(0, cash.div(unitCost).floor());
    return Decimal.min(quantity, maxOpening.plus(covering));
  }

  commission(quantity: Decimal, firstFill = true): Decimal {
    return quantity.times(this.costs.commissionPerShare).plus(firstFill ? this.costs.commissionPerOrder : 0);
  }

  private withSlippage(order: Order, price: number): Decimal {
    const p = new Decimal(price);
    if (!slips(order) || this.costs.slippageBps === 0) return p;
    const factor = new Decimal(this.costs.slippageBps).div(10_000);
    return order.side === "buy" ? p.times(factor.plus(1)) : p.times(new Decimal(1).minus(factor));
  }

  private book(w: VenueOrder, fill: Fill): void {
    const { position } = applyFill(this.positionBook.get(fill.symbol) ?? flatPosition(fill.symbol), fill);
    this.positionBook.set(fill.symbol, position);
    const notional = fill.price.times(fill.quantity);
    this.cash = (fill.side === "buy" ? this.cash.minus(notional) : this.cash.plus(notional)).minus(fill.commission);
    w.fills.push(fill);
    w.filled = w.filled.plus(fill.quantity);
    w.notional = w.notional.plus(notional);
    w.status = "partiallyFilled";
    w.updatedAt = fill.time;
  }

  private cancelSiblings(w: VenueOrder, time: number): void {
    for (const other of this.working.get(w.order.symbol) ?? []) {
      if (other !== w && isOpen(other) && other.order.orderListId === w.order.orderListId) {
        this.cancelBy(other, time, `order list ${w.order.orderListId}: ${w.order.id} filled`);
      }
    }
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
    const list = this.working.get(w.order.symbol);
    if (list) this.working.set(w.order.symbol, list.filter((o) => o !== w));
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
    order: w.order, status: w.status, filledQuantity: w.filled, avgFillPrice: w.filled.isZero() ? null : w.notional.div(w.filled),
    fills: [...w.fills], venueOrderId: w.order.id, updatedAt: w.updatedAt,
  };
}
