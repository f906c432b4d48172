import { toFloat } from "../core/money.ts";
import type { Order } from "../core/orders.ts";

/** What a pre-trade check can see when an order is about to be sent. */
export interface PreTradeContext {
  /** Epoch ms of the bar the decision was made on. */
  readonly time: number;
  /** Reference price for the order's symbol (last close). */
  readonly price: number;
  /** Buying power: cash plus the proceeds of working sells, minus the cost of working buys. */
  readonly cash: number;
  readonly equity: number;
  /** Signed quantity in the order's symbol, held plus working orders. */
  readonly position: number;
  /** Sum of |position value| over all symbols (held plus working), before this order. */
  readonly grossExposure: number;
  /** Sum of signed position values over all symbols (held plus working), before this order. */
  readonly netExposure: number;
}

/**
 * One pre-trade rule. `check` returns null to pass the order, or the reason
 * it is denied; the engine records every denial in the report. Stateful
 * rules (breakers, order rates) also watch equity and accepted orders.
 */
export interface PreTradeCheck {
  readonly rule: string;
  check(order: Order, ctx: PreTradeContext): string | null;
  /** Sees the marked equity after every bar. */
  observe?(time: number, equity: number): void;
  /** Told when an order passed every check and was sent. */
  accepted?(order: Order, ctx: PreTradeContext): void;
}

/** Signed quantity held after the order fills. */
export function positionAfter(order: Order, ctx: PreTradeContext): number {
  return ctx.position + (order.side === "buy" ? 1 : -1) * toFloat(order.quantity);
}

/** True when the order moves the position toward zero without flipping it. */
export function reducesExposure(order: Order, ctx: PreTradeContext): boolean {
  const after = positionAfter(order, ctx);
  return Math.abs(after) < Math.abs(ctx.position) && Math.sign(after) !== -Math.sign(ctx.position);
}

/** Denies orders that would open or grow a short position. */
export const noShortSelling: PreTradeCheck = {
  rule: "noShortSelling",
  check(order, ctx) {
    const after = positionAfter(order, ctx);
    return order.side === "sell" && after < -1e-12
      ? `selling ${order.quantity} would leave a short position of ${after}; short selling is disabled`
      : null;
  },
};

/** Denies buys that add exposure and cost more than the buying power at the reference price (covering a short always passes). */
export const sufficientCash: PreTradeCheck = {
  rule: "sufficientCash",
  check(order, ctx) {
    if (order.side === "sell" || reducesExposure(order, ctx)) return null;
    const cost = toFloat(order.quantity) * ctx.price;
    return cost > ctx.cash + 1e-9 ? `buying ${order.quantity} at ~${ctx.price} costs ${cost.toFixed(2)}, more than cash ${ctx.cash.toFixed(2)}` : null;
  },
};
