import type { DroppedSignal } from "../core/signal.ts";
import type { TradeRecord } from "../portfolio/trades.ts";
import type { StrategyParams } from "../strategies/strategy.ts";

export type { Rejection, ResizedOrder } from "../execution/types.ts";
import type { Rejection, ResizedOrder } from "../execution/types.ts";

/** The result of a backtest, as plain data: the CLI, the API and the web page all render this. */
export interface BacktestReport {
  readonly symbol: string;
  readonly strategy: { readonly name: string; readonly params: StrategyParams };
  readonly bars: number;
  /** Epoch ms of the first and last bar. */
  readonly start: number;
  readonly end: number;
  readonly initialCash: number;
  readonly finalEquity: number;
  readonly totalReturn: number;
  readonly cagr: number;
  /** Annualized from per-bar returns with sample sd, risk-free 0. */
  readonly sharpe: number;
  readonly sortino: number;
  /** Largest peak-to-trough fall of equity as a positive fraction (PerformanceAnalytics maxDrawdown of the per-bar returns, as `nt risk`). */
  readonly maxDrawdown: number;
  readonly winRate: number;
  /** Fraction of bars with a non-zero position. */
  readonly exposure: number;
  readonly totalCommission: number;
  readonly trades: readonly TradeRecord[];
  /** Orders the pre-trade checks denied, and orders cash at the fill could not pay for at all. */
  readonly rejections: readonly Rejection[];
  readonly resized: readonly ResizedOrder[];
  /** Signals a combination of strategies did not act on, with the reason (src/signals); present exactly for a combination. */
  readonly droppedSignals?: readonly DroppedSignal[];
  /** Bars per year the figures are annualized with (given, or inferred from the bar spacing). */
  readonly periodsPerYear: number;
  readonly equity: { readonly time: readonly number[]; readonly equity: readonly number[]; readonly drawdown: readonly number[] };
  readonly barsPerSecond: number;
  readonly elapsedMs: number;
}
