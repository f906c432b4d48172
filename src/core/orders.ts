import { Decimal, ZERO } from "./money.ts";
import { ExecutionError } from "./errors.ts";
import type { SymbolId } from "./data.ts";

export type OrderSide = "buy" | "sell";
export type OrderType = "market" | "limit" | "stop" | "stopLimit";
/** Day: expires at the session's end; GTC: until cancelled; IOC: fill what you can now; FOK: all now or nothing. */
export type TimeInForce = "day" | "gtc" | "ioc" | "fok";
export type OrderStatus = "new" | "accepted" | "partiallyFilled" | "filled" | "cancelled" | "rejected" | "expired";

export interface Order {
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
}

export interface Fill {
  readonly orderId: string;
  readonly symbol: SymbolId;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly price: Decimal;
  readonly commission: Decimal;
  readonly time: number;
}

/** Validates a request and returns an immutable order; every problem names its field. */
export function createOrder(req: OrderRequest, id: string, createdAt: number): Order {
  const type = req.type ?? "market";
  if (req.side !== "buy" && req.side !== "sell") throw invalid("side", `must be "buy" or "sell", got ${JSON.stringify(req.side)}`);
  if (!["market", "limit", "stop", "stopLimit"].includes(type)) throw invalid("type", `unknown order type ${JSON.stringify(type)}`);
  const tif = req.timeInForce ?? "day";
  if (!["day", "gtc", "ioc", "fok"].includes(tif)) throw invalid("timeInForce", `unknown time in force ${JSON.stringify(tif)}`);
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
  return Object.freeze({
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
  });
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
