import type { VenueEvent } from "../../core/events.ts";
import { type Decimal, ZERO } from "../../core/money.ts";
import type { Fill } from "../../core/orders.ts";
import { decimalField, engineOrderId, optionalDecimal, timeField, type AlpacaOrderJson } from "./orders.ts";

const NOT_YET_WORKING = new Set(["accepted", "pending_new", "accepted_for_bidding"]);

/** One execution as the trade_updates stream reports it. */
export interface Execution {
  readonly id?: string;
  readonly price?: Decimal;
  readonly qty?: Decimal;
  readonly time?: number;
}

interface Tracked {
  readonly engineId: string;
  /** The Alpaca order that is the engine order now (a replace makes a new one). */
  alpacaId: string;
  accepted: boolean;
  ended: boolean;
  /** Filled quantity and notional the engine has been told of. */
  filled: Decimal;
  notional: Decimal;
  /** Filled quantity and notional of earlier Alpaca orders this one replaced. */
  baseFilled: Decimal;
  baseNotional: Decimal;
}

/**
 * Turns what Alpaca says about an order, whenever and however it says it
 * (the answer to a submit, a trade_updates event, a poll after a
 * reconnect), into the engine's order events, each exactly once. It keeps
 * what the engine has been told (accepted, filled quantity, ended) and
 * emits only the difference to each new snapshot, so an event heard twice
 * (the stream and a poll) or late (a partial fill after the poll that
 * already counted it) changes nothing, and fills missed while the stream
 * was down are made up from the order's filled quantity and average price.
 */
export class OrderTracker {
  private readonly byEngine = new Map<string, Tracked>();
  private readonly byAlpaca = new Map<string, Tracked>();

  constructor(private readonly emit: (event: VenueEvent) => void) {}

  /** The current Alpaca order id of an engine order, if known. */
  alpacaId(engineId: string): string | undefined {
    return this.byEngine.get(engineId)?.alpacaId;
  }

  /** Engine orders not yet ended, with their Alpaca ids (what to poll after a reconnect). */
  open(): Array<{ engineId: string; alpacaId: string }> {
    return [...this.byEngine.values()].filter((t) => !t.ended).map((t) => ({ engineId: t.engineId, alpacaId: t.alpacaId }));
  }

  isKnown(engineId: string): boolean {
    return this.byEngine.has(engineId);
  }

  /** Applies a snapshot of an Alpaca order, with the execution that caused it when the stream says. */
  apply(o: AlpacaOrderJson, exec: Execution = {}, reason?: string): void {
    const what = `Alpaca order ${o.id}`;
    const engineId = engineOrderId(o.client_order_id);
    let t = this.byAlpaca.get(o.id) ?? this.byEngine.get(engineId);
    if (!t) {
      t = { engineId, alpacaId: o.id, accepted: false, ended: false, filled: ZERO, notional: ZERO, baseFilled: ZERO, baseNotional: ZERO };
      this.byEngine.set(engineId, t);
      this.byAlpaca.set(o.id, t);
    }
    if (t.ended) return;
    const time = exec.time ?? (typeof o.updated_at === "string" ? timeField(o, "updated_at", what) : timeField(o, "created_at", what));

    if (o.id !== t.alpacaId) {
      // A snapshot of an order this one replaced is old news; the replacement is what counts.
      if (o.replaces !== t.alpacaId) return;
      t.baseFilled = t.filled;
      t.baseNotional = t.notional;
      t.alpacaId = o.id;
      this.byAlpaca.set(o.id, t);
      this.emit({
        type: "replaced", orderId: engineId, time,
        changes: { quantity: decimalField(o, "qty", what), limitPrice: optionalDecimal(o, "limit_price", what), stopPrice: optionalDecimal(o, "stop_price", what) },
      });
    }
    if (o.status === "replaced") return; // the replacement's own snapshot brings the news

    if (o.status === "rejected") {
      t.ended = true;
      this.emit({ type: "rejected", orderId: engineId, time, reason: reason ?? "rejected by Alpaca" });
      return;
    }
    // Alpaca's "accepted" and "pending_new" mean received but not yet routed: the order is not working yet.
    if (!t.accepted && !NOT_YET_WORKING.has(o.status)) {
      t.accepted = true;
      this.emit({ type: "accepted", orderId: engineId, time, venueOrderId: o.id });
    }

    const filledHere = decimalField(o, "filled_qty", what);
    const filled = t.baseFilled.plus(filledHere);
    if (filled.gt(t.filled)) {
      const quantity = filled.minus(t.filled);
      const avg = optionalDecimal(o, "filled_avg_price", what);
      // The stream's own price when this event is the whole difference; otherwise what the average implies.
      const price = exec.price && exec.qty?.eq(quantity) ? exec.price
        : avg ? t.baseNotional.plus(avg.times(filledHere)).minus(t.notional).div(quantity)
        : exec.price;
      if (!price) throw new Error(`${what}: filled_qty grew to ${filledHere} without a price or filled_avg_price`);
      const fill: Fill = {
        orderId: engineId, tradeId: exec.id ?? `${o.id}:${filledHere.toString()}`, symbol: o.symbol as string, side: o.side as Fill["side"],
        quantity, price, commission: ZERO, time,
      };
      t.filled = filled;
      t.notional = t.notional.plus(quantity.times(price));
      const done = o.status === "filled";
      if (done) t.ended = true;
      this.emit({ type: done ? "filled" : "partiallyFilled", orderId: engineId, time, fill });
      if (done) return;
    }
    if (o.status === "canceled") {
      t.ended = true;
      this.emit({ type: "cancelled", orderId: engineId, time, ...(reason ? { reason } : {}) });
    } else if (o.status === "expired") {
      t.ended = true;
      this.emit({ type: "expired", orderId: engineId, time });
    } else if (o.status === "filled" && !t.ended) {
      // Filled, yet no quantity we had not counted: the fill was reported before.
      t.ended = true;
    }
  }
}
