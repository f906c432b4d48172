import type { OrderEvent } from "../core/events.ts";
import { ExecutionError } from "../core/errors.ts";
import { type Decimal, ZERO } from "../core/money.ts";
import { notionalOf, TERMINAL_STATUSES, type Order, type OrderStatus } from "../core/orders.ts";

/** An order and what its events have made of it. Immutable: applyOrderEvent returns a new one. */
export interface OrderState {
  readonly order: Order;
  readonly status: OrderStatus;
  readonly filledQuantity: Decimal;
  /** Sum of price x quantity over the fills, for the average. */
  readonly filledNotional: Decimal;
  readonly venueOrderId?: string;
  /** The status to go back to when a cancel is refused. */
  readonly beforeCancel?: OrderStatus;
  /** Epoch ms of the last event. */
  readonly updatedAt: number;
}

/**
 * Which event may follow which status (nautilus_trader's order FSM, cut to
 * our events). An event not listed for a status is an invalid transition.
 * Replace and cancel refusals keep the status (a refused cancel returns to
 * the status before it).
 */
const NEXT: { readonly [S in OrderStatus]: Partial<Record<OrderEvent["type"], OrderStatus | "same">> } = {
  initialized: { submitted: "submitted", denied: "denied" },
  submitted: {
    accepted: "accepted", rejected: "rejected", partiallyFilled: "partiallyFilled", filled: "filled",
    pendingCancel: "pendingCancel", cancelled: "cancelled", expired: "expired",
  },
  accepted: {
    rejected: "rejected", partiallyFilled: "partiallyFilled", filled: "filled", pendingCancel: "pendingCancel",
    cancelled: "cancelled", expired: "expired", replaced: "same", replaceRejected: "same", cancelRejected: "same",
  },
  partiallyFilled: {
    partiallyFilled: "partiallyFilled", filled: "filled", pendingCancel: "pendingCancel", cancelled: "cancelled",
    expired: "expired", replaced: "same", replaceRejected: "same", cancelRejected: "same",
  },
  pendingCancel: {
    accepted: "same", partiallyFilled: "same", filled: "filled", cancelled: "cancelled", expired: "expired", rejected: "rejected",
    cancelRejected: "same", replaced: "same", replaceRejected: "same", pendingCancel: "same",
  },
  // Ended orders only hear refusals of late requests.
  denied: {},
  rejected: { cancelRejected: "same", replaceRejected: "same" },
  filled: { cancelRejected: "same", replaceRejected: "same" },
  cancelled: { cancelRejected: "same", replaceRejected: "same" },
  expired: { cancelRejected: "same", replaceRejected: "same" },
};

/** A new order, before the risk checks. */
export function initialOrderState(order: Order, time: number): OrderState {
  return state_(order, "initialized", ZERO, ZERO, undefined, undefined, time);
}

/** Every state has the same shape (one hidden class), built here rather than by spreading. */
function state_(
  order: Order, status: OrderStatus, filledQuantity: Decimal, filledNotional: Decimal,
  venueOrderId: string | undefined, beforeCancel: OrderStatus | undefined, updatedAt: number,
): OrderState {
  return { order, status, filledQuantity, filledNotional, venueOrderId, beforeCancel, updatedAt };
}

/**
 * The order's state after one event: a pure function, so replaying the
 * journal's events gives back exactly the state the engine had. Throws
 * ExecutionError on a transition the machine does not allow (a fill after a
 * cancel, a fill beyond the quantity).
 */
export function applyOrderEvent(state: OrderState, event: OrderEvent): OrderState {
  if (event.orderId !== state.order.id) throw new ExecutionError(`event for order ${event.orderId} applied to order ${state.order.id}`);
  const next = NEXT[state.status][event.type];
  if (next === undefined) {
    throw new ExecutionError(`order ${state.order.id}: ${event.type} is not allowed when ${state.status}`, { field: "event" });
  }
  let status: OrderStatus = next === "same" ? state.status : next;
  const { order, filledQuantity, filledNotional, venueOrderId, beforeCancel } = state;
  const time = event.time;
  switch (event.type) {
    case "accepted":
      return withStatus(state, status, time, event.venueOrderId ?? venueOrderId);
    case "partiallyFilled":
    case "filled": {
      const { fill } = event;
      // The first fill needs no sum.
      const first = filledQuantity.isZero();
      const filled = first ? fill.quantity : filledQuantity.plus(fill.quantity);
      const cmp = filled.cmp(order.quantity);
      if (cmp > 0) throw new ExecutionError(`order ${order.id}: fills of ${filled} exceed its quantity ${order.quantity}`, { field: "fill" });
      if (event.type === "filled" && cmp !== 0) {
        throw new ExecutionError(`order ${order.id}: "filled" after ${filled} of ${order.quantity}`, { field: "fill" });
      }
      // A fill while a cancel is pending leaves it pending, unless it was the last.
      if (state.status === "pendingCancel" && event.type === "partiallyFilled") status = "pendingCancel";
      const notional = notionalOf(fill);
      return state_(order, status, filled, first ? notional : filledNotional.plus(notional), venueOrderId, beforeCancel, time);
    }
    case "pendingCancel":
      return state_(order, status, filledQuantity, filledNotional, venueOrderId, state.status === "pendingCancel" ? beforeCancel : state.status, time);
    case "cancelRejected":
      return state.status === "pendingCancel"
        ? state_(order, beforeCancel ?? "accepted", filledQuantity, filledNotional, venueOrderId, undefined, time)
        : withStatus(state, status, time);
    case "replaced": {
      const { quantity, limitPrice, stopPrice } = event.changes;
      if (quantity?.lt(filledQuantity)) {
        throw new ExecutionError(`order ${state.order.id}: replaced quantity ${quantity} is below the ${state.filledQuantity} already filled`, { field: "quantity" });
      }
      const replaced = Object.freeze({
        ...order,
        ...(quantity === undefined ? {} : { quantity }),
        ...(limitPrice === undefined ? {} : { limitPrice }),
        ...(stopPrice === undefined ? {} : { stopPrice }),
      });
      return state_(replaced, quantity?.eq(filledQuantity) ? "filled" : status, filledQuantity, filledNotional, venueOrderId, beforeCancel, time);
    }
    default:
      return withStatus(state, status, time);
  }
}

function withStatus(s: OrderState, status: OrderStatus, updatedAt: number, venueOrderId = s.venueOrderId): OrderState {
  return state_(s.order, status, s.filledQuantity, s.filledNotional, venueOrderId, s.beforeCancel, updatedAt);
}

/** True once the order can change no more. */
export function isTerminal(state: OrderState): boolean {
  return TERMINAL_STATUSES.has(state.status);
}

/** Still able to fill: at the venue and not on its way out. */
export function isWorking(state: OrderState): boolean {
  return state.status === "submitted" || state.status === "accepted" || state.status === "partiallyFilled";
}

/** What is left to fill. */
export function leavesQuantity(state: OrderState): Decimal {
  return state.order.quantity.minus(state.filledQuantity);
}

/** The volume-weighted fill price, or null before the first fill. */
export function avgFillPrice(state: OrderState): Decimal | null {
  return state.filledQuantity.isZero() ? null : state.filledNotional.div(state.filledQuantity);
}
