import { Decimal, ZERO } from "./money.ts";
import { notionalOf, type Fill } from "./orders.ts";
import type { SymbolId } from "./data.ts";

/**
 * A net position: signed quantity (negative is short) at an average entry
 * price. Realized P&L accrues when a fill reduces or flips the position;
 * commissions are tracked separately so P&L stays a price effect.
 */
export interface Position {
  readonly symbol: SymbolId;
  readonly quantity: Decimal;
  readonly avgPrice: Decimal;
  readonly realizedPnl: Decimal;
  readonly commissions: Decimal;
}

export function flatPosition(symbol: SymbolId): Position {
  return position(symbol, ZERO, ZERO, ZERO, ZERO);
}

/** Every position has the same shape, built here rather than by spreading the last one: the spread was most of applyFill's own time. */
function position(symbol: SymbolId, quantity: Decimal, avgPrice: Decimal, realizedPnl: Decimal, commissions: Decimal): Position {
  return { symbol, quantity, avgPrice, realizedPnl, commissions };
}

/** The position after a fill, and the P&L that fill realized. */
export function applyFill(pos: Position, fill: Fill): { position: Position; realized: Decimal } {
  const signed = fill.side === "buy" ? fill.quantity : fill.quantity.neg();
  const qty = pos.quantity;
  const commissions = pos.commissions.plus(fill.commission);
  const opening = qty.isZero() || qty.isNeg() === signed.isNeg();
  if (opening) {
    // From flat the old cost is zero and adding it changes nothing: the average is notional / quantity.
    const newQty = qty.isZero() ? signed : qty.plus(signed);
    const notional = notionalOf(fill);
    const avgPrice = (qty.isZero() ? notional : pos.avgPrice.times(qty.abs()).plus(notional)).div(newQty.abs());
    return { position: position(pos.symbol, newQty, avgPrice, pos.realizedPnl, commissions), realized: ZERO };
  }
  const closed = Decimal.min(qty.abs(), fill.quantity);
  const direction = qty.isNeg() ? -1 : 1;
  const gain = fill.price.minus(pos.avgPrice).times(closed);
  // Times +1 changes nothing and times -1 is a negation: neither needs a multiplication.
  const realized = direction === 1 ? gain : gain.neg();
  const newQty = qty.plus(signed);
  const avgPrice = newQty.isZero() ? ZERO : newQty.isNeg() === qty.isNeg() ? pos.avgPrice : fill.price;
  return { position: position(pos.symbol, newQty, avgPrice, pos.realizedPnl.plus(realized), commissions), realized };
}

/** Mark-to-market P&L of the open quantity at `price`. */
export function unrealizedPnl(pos: Position, price: Decimal.Value): Decimal {
  return new Decimal(price).minus(pos.avgPrice).times(pos.quantity);
}
