import { ExecutionError } from "../core/errors.ts";
import type { VenueEvent } from "../core/events.ts";
import { ZERO, type Decimal } from "../core/money.ts";
import type { Fill } from "../core/orders.ts";
import type { ExecutionClient, OrderReport } from "./client.ts";
import type { TradingEngine } from "./engine.ts";
import { isTerminal, type OrderState } from "./order-state.ts";

/** What reconciliation found and did. */
export interface Reconciliation {
  /** Orders the venue never received, sent again (same client order id). */
  readonly resubmitted: readonly string[];
  /** Cancels asked for that the venue has not done, asked again. */
  readonly recancelled: readonly string[];
  /** Events the venue had and the journal did not, applied now. */
  readonly applied: readonly VenueEvent[];
  /** Events stamped after the engine's time (the venue saw a bar the engine is about to redo): for the runner to deliver at that bar. */
  readonly later: readonly VenueEvent[];
}

/**
 * Brings the engine in line with the venue after a restart (nautilus_trader's
 * start-up reconciliation): for every order the engine has not seen end, the
 * venue's report says what happened meanwhile, and the missing events are
 * made up from it. Orders the venue never received are sent again; cancels
 * it has not done are asked again. Then positions are compared, the venue's
 * and the engine's (with the events still to come): any difference stops
 * the run (fail closed), since a position the engine does not know about
 * cannot be traded safely.
 *
 * `now` is the engine's time: events stamped later belong to a bar the
 * engine will process next, and are returned for it rather than applied.
 */
export async function reconcile(engine: TradingEngine, client: ExecutionClient, now: number): Promise<Reconciliation> {
  const resubmitted: string[] = [];
  const recancelled: string[] = [];
  const made: VenueEvent[] = [];
  for (const state of engine.orderStates) {
    if (isTerminal(state) || state.status === "initialized") continue;
    const report = await client.order(state.order.id);
    if (report === null) {
      if (state.status === "pendingCancel") made.push({ type: "cancelled", orderId: state.order.id, time: now, reason: "it never reached the venue" });
      else {
        engine.resend(state.order.id, "submit");
        resubmitted.push(state.order.id);
      }
      continue;
    }
    made.push(...missingEvents(state, report, now));
    if (state.status === "pendingCancel" && (report.status === "accepted" || report.status === "partiallyFilled")) {
      engine.resend(state.order.id, "cancel");
      recancelled.push(state.order.id);
    }
  }
  const applied = made.filter((e) => e.time <= now);
  const later = made.filter((e) => e.time > now).sort((a, b) => a.time - b.time);
  for (const e of applied) engine.onVenueEvent(e);
  await checkPositions(engine, client, later);
  return { resubmitted, recancelled, applied, later };
}

/** The events that take the engine's view of an order to the venue's. */
function missingEvents(state: OrderState, report: OrderReport, now: number): VenueEvent[] {
  const id = state.order.id;
  const out: VenueEvent[] = [];
  if (state.status === "submitted" && report.status !== "rejected") out.push({ type: "accepted", orderId: id, time: Math.min(now, report.updatedAt), venueOrderId: report.venueOrderId });
  let filled = state.filledQuantity;
  for (const fill of unseenFills(state, report)) {
    filled = filled.plus(fill.quantity);
    out.push({ type: filled.eq(state.order.quantity) ? "filled" : "partiallyFilled", orderId: id, time: fill.time, fill });
  }
  const end = report.updatedAt;
  switch (report.status) {
    case "cancelled": out.push({ type: "cancelled", orderId: id, time: end, reason: "cancelled at the venue while the engine was down" }); break;
    case "expired": out.push({ type: "expired", orderId: id, time: end }); break;
    case "rejected": out.push({ type: "rejected", orderId: id, time: end, reason: "rejected at the venue while the engine was down" }); break;
  }
  return out;
}

/**
 * The venue's fills the engine has not booked: its own list when it gives
 * one, else one fill for the missing quantity at the price that makes the
 * venue's average come out.
 */
function unseenFills(state: OrderState, report: OrderReport): Fill[] {
  if (report.fills) {
    const total = report.fills.reduce((q, f) => q.plus(f.quantity), ZERO);
    // The engine booked the first fills (by quantity, in the venue's order); the rest are new.
    let skip = state.filledQuantity;
    const out: Fill[] = [];
    for (const f of report.fills) {
      if (skip.gte(f.quantity)) {
        skip = skip.minus(f.quantity);
        continue;
      }
      out.push(f);
    }
    if (!total.eq(report.filledQuantity)) throw new ExecutionError(`venue report of ${state.order.id}: fills add to ${total}, not ${report.filledQuantity}`);
    return out;
  }
  const missing = report.filledQuantity.minus(state.filledQuantity);
  if (missing.lte(0) || report.avgFillPrice === null) return [];
  const price = report.avgFillPrice.times(report.filledQuantity).minus(state.filledNotional).div(missing);
  const o = state.order;
  return [{
    orderId: o.id, tradeId: `reconciled-${o.id}-${report.filledQuantity}`, symbol: o.symbol, side: o.side, quantity: missing, price,
    commission: ZERO, time: report.updatedAt,
  }];
}

/** Stops the run when the venue's positions differ from the engine's once the pending events are in. */
async function checkPositions(engine: TradingEngine, client: ExecutionClient, later: readonly VenueEvent[]): Promise<void> {
  const expected = new Map<string, Decimal>();
  for (const p of engine.portfolio.openPositions) expected.set(p.symbol, p.quantity);
  for (const e of later) {
    if (e.type !== "filled" && e.type !== "partiallyFilled") continue;
    const q = expected.get(e.fill.symbol) ?? ZERO;
    expected.set(e.fill.symbol, e.fill.side === "buy" ? q.plus(e.fill.quantity) : q.minus(e.fill.quantity));
  }
  const venue = new Map((await client.positions()).map((p) => [p.symbol, p.quantity] as const));
  for (const symbol of new Set([...expected.keys(), ...venue.keys()])) {
    const mine = expected.get(symbol) ?? ZERO;
    const theirs = venue.get(symbol) ?? ZERO;
    if (!mine.eq(theirs)) {
      throw new ExecutionError(
        `reconciliation: ${client.venue} holds ${theirs} ${symbol} but the journal accounts for ${mine}; ` +
          "stopping rather than trading on a position the engine does not know",
        { field: "positions" },
      );
    }
  }
}
