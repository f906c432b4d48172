import { Decimal, ZERO } from "./money.ts";
import { ExecutionError } from "./errors.ts";
import type { SymbolId } from "./data.ts";

export type OrderSide = "buy" | "sell";
export type OrderType = "market" | "limit" | "stop" | "stopLimit";
/** Day: expires at the session's end; GTC: until cancelled; IOC: fill what you can now; FOK: all now or nothing. */
export type TimeInForce = "day" | "gtc" | "ioc" | "fok";
/**
 * Where an order is in its life, as the pure state machine of
 * src/execution/order-state.ts derives it from its events (src/core/events.ts):
 * initialized (created, not yet past the risk checks) → denied, or submitted
 * (sent to the venue) → accepted or rejected → partiallyFilled → filled, or
 * cancelled / expired; pendingCancel while a cancel is on its way.
 */
export type OrderStatus =
  | "initialized" | "denied" | "submitted" | "accepted" | "rejected"
  | "partiallyFilled" | "filled" | "pendingCancel" | "cancelled" | "expired";

/** Statuses an order never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(["denied", "rejected", "filled", "cancelled", "expired"]);

export interface Order {
  /**
   * The client order id: chosen by the engine, unique within a run or a
   * journal, and the key every venue dedups on (a second submit of a known
   * id changes nothing).
   */
  readonly id: string;
  readonly symbol: SymbolId;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: Decimal;
  /** Required for limit and stopLimit. */
  readonly limitPrice?: Decimal;
  /** Required for stop and stopLimit. */
  readonly stopPrice?: Decimal;
  readonly timeInForce: TimeInForce;
  /** Epoch ms when the order was created. */
  readonly createdAt: number;
  /** Free text carried from the signal that caused the order. */
  readonly tag?: string;
  /**
   * Orders that share an order-list id are one-cancels-other: the first fill
   * of one cancels the rest (a position's stop-loss and take-profit).
   */
  readonly orderListId?: string;
  /** Only ever reduces the position: fills only while one is held on the other side, never more than it. */
  readonly reduceOnly?: boolean;
}

export interface OrderRequest {
  symbol: SymbolId;
  side: OrderSide;
  type?: OrderType;
  quantity: Decimal.Value;
  limitPrice?: Decimal.Value;
  stopPrice?: Decimal.Value;
  timeInForce?: TimeInForce;
  tag?: string;
  orderListId?: string;
  reduceOnly?: boolean;
}

/** One execution. */
export interface Fill {
  readonly orderId: string;
  /** The venue's id of this execution, unique per venue: applying a fill twice is detected by it. */
  readonly tradeId: string;
  readonly symbol: SymbolId;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly price: Decimal;
  readonly commission: Decimal;
  readonly time: number;
}

const ORDER_TYPES: ReadonlySet<string> = new Set(["market", "limit", "stop", "stopLimit"]);
const TIMES_IN_FORCE: ReadonlySet<string> = new Set(["day", "gtc", "ioc", "fok"]);
/** The fill notionalOf last computed, and its notional. */
let lastFill: Fill | null = null;
let lastNotional: Decimal = ZERO;

/**
 * price x quantity of a fill, computed once per fill: the venue's account,
 * the order's state and the portfolio each need it, and a Decimal product is
 * the costliest thing a fill does. They book a fill one after the other
 * before the next one exists, so remembering the last fill is enough; a
 * map from every fill ever made (a WeakMap before) grew with the run and
 * made every garbage collection walk it. Any other caller gets the same
 * product computed again.
 */
export function notionalOf(fill: Fill): Decimal {
  if (fill !== lastFill) {
    lastNotional = fill.price.times(fill.quantity);
    lastFill = fill;
  }
  return lastNotional;
}

/** Validates a request and returns an immutable order; every problem names its field. */
export function createOrder(req: OrderRequest, id: string, createdAt: number): Order {
  const type = req.type ?? "market";
  if (req.side !== "buy" && req.side !== "sell") throw invalid("side", `must be "buy" or "sell", got ${JSON.stringify(req.side)}`);
  if (!ORDER_TYPES.has(type)) throw invalid("type", `unknown order type ${JSON.stringify(type)}`);
  const tif = req.timeInForce ?? "day";
  if (!TIMES_IN_FORCE.has(tif)) throw invalid("timeInForce", `unknown time in force ${JSON.stringify(tif)}`);
  if (!req.symbol) throw invalid("symbol", "is required");
  const quantity = positive(req.quantity, "quantity");
  const needsLimit = type === "limit" || type === "stopLimit";
  const needsStop = type === "stop" || type === "stopLimit";
  if (needsLimit !== (req.limitPrice !== undefined)) {
    throw invalid("limitPrice", needsLimit ? `is required for ${type} orders` : `is not allowed on ${type} orders`);
  }
  if (needsStop !== (req.stopPrice !== undefined)) {
    throw invalid("stopPrice", needsStop ? `is required for ${type} orders` : `is not allowed on ${type} orders`);
  }
  const order: { -readonly [K in keyof Order]: Order[K] } = {
    id,
    symbol: req.symbol,
    side: req.side,
    type,
    quantity,
    limitPrice: needsLimit ? positive(req.limitPrice!, "limitPrice") : undefined,
    stopPrice: needsStop ? positive(req.stopPrice!, "stopPrice") : undefined,
    timeInForce: tif,
    createdAt,
    tag: req.tag,
  };
  // Only when set, so an order without them reads (and serializes) as before they existed.
  if (req.orderListId !== undefined) order.orderListId = req.orderListId;
  if (req.reduceOnly) order.reduceOnly = true;
  return Object.freeze(order);
}

function positive(value: Decimal.Value, field: string): Decimal {
  let d: Decimal;
  try {
    d = new Decimal(value);
  } catch {
    throw invalid(field, `must be a number, got ${JSON.stringify(value)}`);
  }
  if (!d.isFinite() || d.lte(ZERO)) throw invalid(field, `must be a positive number, got ${value}`);
  return d;
}

function invalid(field: string, message: string): ExecutionError {
  return new ExecutionError(`order ${field} ${message}`, { field });
}
