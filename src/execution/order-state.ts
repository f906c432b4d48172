import type { OrderEvent } from "../core/events.ts";
import { ExecutionError } from "../core/errors.ts";
import { Decimal, ZERO } from "../core/money.ts";
import { TERMINAL_STATUSES, type Order, type OrderStatus } from "../core/orders.ts";

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
  return { order, status: "initialized", filledQuantity: ZERO, filledNotional: ZERO, updatedAt: time };
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
  const base = { ...state, status, updatedAt: event.time };
  switch (event.type) {
    case "accepted":
      return { ...base, venueOrderId: event.venueOrderId ?? state.venueOrderId };
    case "partiallyFilled":
    case "filled": {
      const filled = state.filledQuantity.plus(event.fill.quantity);
      const cmp = filled.cmp(state.order.quantity);
      if (cmp > 0) throw new ExecutionError(`order ${state.order.id}: fills of ${filled} exceed its quantity ${state.order.quantity}`, { field: "fill" });
      if (event.type === "filled" && cmp !== 0) {
        throw new ExecutionError(`order ${state.order.id}: "filled" after ${filled} of ${state.order.quantity}`, { field: "fill" });
      }
      // A fill while a cancel is pending leaves it pending, unless it was the last.
      if (state.status === "pendingCancel" && event.type === "partiallyFilled") status = "pendingCancel";
      return { ...base, status, filledQuantity: filled, filledNotional: state.filledNotional.plus(event.fill.price.times(event.fill.quantity)) };
    }
    case "pendingCancel":
      return { ...base, beforeCancel: state.status === "pendingCancel" ? state.beforeCancel : state.status };
    case "cancelRejected":
      return state.status === "pendingCancel" ? { ...base, status: state.beforeCancel ?? "accepted", beforeCancel: undefined } : base;
    case "replaced": {
      const { quantity, limitPrice, stopPrice } = event.changes;
      if (quantity !== undefined && quantity.lt(state.filledQuantity)) {
        throw new ExecutionError(`order ${state.order.id}: replaced quantity ${quantity} is below the ${state.filledQuantity} already filled`, { field: "quantity" });
      }
      const order = Object.freeze({
        ...state.order,
        ...(quantity === undefined ? {} : { quantity }),
        ...(limitPrice === undefined ? {} : { limitPrice }),
        ...(stopPrice === undefined ? {} : { stopPrice }),
      });
      return { ...base, order, status: quantity !== undefined && quantity.eq(state.filledQuantity) ? "filled" : status };
    }
    default:
      return base;
  }
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
