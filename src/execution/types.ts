import type { Bar, BarHistory, SymbolId } from "../core/data.ts";
import type { Fill, Order } from "../core/orders.ts";
import type { Signal } from "../core/signal.ts";

/** A signal or order the risk stage or the venue refused, and why. */
export interface Rejection {
  readonly time: number;
  readonly symbol: string;
  readonly reason: string;
  readonly rule: string;
}

/** Moves the book to target weights every `every` bars, with market orders for the next open. */
export interface RebalanceSchedule {
  readonly every: number;
  /** Target weight per symbol from the bars seen so far, or null to skip this date. */
  weights(histories: ReadonlyMap<SymbolId, BarHistory>): Readonly<Record<SymbolId, number>> | null;
  /** Skip trades worth less than this (default 0). */
  readonly minTradeValue?: number;
}

/** What happens in a run, in order, for streaming to a UI or a socket. */
export type EngineEvent =
  | { readonly type: "bar"; readonly symbol: string; readonly bar: Bar }
  | { readonly type: "signal"; readonly signal: Signal }
  | { readonly type: "order"; readonly order: Order }
  | { readonly type: "fill"; readonly fill: Fill }
  | { readonly type: "rejection"; readonly rejection: Rejection };

/** The state of a run between bars: what a paper session shows. */
export interface RunSnapshot {
  readonly time: number;
  readonly barsDone: number;
  readonly barsTotal: number;
  readonly cash: string;
  readonly equity: number;
  readonly positions: readonly { symbol: string; quantity: string; avgPrice: string; unrealizedPnl: string; realizedPnl: string }[];
  readonly openOrders: readonly Order[];
  readonly fills: readonly Fill[];
}
