import type { Decimal } from "./money.ts";
import type { Fill, Order } from "./orders.ts";

/**
 * What happens to an order, as data: one type per event (nautilus_trader's
 * events/order/*). An order's status is a pure function of its events
 * (src/execution/order-state.ts), and the events are what the journal keeps,
 * so state is rebuilt from them after a restart.
 *
 * `time` is epoch ms on the clock of whoever produced the event: the
 * engine's for submitted, denied and pendingCancel, the venue's for the rest.
 */
export type OrderEvent =
  /** Passed the risk checks and is being sent; carries the whole order, so a journal can rebuild it. */
  | { readonly type: "submitted"; readonly orderId: string; readonly time: number; readonly order: Order }
  /** Refused by a pre-trade check before reaching any venue (nautilus OrderDenied). */
  | { readonly type: "denied"; readonly orderId: string; readonly time: number; readonly order: Order; readonly rule: string; readonly reason: string }
  | { readonly type: "accepted"; readonly orderId: string; readonly time: number; readonly venueOrderId?: string }
  /** The venue refused it; `rule` names a machine-readable cause when there is one (cashAtFill). */
  | { readonly type: "rejected"; readonly orderId: string; readonly time: number; readonly reason: string; readonly rule?: string }
  /** Part of the order filled; more may follow. */
  | { readonly type: "partiallyFilled"; readonly orderId: string; readonly time: number; readonly fill: Fill }
  /** The last fill: nothing of the order is left. */
  | { readonly type: "filled"; readonly orderId: string; readonly time: number; readonly fill: Fill }
  /** The engine asked the venue to cancel it. */
  | { readonly type: "pendingCancel"; readonly orderId: string; readonly time: number }
  | { readonly type: "cancelRejected"; readonly orderId: string; readonly time: number; readonly reason: string }
  /** Cancelled at the engine's request, or by the venue (`reason`, `rule`: why, e.g. an order-list sibling filled). */
  | { readonly type: "cancelled"; readonly orderId: string; readonly time: number; readonly reason?: string; readonly rule?: string }
  /** Its time in force ran out (a day order at the day's end, IOC/FOK unfilled). */
  | { readonly type: "expired"; readonly orderId: string; readonly time: number }
  /** The venue applied a replace: the fields given are the order's new values. */
  | { readonly type: "replaced"; readonly orderId: string; readonly time: number; readonly changes: OrderChanges }
  | { readonly type: "replaceRejected"; readonly orderId: string; readonly time: number; readonly reason: string };

export type OrderEventType = OrderEvent["type"];

/** What a replace may change on a working order. */
export interface OrderChanges {
  readonly quantity?: Decimal;
  readonly limitPrice?: Decimal;
  readonly stopPrice?: Decimal;
}

/** The events a venue sends back; the engine makes the others (submitted, denied, pendingCancel). */
export type VenueEvent = Exclude<OrderEvent, { readonly type: "submitted" | "denied" | "pendingCancel" }>;
