import type { Bar } from "../core/data.ts";
import type { Order } from "../core/orders.ts";

/**
 * Where an order fills against one bar, or null when it does not. Only the
 * bar's open, high and low are known, not its path, so:
 * - market orders fill at the open;
 * - limit and stop orders fill at their price when the range crosses it,
 *   at the open when the bar gaps through it;
 * - IOC and FOK orders get only the open of their first live bar;
 * - a stop-limit whose stop trades fills only when the trigger price itself
 *   satisfies the limit; otherwise it rests as a limit (`triggered` is set).
 * A trade print is a bar with open = high = low = close = its price; a quote
 * is such a bar at the ask for buys and at the bid for sells.
 */
export function fillPrice(order: Order, bar: Bar, trigger: { triggered: boolean }): number | null {
  const atOpenOnly = order.timeInForce === "ioc" || order.timeInForce === "fok";
  const buy = order.side === "buy";
  switch (order.type) {
    case "market":
      return bar.open;
    case "limit":
      return limitFill(buy, order.limitPrice!.toNumber(), bar, atOpenOnly);
    case "stop":
      return stopFill(buy, order.stopPrice!.toNumber(), bar, atOpenOnly);
    case "stopLimit": {
      const limit = order.limitPrice!.toNumber();
      if (trigger.triggered) return limitFill(buy, limit, bar, atOpenOnly);
      const at = stopFill(buy, order.stopPrice!.toNumber(), bar, atOpenOnly);
      if (at === null) return null;
      trigger.triggered = true;
      return (buy ? at <= limit : at >= limit) ? at : null;
    }
  }
}

function limitFill(buy: boolean, limit: number, bar: Bar, atOpenOnly: boolean): number | null {
  if (buy ? bar.open <= limit : bar.open >= limit) return bar.open;
  if (atOpenOnly) return null;
  return (buy ? bar.low <= limit : bar.high >= limit) ? limit : null;
}

function stopFill(buy: boolean, stop: number, bar: Bar, atOpenOnly: boolean): number | null {
  if (buy ? bar.open >= stop : bar.open <= stop) return bar.open;
  if (atOpenOnly) return null;
  return (buy ? bar.high >= stop : bar.low <= stop) ? stop : null;
}

/** Market and triggered stop fills pay slippage; limit fills do not (they name their price). */
export function slips(order: Order): boolean {
  return order.type === "market" || order.type === "stop";
}

/** Sells before buys (their cash pays for the buys), and a stop before a limit on the same side (the worse exit first). */
export function matchPriority(o: Order): number {
  return (o.side === "sell" ? 0 : 2) + (o.type === "limit" ? 1 : 0);
}
