import type { SymbolId } from "../core/data.ts";
import type { Fill } from "../core/orders.ts";

/** One round trip: from the fill that opened a position to the fill that closed it. */
export interface TradeRecord {
  readonly symbol: string;
  readonly side: "long" | "short";
  readonly entryTime: number;
  readonly exitTime: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly quantity: number;
  /** Realized P&L after commissions, in account currency. */
  readonly pnl: number;
  /** pnl / entry notional. */
  readonly returnPct: number;
  readonly commission: number;
  readonly bars: number;
  readonly entryReason: string;
  readonly exitReason: string;
}

interface OpenTrade {
  side: "long" | "short";
  entryTime: number;
  entryIndex: number;
  quantity: number;
  entryNotional: number;
  exitQuantity: number;
  exitNotional: number;
  realized: number;
  commission: number;
  entryReason: string;
}

/**
 * Turns fills into round-trip trades: a trade opens when a position leaves
 * zero and closes when it returns to zero (a flip closes one and opens the next).
 */
export class TradeJournal {
  private readonly open = new Map<SymbolId, OpenTrade>();
  readonly closed: TradeRecord[] = [];

  /** Records a fill; `before` is the signed quantity held before it, `realized` the P&L it realized. */
  record(fill: Fill, before: number, realized: number, barIndex: number, reason: string): void {
    const qty = fill.quantity.toNumber();
    const price = fill.price.toNumber();
    const commission = fill.commission.toNumber();
    const signed = fill.side === "buy" ? qty : -qty;
    const after = before + signed;
    let trade = this.open.get(fill.symbol);
    if (trade && Math.sign(signed) !== Math.sign(before)) {
      const closing = Math.min(Math.abs(before), qty);
      const share = closing / qty;
      trade.exitQuantity += closing;
      trade.exitNotional += closing * price;
      trade.realized += realized;
      trade.commission += commission * share;
      if (Math.abs(after) < 1e-12 || Math.sign(after) !== Math.sign(before)) {
        this.close(fill.symbol, trade, fill.time, barIndex, reason);
        trade = undefined;
      }
      if (Math.abs(after) > 1e-12 && Math.sign(after) !== Math.sign(before)) {
        this.start(fill, Math.abs(after), price, commission * (1 - share), barIndex, reason);
      }
      return;
    }
    if (trade) {
      trade.quantity += qty;
      trade.entryNotional += qty * price;
      trade.commission += commission;
    } else {
      this.start(fill, qty, price, commission, barIndex, reason);
    }
  }

  private start(fill: Fill, qty: number, price: number, commission: number, barIndex: number, reason: string): void {
    this.open.set(fill.symbol, {
      side: fill.side === "buy" ? "long" : "short", entryTime: fill.time, entryIndex: barIndex, quantity: qty,
      entryNotional: qty * price, exitQuantity: 0, exitNotional: 0, realized: 0, commission, entryReason: reason,
    });
  }

  private close(symbol: SymbolId, t: OpenTrade, time: number, barIndex: number, reason: string): void {
    this.open.delete(symbol);
    const pnl = t.realized - t.commission;
    this.closed.push({
      symbol, side: t.side, entryTime: t.entryTime, exitTime: time, entryPrice: t.entryNotional / t.quantity,
      exitPrice: t.exitNotional / t.exitQuantity, quantity: t.quantity, pnl, returnPct: pnl / t.entryNotional,
      commission: t.commission, bars: barIndex - t.entryIndex, entryReason: t.entryReason, exitReason: reason,
    });
  }
}
