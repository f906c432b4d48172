import { ExecutionError } from "../core/errors.ts";
import type { OrderChanges, OrderEvent } from "../core/events.ts";
import { Decimal } from "../core/money.ts";
import type { Fill, Order } from "../core/orders.ts";

/**
 * What the engine's journal holds, one record each:
 * - `run`: the first record, describing the run (strategy, settings, data),
 *   so a restart on a different run is refused instead of mixed in;
 * - `bar`: bar `i` (at time `t`) began; written only before a bar's first
 *   other record, so quiet bars cost nothing;
 * - `ev`: an order event, the engine's own or the venue's, in the order
 *   they happened;
 * - `sent`: bar `i`'s commands are durable and about to leave; everything
 *   before it was fsync'd first;
 * - `recovered`: a restart resumed here, after bar `i`; the records up to the
 *   next bar (the venue's events reconciliation found, orders sent again) came
 *   from the venue, not from the strategy, and a later replay plays them back.
 */
export type JournalRecord =
  | { readonly k: "run"; readonly run: Readonly<Record<string, unknown>> }
  | { readonly k: "bar"; readonly i: number; readonly t: number }
  | { readonly k: "ev"; readonly e: OrderEvent }
  | { readonly k: "sent"; readonly i: number }
  | { readonly k: "recovered"; readonly i: number };

/** One record as JSON text. Decimals write themselves as strings (decimal.js toJSON), so nothing is rounded. */
export function encodeRecord(record: JournalRecord): string {
  return JSON.stringify(record);
}

/** A record back from its JSON text, with the Decimal fields of orders, fills and replaces restored. */
export function decodeRecord(text: string): JournalRecord {
  const r = JSON.parse(text) as { k?: unknown; e?: Record<string, unknown> };
  switch (r.k) {
    case "run":
    case "bar":
    case "sent":
    case "recovered":
      return r as JournalRecord;
    case "ev":
      return { k: "ev", e: decodeEvent(r.e ?? {}) };
    default:
      throw new ExecutionError(`journal record of unknown kind ${JSON.stringify(r.k)}`, { field: "k" });
  }
}

function decodeEvent(e: Record<string, unknown>): OrderEvent {
  const out: Record<string, unknown> = { ...e };
  if (e.order) out.order = decodeOrder(e.order as Record<string, unknown>);
  if (e.fill) out.fill = decodeFill(e.fill as Record<string, unknown>);
  if (e.changes) out.changes = decodeChanges(e.changes as Record<string, unknown>);
  return out as unknown as OrderEvent;
}

export function decodeOrder(o: Record<string, unknown>): Order {
  const out: Record<string, unknown> = { ...o, quantity: new Decimal(o.quantity as string) };
  if (o.limitPrice !== undefined) out.limitPrice = new Decimal(o.limitPrice as string);
  if (o.stopPrice !== undefined) out.stopPrice = new Decimal(o.stopPrice as string);
  return Object.freeze(out) as unknown as Order;
}

export function decodeFill(f: Record<string, unknown>): Fill {
  return {
    ...(f as unknown as Fill),
    quantity: new Decimal(f.quantity as string), price: new Decimal(f.price as string), commission: new Decimal(f.commission as string),
  };
}

function decodeChanges(c: Record<string, unknown>): OrderChanges {
  const out: { quantity?: Decimal; limitPrice?: Decimal; stopPrice?: Decimal } = {};
  if (c.quantity !== undefined) out.quantity = new Decimal(c.quantity as string);
  if (c.limitPrice !== undefined) out.limitPrice = new Decimal(c.limitPrice as string);
  if (c.stopPrice !== undefined) out.stopPrice = new Decimal(c.stopPrice as string);
  return out;
}
