import type { Order } from "../core/orders.ts";

/** What a pre-trade check can see when an order is about to be sent. */
export interface PreTradeContext {
  /** Epoch ms of the bar the decision was made on. */
  readonly time: number;
  /** Reference price for the order's symbol (last close). */
  readonly price: number;
  readonly cash: number;
  readonly equity: number;
  /** Signed quantity held in the order's symbol. */
  readonly position: number;
}

/**
 * One pre-trade rule. Returns null to pass the order, or the reason it is
 * denied. The engine records every denial in the report.
 */
export interface PreTradeCheck {
  readonly rule: string;
  check(order: Order, ctx: PreTradeContext): string | null;
}

/** Denies orders that would open or grow a short position. */
export const noShortSelling: PreTradeCheck = {
  rule: "noShortSelling",
  check(order, ctx) {
    if (order.side === "buy") return null;
    const after = ctx.position - order.quantity.toNumber();
    return after < -1e-12 ? `selling ${order.quantity} would leave a short position of ${after}; short selling is disabled` : null;
  },
};

/** Denies buys (beyond covering a short) whose cost at the reference price exceeds cash. */
export const sufficientCash: PreTradeCheck = {
  rule: "sufficientCash",
  check(order, ctx) {
    if (order.side === "sell") return null;
    const opening = Math.max(0, order.quantity.toNumber() - Math.max(0, -ctx.position));
    const cost = opening * ctx.price;
    return cost > ctx.cash + 1e-9 ? `buying ${order.quantity} at ~${ctx.price} costs ${cost.toFixed(2)}, more than cash ${ctx.cash.toFixed(2)}` : null;
  },
};
