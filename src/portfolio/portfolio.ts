import type { SymbolId } from "../core/data.ts";
import { Decimal, toFloat, ZERO } from "../core/money.ts";
import { notionalOf, type Fill } from "../core/orders.ts";
import { applyFill, flatPosition, type Position } from "../core/position.ts";

/**
 * Cash and positions, kept in Decimal. Float mirrors of cash and quantities
 * are refreshed on every fill so marking to market on each bar (analytics)
 * costs a few float multiplies, not Decimal arithmetic.
 */
export class Portfolio {
  private cash: Decimal;
  private readonly positions = new Map<SymbolId, Position>();
  private cashFloat: number;
  private readonly qtyFloat = new Map<SymbolId, number>();
  private commissions = ZERO;

  constructor(initialCash: Decimal.Value) {
    this.cash = new Decimal(initialCash);
    this.cashFloat = toFloat(this.cash);
  }

  /** Books a fill; returns the P&L it realized (before commission). */
  apply(fill: Fill): Decimal {
    const { position, realized } = applyFill(this.position(fill.symbol), fill);
    this.positions.set(fill.symbol, position);
    const notional = notionalOf(fill);
    this.cash = (fill.side === "buy" ? this.cash.minus(notional) : this.cash.plus(notional)).minus(fill.commission);
    // Converted when next read: two fills in one bar (an exit and an entry) need one conversion.
    this.cashFloat = NaN;
    this.qtyFloat.set(fill.symbol, toFloat(position.quantity));
    this.commissions = this.commissions.plus(fill.commission);
    return realized;
  }

  position(symbol: SymbolId): Position {
    return this.positions.get(symbol) ?? flatPosition(symbol);
  }

  /** Signed quantity as a float, for decisions and marking. */
  quantity(symbol: SymbolId): number {
    return this.qtyFloat.get(symbol) ?? 0;
  }

  get cashBalance(): Decimal {
    return this.cash;
  }

  get cashValue(): number {
    if (Number.isNaN(this.cashFloat)) this.cashFloat = toFloat(this.cash);
    return this.cashFloat;
  }

  /** Realized P&L over all positions, added up when asked: no fill pays for a running total nothing on the order path reads. */
  get realizedPnl(): Decimal {
    let sum = ZERO;
    for (const p of this.positions.values()) sum = sum.plus(p.realizedPnl);
    return sum;
  }

  get totalCommissions(): Decimal {
    return this.commissions;
  }

  get openPositions(): Position[] {
    return [...this.positions.values()].filter((p) => !p.quantity.isZero());
  }

  /** Equity at the given last prices (float64 analytics). */
  equity(lastPrice: (symbol: SymbolId) => number): number {
    let e = this.cashValue;
    for (const [symbol, q] of this.qtyFloat) if (q !== 0) e += q * lastPrice(symbol);
    return e;
  }
}
