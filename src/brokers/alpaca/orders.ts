import type { SymbolId } from "../../core/data.ts";
import { shown } from "../../core/errors.ts";
import { Decimal } from "../../core/money.ts";
import type { Order, OrderSide, OrderStatus, OrderType, TimeInForce } from "../../core/orders.ts";
import type { OrderReport, PositionReport, AccountReport } from "../../execution/client.ts";
import { parseRfc3339 } from "../../feeds/rfc3339.ts";
import { ProtocolError } from "../../net/errors.ts";

/**
 * Alpaca's order, position and account JSON and the engine's types, both
 * ways. Alpaca sends quantities and prices as decimal strings; they become
 * Decimal here, never a float.
 */
export type AlpacaOrderJson = Record<string, unknown> & { readonly id: string; readonly client_order_id: string; readonly status: string };

const TYPE_TO_ALPACA: Record<OrderType, string> = { market: "market", limit: "limit", stop: "stop", stopLimit: "stop_limit" };
const TYPE_FROM_ALPACA: Record<string, OrderType> = { market: "market", limit: "limit", stop: "stop", stop_limit: "stopLimit" };

/**
 * A replacement order at Alpaca needs a client order id of its own; the
 * engine keeps one id for the order's whole life. So the n-th replacement of
 * order X is sent as "X~rn", and mapped back to X here.
 */
const REPLACEMENT = /~r\d+$/;
export function engineOrderId(clientOrderId: string): string {
  return clientOrderId.replace(REPLACEMENT, "");
}
export function replacementClientId(engineId: string, n: number): string {
  return `${engineId}~r${n}`;
}

/** The body of POST /v2/orders; the engine's id is the client_order_id, so a resend is refused as a duplicate rather than doubled. */
export function toAlpacaOrderRequest(order: Order): Record<string, string> {
  const body: Record<string, string> = {
    symbol: order.symbol, qty: order.quantity.toString(), side: order.side, type: TYPE_TO_ALPACA[order.type],
    time_in_force: order.timeInForce, client_order_id: order.id,
  };
  if (order.limitPrice) body.limit_price = order.limitPrice.toString();
  if (order.stopPrice) body.stop_price = order.stopPrice.toString();
  return body;
}

/** Alpaca's statuses as the engine's. `replaced` has no engine status: the order lives on as its replacement. */
export function engineStatus(alpaca: string, filled: Decimal): OrderStatus | "replaced" | undefined {
  switch (alpaca) {
    case "new": case "accepted": case "pending_new": case "accepted_for_bidding": case "pending_replace":
    case "done_for_day": case "stopped": case "suspended": case "calculated":
      return filled.gt(0) ? "partiallyFilled" : "accepted";
    case "partially_filled": return "partiallyFilled";
    case "filled": return "filled";
    case "pending_cancel": return "pendingCancel";
    case "canceled": return "cancelled";
    case "expired": return "expired";
    case "rejected": return "rejected";
    case "replaced": return "replaced";
    default: return undefined;
  }
}

/** A decimal field; a missing or malformed one is a ProtocolError naming the field and the order. */
export function decimalField(o: Record<string, unknown>, field: string, what: string): Decimal {
  const v = o[field];
  if ((typeof v === "string" && v.trim() !== "") || typeof v === "number") {
    try {
      const d = new Decimal(v);
      if (d.isFinite()) return d;
    } catch { /* reported below */ }
  }
  throw new ProtocolError(`${what}: ${field} must be a decimal string, got ${shown(v)}`);
}

export function optionalDecimal(o: Record<string, unknown>, field: string, what: string): Decimal | undefined {
  return o[field] === null || o[field] === undefined ? undefined : decimalField(o, field, what);
}

export function timeField(o: Record<string, unknown>, field: string, what: string): number {
  const t = typeof o[field] === "string" ? parseRfc3339(o[field] as string) : NaN;
  if (Number.isNaN(t)) throw new ProtocolError(`${what}: ${field} must be an RFC 3339 time, got ${shown(o[field])}`);
  return t;
}

/** Reads an Alpaca order, checking the fields the engine relies on. */
export function readAlpacaOrder(raw: unknown, where: string): AlpacaOrderJson {
  const o = raw as Record<string, unknown>;
  if (!o || typeof o !== "object" || Array.isArray(o)) throw new ProtocolError(`${where}: expected an order object, got ${shown(raw)}`);
  for (const f of ["id", "client_order_id", "status", "symbol", "side", "type"]) {
    if (typeof o[f] !== "string") throw new ProtocolError(`${where}: order ${f} must be a string, got ${shown(o[f])}`);
  }
  return o as AlpacaOrderJson;
}

/** The engine's Order for an Alpaca order (its current quantity and prices). */
export function toEngineOrder(o: AlpacaOrderJson): Order {
  const what = `Alpaca order ${o.id}`;
  const type = TYPE_FROM_ALPACA[o.type as string];
  if (!type) throw new ProtocolError(`${what}: type ${shown(o.type)} is not one the engine trades (market, limit, stop, stop_limit)`);
  const side = o.side as OrderSide;
  if (side !== "buy" && side !== "sell") throw new ProtocolError(`${what}: side must be buy or sell, got ${shown(o.side)}`);
  // opg and cls (auction orders) have no engine equivalent; they behave as day orders that fill at one auction.
  const tif = (["day", "gtc", "ioc", "fok"].includes(o.time_in_force as string) ? o.time_in_force : "day") as TimeInForce;
  return {
    id: engineOrderId(o.client_order_id), symbol: o.symbol as SymbolId, side, type, quantity: decimalField(o, "qty", what),
    limitPrice: optionalDecimal(o, "limit_price", what), stopPrice: optionalDecimal(o, "stop_price", what), timeInForce: tif,
    createdAt: timeField(o, "created_at", what),
  };
}

export function toOrderReport(o: AlpacaOrderJson, filledBefore: Decimal = new Decimal(0)): OrderReport {
  const what = `Alpaca order ${o.id}`;
  const filled = decimalField(o, "filled_qty", what).plus(filledBefore);
  const status = engineStatus(o.status, filled);
  if (status === undefined || status === "replaced") throw new ProtocolError(`${what}: status ${shown(o.status)} cannot be reported as an engine status`);
  return {
    order: toEngineOrder(o), status, filledQuantity: filled, avgFillPrice: optionalDecimal(o, "filled_avg_price", what) ?? null,
    venueOrderId: o.id, updatedAt: typeof o.updated_at === "string" ? timeField(o, "updated_at", what) : timeField(o, "created_at", what),
  };
}

export function toPositionReport(raw: unknown): PositionReport {
  const p = raw as Record<string, unknown>;
  const what = `Alpaca position ${shown(p?.symbol)}`;
  if (typeof p?.symbol !== "string") throw new ProtocolError(`${what}: symbol must be a string`);
  const qty = decimalField(p, "qty", what);
  // Alpaca writes a short's qty negative and says "short"; trust the side for the sign either way.
  const quantity = p.side === "short" ? qty.abs().neg() : qty.abs();
  return { symbol: p.symbol, quantity, avgPrice: decimalField(p, "avg_entry_price", what) };
}

export function toAccountReport(raw: unknown): AccountReport {
  const a = raw as Record<string, unknown>;
  const what = "Alpaca account";
  if (!a || typeof a !== "object") throw new ProtocolError(`${what}: expected an object, got ${shown(raw)}`);
  return {
    cash: decimalField(a, "cash", what), equity: optionalDecimal(a, "equity", what), buyingPower: optionalDecimal(a, "buying_power", what),
    currency: typeof a.currency === "string" ? a.currency : undefined,
  };
}
