import { barAt, type Bar, type BarSeries } from "../core/data.ts";
import { ConfigError } from "../core/errors.ts";
import { Decimal } from "../core/money.ts";
import { createOrder, type Fill, type Order, type OrderRequest } from "../core/orders.ts";
import type { Signal } from "../core/signal.ts";
import { unrealizedPnl } from "../core/position.ts";
import { Portfolio } from "../portfolio/portfolio.ts";
import { TradeJournal } from "../portfolio/trades.ts";
import { noShortSelling, sufficientCash, type PreTradeCheck, type PreTradeContext } from "../risk/pretrade.ts";
import type { PositionSizer } from "../risk/sizing.ts";
import type { Strategy, StrategyContext, StrategyParams } from "../strategies/strategy.ts";
import { SimulatedExchange, type Execution } from "./exchange.ts";
import { SeriesHistory } from "./history.ts";
import { cagr, drawdowns, equityReturns, periodsPerYear, sharpeRatio, sortinoRatio } from "./metrics.ts";
import type { BacktestReport, Rejection } from "./types.ts";

export interface BacktestConfig {
  /** Starting cash (default 100,000). */
  initialCash?: number;
  /** Adverse move on market and stop fills in basis points (default 1). */
  slippageBps?: number;
  /** Commission per share or unit (default 0.005). */
  commissionPerShare?: number;
  /** Commission per filled order (default 0). */
  commissionPerOrder?: number;
  /** Fraction of equity a new position takes (default 1: all in); ignored when `sizer` is set. */
  positionFraction?: number;
  /** Sizes new positions from the bars seen so far (volatility target, Kelly). */
  sizer?: PositionSizer;
  /** Allow short positions on "short" signals (default false). */
  allowShort?: boolean;
  /** Protective stop this fraction away from the entry price, e.g. 0.05. */
  stopLossPct?: number;
  /** Take-profit limit this fraction away from the entry price, e.g. 0.1. */
  takeProfitPct?: number;
  /** Pre-trade checks in order; default: no short selling (unless allowShort) and sufficient cash. */
  checks?: readonly PreTradeCheck[];
  /** Bars per year for annualizing; default inferred from the timestamps. */
  periodsPerYear?: number;
  /** Strategy parameters to echo in the report. */
  params?: StrategyParams;
  /** Sees every bar, signal, order, fill and rejection as it happens (streaming, paper sessions). */
  onEvent?: (event: EngineEvent) => void;
  /** Called every 65,536 bars and at the end. */
  onProgress?: (done: number, total: number) => void;
  /** Clock for bars-per-second, in ms (default performance.now). */
  now?: () => number;
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

const PROTECTIVE = "protective";
const MS_PER_YEAR = 365.25 * 86_400_000;

/**
 * Replays a bar series through the pipeline: strategy → signal → pre-trade
 * checks → orders → simulated venue → portfolio → equity curve. A strategy
 * decides on bar t's close; its orders are live from bar t+1.
 */
export function runBacktest(series: BarSeries, strategy: Strategy, config: BacktestConfig = {}): BacktestReport {
  return new Backtest(series, strategy, config).run();
}

type Optional = "stopLossPct" | "takeProfitPct" | "onProgress" | "onEvent" | "params" | "periodsPerYear" | "sizer";
type Resolved = Required<Omit<BacktestConfig, Optional>> & Pick<BacktestConfig, Optional>;

function resolveConfig(c: BacktestConfig): Resolved {
  const r: Resolved = {
    initialCash: c.initialCash ?? 100_000,
    slippageBps: c.slippageBps ?? 1,
    commissionPerShare: c.commissionPerShare ?? 0.005,
    commissionPerOrder: c.commissionPerOrder ?? 0,
    positionFraction: c.positionFraction ?? 1,
    allowShort: c.allowShort ?? false,
    stopLossPct: c.stopLossPct,
    takeProfitPct: c.takeProfitPct,
    checks: c.checks ?? (c.allowShort ? [sufficientCash] : [noShortSelling, sufficientCash]),
    periodsPerYear: c.periodsPerYear,
    sizer: c.sizer,
    params: c.params,
    onProgress: c.onProgress,
    onEvent: c.onEvent,
    now: c.now ?? (() => performance.now()),
  };
  positive("initialCash", r.initialCash);
  nonNegative("slippageBps", r.slippageBps);
  nonNegative("commissionPerShare", r.commissionPerShare);
  nonNegative("commissionPerOrder", r.commissionPerOrder);
  if (!(r.positionFraction > 0 && r.positionFraction <= 1)) {
    throw new ConfigError(`positionFraction must be in (0, 1], got ${r.positionFraction}`, { field: "positionFraction" });
  }
  for (const key of ["stopLossPct", "takeProfitPct"] as const) {
    const v = r[key];
    if (v !== undefined && !(v > 0 && v < 1)) throw new ConfigError(`${key} must be in (0, 1), got ${v}`, { field: key });
  }
  if (r.periodsPerYear !== undefined) positive("periodsPerYear", r.periodsPerYear);
  return r;
}

function positive(field: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new ConfigError(`${field} must be a positive number, got ${v}`, { field });
}
function nonNegative(field: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0)) throw new ConfigError(`${field} must be a number >= 0, got ${v}`, { field });
}

/**
 * One run over one series, steppable bar by bar (a paper session drives it
 * from a timer) or run to the end (a backtest).
 */
export class Backtest {
  private readonly cfg: Resolved;
  private readonly portfolio: Portfolio;
  private readonly exchange: SimulatedExchange;
  private readonly journal = new TradeJournal();
  private readonly history: SeriesHistory;
  private readonly rejections: Rejection[] = [];
  private readonly fills: Fill[] = [];
  private readonly equity: Float64Array;
  private readonly symbol: string;
  private readonly ctx: StrategyContext;
  private readonly observers: PreTradeCheck[];
  private next = 0;
  private exposed = 0;
  private elapsedMs = 0;
  private lastClose = NaN;
  private orderCount = 0;

  constructor(private readonly series: BarSeries, private readonly strategy: Strategy, config: BacktestConfig = {}) {
    this.cfg = resolveConfig(config);
    if (series.close.length === 0) throw new ConfigError("the bar series is empty", { field: "data" });
    this.symbol = series.symbol;
    this.portfolio = new Portfolio(this.cfg.initialCash);
    this.exchange = new SimulatedExchange(this.cfg);
    this.history = new SeriesHistory(series);
    this.equity = new Float64Array(series.close.length);
    this.observers = this.cfg.checks.filter((c) => c.observe !== undefined);
    const portfolio = this.portfolio;
    this.ctx = { symbol: this.symbol, history: this.history, get position() { return portfolio.quantity(series.symbol); } };
  }

  get done(): boolean {
    return this.next >= this.series.close.length;
  }

  /** Runs every remaining bar and returns the report. */
  run(): BacktestReport {
    const n = this.series.close.length;
    const { onProgress } = this.cfg;
    const started = this.cfg.now();
    while (this.next < n) {
      this.step();
      if ((this.next & 0xffff) === 0 && onProgress) onProgress(this.next, n);
    }
    this.elapsedMs += this.cfg.now() - started;
    onProgress?.(n, n);
    return this.report();
  }

  /** Processes the next bar: fills, marking, then the strategy's decision on its close. */
  step(): void {
    const i = this.next++;
    const bar = barAt(this.series, i);
    this.cfg.onEvent?.({ type: "bar", symbol: this.symbol, bar });
    if (this.exchange.openOrders.length > 0) this.matchOrders(bar, i);
    this.lastClose = bar.close;
    const qty = this.portfolio.quantity(this.symbol);
    if (qty !== 0) this.exposed++;
    this.equity[i] = this.portfolio.cashValue + qty * bar.close;
    for (const o of this.observers) o.observe!(bar.time, this.equity[i]);
    this.history.length = i + 1;
    const signal = this.strategy.onBar(bar, this.ctx);
    if (signal !== null) {
      this.cfg.onEvent?.({ type: "signal", signal });
      this.act(signal, i);
    }
  }

  snapshot(): RunSnapshot {
    const i = Math.max(0, this.next - 1);
    return {
      time: this.series.time[i],
      barsDone: this.next,
      barsTotal: this.series.close.length,
      cash: this.portfolio.cashBalance.toString(),
      equity: this.next > 0 ? this.equity[i] : this.cfg.initialCash,
      positions: this.portfolio.openPositions.map((p) => ({
        symbol: p.symbol, quantity: p.quantity.toString(), avgPrice: p.avgPrice.toString(),
        unrealizedPnl: unrealizedPnl(p, this.lastClose).toString(), realizedPnl: p.realizedPnl.toString(),
      })),
      openOrders: this.exchange.openOrders,
      fills: this.fills,
    };
  }

  private matchOrders(bar: Bar, i: number): void {
    const { executions } = this.exchange.match(bar, i);
    for (const ex of executions) this.book(ex, bar, i);
  }

  private act(signal: Signal, i: number): void {
    const current = this.portfolio.quantity(this.symbol);
    const target = this.targetQuantity(signal);
    if (target === null || (current !== 0 && Math.sign(current) === Math.sign(target))) return;
    this.exchange.cancel((o) => o.tag !== PROTECTIVE);
    const delta = target - current;
    if (delta === 0) return;
    if (Math.sign(target) !== Math.sign(current)) this.exchange.cancel((o) => o.tag === PROTECTIVE);
    this.send({ symbol: this.symbol, side: delta > 0 ? "buy" : "sell", quantity: Math.abs(delta), tag: signal.reason }, i, signal.time);
  }

  /** The signed quantity a signal asks for, or null if it asks for nothing new. */
  private targetQuantity(signal: Signal): number | null {
    if (signal.direction === "flat") return 0;
    const equity = this.portfolio.equity(() => this.lastClose);
    const fraction = this.cfg.sizer ? this.cfg.sizer.fraction(this.history) : this.cfg.positionFraction;
    const size = Math.floor((equity * fraction) / this.lastClose);
    if (size <= 0) return null;
    return signal.direction === "long" ? size : -size;
  }

  /** Creates an order, runs the pre-trade checks, and submits it unless one denies it. */
  private send(req: OrderRequest, i: number, time: number): Order | null {
    const order = createOrder(req, `o${++this.orderCount}`, time);
    const position = this.portfolio.quantity(this.symbol);
    const value = position * this.lastClose;
    const ctx: PreTradeContext = {
      time, price: this.lastClose, cash: this.portfolio.cashValue, position,
      equity: this.portfolio.cashValue + value, grossExposure: Math.abs(value), netExposure: value,
    };
    for (const check of this.cfg.checks) {
      const reason = check.check(order, ctx);
      if (reason !== null) {
        this.reject({ time, symbol: this.symbol, rule: check.rule, reason });
        return null;
      }
    }
    for (const check of this.cfg.checks) check.accepted?.(order, ctx);
    this.exchange.submit(order, i);
    this.cfg.onEvent?.({ type: "order", order });
    return order;
  }

  private book(ex: Execution, bar: Bar, i: number): void {
    const { order } = ex;
    const before = this.portfolio.quantity(this.symbol);
    const quantity = this.affordable(order, ex.price, before);
    if (quantity.isZero() || (order.timeInForce === "fok" && !quantity.eq(order.quantity))) {
      this.reject({
        time: bar.time, symbol: this.symbol, rule: "cashAtFill",
        reason: `order ${order.id} (${order.side} ${order.quantity} @ ${ex.price.toFixed(4)}) exceeds cash at fill`,
      });
      return;
    }
    const fill: Fill = {
      orderId: order.id, symbol: this.symbol, side: order.side, quantity, price: ex.price,
      commission: this.exchange.commission(quantity), time: bar.time,
    };
    const realized = this.portfolio.apply(fill);
    this.fills.push(fill);
    this.cfg.onEvent?.({ type: "fill", fill });
    this.journal.record(fill, before, realized.toNumber(), i, order.tag ?? order.type);
    const after = this.portfolio.quantity(this.symbol);
    if (order.tag === PROTECTIVE || after === 0 || Math.sign(after) !== Math.sign(before)) {
      this.exchange.cancel((o) => o.tag === PROTECTIVE);
    }
    if (after !== 0 && Math.sign(after) !== Math.sign(before)) this.protect(after, ex.price, i, bar.time);
  }

  private reject(rejection: Rejection): void {
    this.rejections.push(rejection);
    this.cfg.onEvent?.({ type: "rejection", rejection });
  }

  /** The part of an order cash can pay for at the fill price (sells and short covers are never capped). */
  private affordable(order: Order, price: Decimal, before: number): Decimal {
    if (order.side === "sell") return order.quantity;
    const covering = Math.max(0, -before);
    const opening = order.quantity.minus(covering);
    if (opening.lte(0)) return order.quantity;
    const cash = this.portfolio.cashBalance.plus(price.times(covering)).minus(this.cfg.commissionPerOrder);
    const unitCost = price.plus(this.cfg.commissionPerShare);
    const maxOpening = Decimal.max(0, cash.div(unitCost).floor());
    return Decimal.min(order.quantity, maxOpening.plus(covering));
  }

  /** Places the stop-loss and take-profit exits for a new position (one cancels the other). */
  private protect(quantity: number, entry: Decimal, i: number, time: number): void {
    const { stopLossPct, takeProfitPct } = this.cfg;
    const long = quantity > 0;
    const side = long ? "sell" : "buy";
    const base = { symbol: this.symbol, side, quantity: Math.abs(quantity), timeInForce: "gtc", tag: PROTECTIVE } as const;
    if (stopLossPct !== undefined) {
      const stopPrice = entry.times(long ? 1 - stopLossPct : 1 + stopLossPct).toDecimalPlaces(8);
      this.send({ ...base, type: "stop", stopPrice }, i, time);
    }
    if (takeProfitPct !== undefined) {
      const limitPrice = entry.times(long ? 1 + takeProfitPct : 1 - takeProfitPct).toDecimalPlaces(8);
      this.send({ ...base, type: "limit", limitPrice }, i, time);
    }
  }

  /** The report over the bars processed so far. */
  report(): BacktestReport {
    const { series, cfg } = this;
    const n = Math.max(1, this.next);
    const equity = this.equity.subarray(0, n);
    const exposure = this.exposed / n;
    const elapsedMs = this.elapsedMs;
    const perYear = cfg.periodsPerYear ?? periodsPerYear(series.time);
    const returns = equityReturns(equity);
    const { drawdown, max } = drawdowns(equity);
    const trades = this.journal.closed;
    const wins = trades.filter((t) => t.pnl > 0).length;
    const finalEquity = equity[n - 1];
    return {
      symbol: this.symbol,
      strategy: { name: this.strategy.name, params: cfg.params ?? {} },
      bars: n,
      start: series.time[0],
      end: series.time[n - 1],
      initialCash: cfg.initialCash,
      finalEquity,
      totalReturn: finalEquity / cfg.initialCash - 1,
      cagr: cagr(cfg.initialCash, finalEquity, (series.time[n - 1] - series.time[0]) / MS_PER_YEAR),
      sharpe: sharpeRatio(returns, perYear),
      sortino: sortinoRatio(returns, perYear),
      maxDrawdown: max,
      winRate: trades.length ? wins / trades.length : 0,
      exposure,
      totalCommission: this.portfolio.totalCommissions.toNumber(),
      trades,
      rejections: this.rejections,
      equity: { time: Array.from(series.time.subarray(0, n)), equity: Array.from(equity), drawdown: Array.from(drawdown) },
      barsPerSecond: elapsedMs > 0 ? Math.round(n / (elapsedMs / 1000)) : n * 1000,
      elapsedMs,
    };
  }
}
