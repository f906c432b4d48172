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
export function fillPrice(w: Resting, bar: Bar): number | null {
  const { order } = w;
  const atOpenOnly = order.timeInForce === "ioc" || order.timeInForce === "fok";
  const buy = order.side === "buy";
  switch (order.type) {
    case "market":
      return bar.open;
    case "limit":
      return limitFill(buy, w.limit, bar, atOpenOnly);
    case "stop":
      return stopFill(buy, w.stop, bar, atOpenOnly);
    case "stopLimit": {
      if (w.triggered) return limitFill(buy, w.limit, bar, atOpenOnly);
      const at = stopFill(buy, w.stop, bar, atOpenOnly);
      if (at === null) return null;
      w.triggered = true;
      return (buy ? at <= w.limit : at >= w.limit) ? at : null;
    }
  }
}

/**
 * An order as matching sees it: its limit and stop as floats, converted once
 * when it arrives (a Decimal's toNumber goes through a string, too slow for
 * every bar an order rests), and whether a stop-limit has triggered.
 */
export interface Resting {
  readonly order: Order;
  /** NaN when the order has none. */
  readonly limit: number;
  readonly stop: number;
  triggered: boolean;
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
