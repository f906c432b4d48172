import type { SymbolId } from "../core/data.ts";
import { ConfigError } from "../core/errors.ts";
import { type Decimal, ZERO, toDecimal } from "../core/money.ts";
import type { OrderRequest } from "../core/orders.ts";

export interface RebalanceInput {
  /** Current signed quantities (negative = short); a symbol not listed holds nothing. */
  readonly positions: Readonly<Record<SymbolId, Decimal.Value>>;
  /** A price (> 0) for every symbol held or targeted. */
  readonly prices: Readonly<Record<SymbolId, Decimal.Value>>;
  /** The equity the target weights are fractions of (> 0). */
  readonly equity: Decimal.Value;
  /** Target weight per symbol (negative = short). A held symbol missing here has target 0: it is closed. */
  readonly targets: Readonly<Record<SymbolId, number>>;
  /** Trades worth less than this (|quantity| x price) are skipped; default 0 (skip none but zero trades). */
  readonly minTradeValue?: Decimal.Value;
  /** Target quantities are rounded toward zero to a multiple of this (1 = whole shares); default 0 = exact fractions. */
  readonly quantityStep?: Decimal.Value;
}

/**
 * The market orders that move the book to the target weights: target
 * quantity = weight x equity / price, rounded toward zero to quantityStep (so
 * no target position is worth more than its weight asks), minus the current
 * quantity. Sells come first (they free cash), then buys, each by symbol.
 */
export function rebalanceOrders(input: RebalanceInput): OrderRequest[] {
  const equity = positive(input.equity, "equity");
  const minValue = nonNegative(input.minTradeValue ?? 0, "minTradeValue");
  const step = nonNegative(input.quantityStep ?? 0, "quantityStep");
  const symbols = [...new Set([...Object.keys(input.positions), ...Object.keys(input.targets)])].sort();
  const orders: OrderRequest[] = [];
  for (const symbol of symbols) {
    const weight = input.targets[symbol] ?? 0;
    if (!Number.isFinite(weight)) throw new ConfigError(`targets.${symbol} must be a finite weight, got ${weight}`, { field: `targets.${symbol}` });
    const current = input.positions[symbol] === undefined ? ZERO : toDecimal(input.positions[symbol], `positions.${symbol}`);
    if (input.prices[symbol] === undefined) throw new ConfigError(`no price for ${symbol}`, { field: `prices.${symbol}` });
    const price = positive(input.prices[symbol], `prices.${symbol}`);
    let target = equity.times(weight).div(price);
    if (!step.isZero()) target = target.div(step).trunc().times(step);
    const delta = target.minus(current);
    if (delta.isZero() || delta.abs().times(price).lt(minValue)) continue;
    orders.push({ symbol, side: delta.isNeg() ? "sell" : "buy", type: "market", quantity: delta.abs(), tag: "rebalance" });
  }
  return [...orders.filter((o) => o.side === "sell"), ...orders.filter((o) => o.side === "buy")];
}

function positive(v: Decimal.Value, field: string): Decimal {
  const d = toDecimal(v, field);
  if (!d.gt(0)) throw new ConfigError(`${field} must be > 0, got ${d}`, { field });
  return d;
}

function nonNegative(v: Decimal.Value, field: string): Decimal {
  const d = toDecimal(v, field);
  if (d.isNeg()) throw new ConfigError(`${field} must be >= 0, got ${d}`, { field });
  return d;
}
