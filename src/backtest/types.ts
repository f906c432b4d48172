import type { TradeRecord } from "../portfolio/trades.ts";
import type { StrategyParams } from "../strategies/strategy.ts";

/** A signal or order the risk stage refused, and why. */
export interface Rejection {
  readonly time: number;
  readonly symbol: string;
  readonly reason: string;
  readonly rule: string;
}

/**
 * A buy the venue filled only in part because cash at the fill covered less
 * than the order asked: it was sized at the last close, and the fill price
 * (the next open, after a gap, plus slippage and commission) cost more.
 * Not a risk decision, so not a Rejection.
 */
export interface ResizedOrder {
  readonly time: number;
  readonly symbol: string;
  readonly orderId: string;
  readonly requested: number;
  readonly filled: number;
  /** The fill price, slippage included. */
  readonly price: number;
  /** The close before the fill: the price the order was sized at. */
  readonly lastClose: number;
  readonly reason: string;
}

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
  /** Bars per year the figures are annualized with (given, or inferred from the bar spacing). */
  readonly periodsPerYear: number;
  readonly equity: { readonly time: readonly number[]; readonly equity: readonly number[]; readonly drawdown: readonly number[] };
  readonly barsPerSecond: number;
  readonly elapsedMs: number;
}
