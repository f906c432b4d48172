import { barAt, type Bar, type BarSeries, type SymbolId, type BarHistory } from "../core/data.ts";
import { ConfigError } from "../core/errors.ts";
import { Decimal } from "../core/money.ts";
import { createOrder, type Fill, type Order, type OrderRequest } from "../core/orders.ts";
import type { Signal } from "../core/signal.ts";
import { unrealizedPnl } from "../core/position.ts";
import { Portfolio } from "../portfolio/portfolio.ts";
import { rebalanceOrders } from "../portfolio/rebalance.ts";
import { TradeJournal } from "../portfolio/trades.ts";
import type { PreTradeCheck, PreTradeContext } from "../risk/pretrade.ts";
import type { Strategy, StrategyContext } from "../strategies/strategy.ts";
import { resolveConfig, type BacktestConfig, type Resolved, type RunSnapshot } from "./config.ts";
import { SimulatedExchange, type Execution } from "./exchange.ts";
import { SeriesHistory } from "./history.ts";
import { periodsPerYear } from "../core/dates.ts";
import { cagr, drawdowns, equityReturns, ratios } from "./metrics.ts";
import type { BacktestReport, Rejection } from "./types.ts";

export type { BacktestConfig, EngineEvent, RebalanceSchedule, RunSnapshot } from "./config.ts";

const PROTECTIVE = "protective";
const MS_PER_YEAR = 365.25 * 86_400_000;

/**
 * Replays bar series through the pipeline: strategy → signal → pre-trade
 * checks → orders → simulated venue → portfolio → equity curve. A strategy
 * decides on bar t's close; its orders are live from bar t+1.
 */
export function runBacktest(series: BarSeries | readonly BarSeries[], strategy: StrategyChoice, config: BacktestConfig = {}): BacktestReport {
  return new Backtest(series, strategy, config).run();
}

/** One strategy instance per symbol (a factory), one shared instance for a single symbol, or none (rebalancing only). */
export type StrategyChoice = Strategy | ((symbol: SymbolId) => Strategy) | null;

/** One symbol's slice of a run: its bars, what its strategy may see, and its venue. */
interface Book {
  readonly symbol: SymbolId;
  readonly series: BarSeries;
  readonly history: SeriesHistory;
  readonly exchange: SimulatedExchange;
  readonly strategy: Strategy | null;
  readonly ctx: StrategyContext;
  lastClose: number;
}

/**
 * One run over one or more aligned series (same bar times), steppable bar by
 * bar (a paper session drives it from a timer) or run to the end.
 */
export class Backtest {
  private readonly cfg: Resolved;
  private readonly books: Book[];
  private readonly bySymbol = new Map<SymbolId, Book>();
  private readonly histories = new Map<SymbolId, BarHistory>();
  private readonly portfolio: Portfolio;
  private readonly journal = new TradeJournal();
  private readonly rejections: Rejection[] = [];
  private readonly fills: Fill[] = [];
  private readonly time: Float64Array;
  private readonly equity: Float64Array;
  private readonly observers: PreTradeCheck[];
  private readonly strategyName: string;
  private next = 0;
  private exposed = 0;
  private elapsedMs = 0;
  private orderCount = 0;

  constructor(series: BarSeries | readonly BarSeries[], strategy: StrategyChoice, config: BacktestConfig = {}) {
    this.cfg = resolveConfig(config);
    const list = Array.isArray(series) ? (series as readonly BarSeries[]) : [series as BarSeries];
    checkAligned(list);
    if (list.length > 1 && strategy !== null && typeof strategy !== "function") {
      throw new ConfigError("several series need a strategy factory (symbol => Strategy): one instance would mix their indicator state", { field: "strategy" });
    }
    this.time = list[0].time;
    this.portfolio = new Portfolio(this.cfg.initialCash);
    this.books = list.map((s) => this.book(s, typeof strategy === "function" ? strategy(s.symbol) : strategy));
    this.strategyName = strategy === null ? "rebalance" : this.books[0].strategy!.name;
    this.equity = new Float64Array(this.time.length);
    this.observers = this.cfg.checks.filter((c) => c.observe !== undefined);
  }

  private book(series: BarSeries, strategy: Strategy | null): Book {
    const portfolio = this.portfolio;
    const history = new SeriesHistory(series);
    const ctx = { symbol: series.symbol, history, get position() { return portfolio.quantity(series.symbol); } };
    const book: Book = { symbol: series.symbol, series, history, exchange: new SimulatedExchange(this.cfg), strategy, ctx, lastClose: NaN };
    this.bySymbol.set(series.symbol, book);
    this.histories.set(series.symbol, history);
    return book;
  }

  get done(): boolean {
    return this.next >= this.time.length;
  }

  /** Runs every remaining bar and returns the report. */
  run(): BacktestReport {
    const n = this.time.length;
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

  /** Processes the next bar of every symbol: fills, marking, then decisions on the close. */
  step(): void {
    const i = this.next++;
    const bars = this.books.map((b) => barAt(b.series, i));
    if (this.cfg.onEvent) this.books.forEach((b, k) => this.cfg.onEvent!({ type: "bar", symbol: b.symbol, bar: bars[k] }));
    this.matchOrders(bars, i);
    let equity = this.portfolio.cashValue;
    let exposed = false;
    this.books.forEach((b, k) => {
      b.lastClose = bars[k].close;
      b.history.length = i + 1;
      const q = this.portfolio.quantity(b.symbol);
      if (q !== 0) {
        exposed = true;
        equity += q * b.lastClose;
      }
    });
    if (exposed) this.exposed++;
    this.equity[i] = equity;
    for (const o of this.observers) o.observe!(this.time[i], equity);
    this.books.forEach((b, k) => {
      const signal = b.strategy?.onBar(bars[k], b.ctx) ?? null;
      if (signal === null) return;
      this.cfg.onEvent?.({ type: "signal", signal });
      this.act(b, signal, i);
    });
    if (this.cfg.rebalance && i % this.cfg.rebalance.every === 0) this.rebalance(i);
  }

  snapshot(): RunSnapshot {
    const i = Math.max(0, this.next - 1);
    return {
      time: this.time[i],
      barsDone: this.next,
      barsTotal: this.time.length,
      cash: this.portfolio.cashBalance.toString(),
      equity: this.next > 0 ? this.equity[i] : this.cfg.initialCash,
      positions: this.portfolio.openPositions.map((p) => ({
        symbol: p.symbol, quantity: p.quantity.toString(), avgPrice: p.avgPrice.toString(),
        unrealizedPnl: unrealizedPnl(p, this.bySymbol.get(p.symbol)!.lastClose).toString(), realizedPnl: p.realizedPnl.toString(),
      })),
      openOrders: this.books.flatMap((b) => b.exchange.openOrders),
      fills: this.fills,
    };
  }

  /** Fills every symbol's live orders on this bar; sells are booked first so their cash pays for buys. */
  private matchOrders(bars: Bar[], i: number): void {
    const executions: { ex: Execution; bar: Bar }[] = [];
    this.books.forEach((b, k) => {
      if (b.exchange.openOrders.length === 0) return;
      for (const ex of b.exchange.match(bars[k], i).executions) executions.push({ ex, bar: bars[k] });
    });
    if (executions.length > 1) executions.sort((a, b) => fillOrder(a.ex.order) - fillOrder(b.ex.order));
    for (const { ex, bar } of executions) this.fill(ex, bar, i);
  }

  /**
   * Moves the symbol toward the signal's direction. A reversal is two orders,
   * the exit first, so a check that denies the new position (a breaker, no
   * shorting) still lets the old one close. An existing position on the
   * signal's side is left as it is.
   */
  private act(b: Book, signal: Signal, i: number): void {
    const current = this.portfolio.quantity(b.symbol);
    const want = signal.direction === "long" ? 1 : signal.direction === "short" ? -1 : 0;
    if (current !== 0 && Math.sign(current) === want) return;
    b.exchange.cancel((o) => o.tag !== PROTECTIVE);
    if (current !== 0) {
      b.exchange.cancel((o) => o.tag === PROTECTIVE);
      this.send(b, { symbol: b.symbol, side: current > 0 ? "sell" : "buy", quantity: Math.abs(current), tag: signal.reason }, i);
    }
    const size = want === 0 ? 0 : this.openingSize(b, signal);
    if (size > 0) this.send(b, { symbol: b.symbol, side: want > 0 ? "buy" : "sell", quantity: size, tag: signal.reason }, i);
  }

  /** Units a new position takes: its fraction of equity (fixed or from the sizer, times the signal's sizeFactor) at the last close. */
  private openingSize(b: Book, signal: Signal): number {
    const base = this.cfg.sizer ? this.cfg.sizer.fraction(b.history, signal.direction) : this.cfg.positionFraction;
    const fraction = base * Math.min(1, Math.max(0, signal.sizeFactor ?? 1));
    return Math.max(0, Math.floor((this.currentEquity() * fraction) / b.lastClose));
  }

  /** Sends the orders that move the book to the schedule's target weights. */
  private rebalance(i: number): void {
    const schedule = this.cfg.rebalance!;
    const targets = schedule.weights(this.histories);
    if (targets === null) return;
    for (const b of this.books) b.exchange.cancel((o) => o.tag !== PROTECTIVE);
    const positions: Record<SymbolId, number> = {};
    const prices: Record<SymbolId, number> = {};
    for (const b of this.books) {
      positions[b.symbol] = this.portfolio.quantity(b.symbol);
      prices[b.symbol] = b.lastClose;
    }
    const orders = rebalanceOrders({
      positions, prices, targets, equity: this.currentEquity(), quantityStep: 1, minTradeValue: schedule.minTradeValue ?? 0,
    });
    for (const req of orders) this.send(this.bySymbol.get(req.symbol)!, req, i);
  }

  private currentEquity(): number {
    return this.portfolio.equity((symbol) => this.bySymbol.get(symbol)!.lastClose);
  }

  /** Creates an order, runs the pre-trade checks, and submits it unless one denies it. */
  private send(b: Book, req: OrderRequest, i: number): Order | null {
    const time = this.time[i];
    const order = createOrder(req, `o${++this.orderCount}`, time);
    const ctx = this.checkContext(b, time);
    for (const check of this.cfg.checks) {
      const reason = check.check(order, ctx);
      if (reason !== null) {
        this.reject({ time, symbol: b.symbol, rule: check.rule, reason });
        return null;
      }
    }
    for (const check of this.cfg.checks) check.accepted?.(order, ctx);
    b.exchange.submit(order, i);
    this.cfg.onEvent?.({ type: "order", order });
    return order;
  }

  /**
   * What the checks see. Positions and exposures count the orders already
   * working (protective exits aside) as if filled, so a batch of orders is
   * checked as a whole; cash is buying power: the balance plus the proceeds
   * of working sells minus the cost of working buys.
   */
  private checkContext(b: Book, time: number): PreTradeContext {
    let gross = 0;
    let net = 0;
    let pending = 0;
    let position = 0;
    for (const other of this.books) {
      let quantity = this.portfolio.quantity(other.symbol);
      for (const o of other.exchange.openOrders) {
        if (o.tag === PROTECTIVE) continue;
        const q = o.quantity.toNumber();
        pending += (o.side === "sell" ? 1 : -1) * q * (o.limitPrice?.toNumber() ?? other.lastClose);
        quantity += o.side === "buy" ? q : -q;
      }
      if (other === b) position = quantity;
      gross += Math.abs(quantity * other.lastClose);
      net += quantity * other.lastClose;
    }
    return {
      time, price: b.lastClose, cash: this.portfolio.cashValue + pending, position,
      equity: this.currentEquity(), grossExposure: gross, netExposure: net,
    };
  }

  private fill(ex: Execution, bar: Bar, i: number): void {
    const { order } = ex;
    const b = this.bySymbol.get(order.symbol)!;
    const before = this.portfolio.quantity(b.symbol);
    // Both exits of a position can trigger in one bar; the first one to fill
    // (the stop: the bar's path is unknown, so assume the worse) cancels the other.
    if (order.tag === PROTECTIVE && !(before !== 0 && (order.side === "sell") === before > 0)) return;
    const quantity = this.affordable(order, ex.price, before);
    if (quantity.isZero() || (order.timeInForce === "fok" && !quantity.eq(order.quantity))) {
      this.reject({
        time: bar.time, symbol: b.symbol, rule: "cashAtFill",
        reason: `order ${order.id} (${order.side} ${order.quantity} @ ${ex.price.toFixed(4)}) exceeds cash at fill`,
      });
      return;
    }
    const fill: Fill = {
      orderId: order.id, tradeId: `t${this.fills.length + 1}`, symbol: b.symbol, side: order.side, quantity, price: ex.price,
      commission: b.exchange.commission(quantity), time: bar.time,
    };
    const realized = this.portfolio.apply(fill);
    this.fills.push(fill);
    this.cfg.onEvent?.({ type: "fill", fill });
    this.journal.record(fill, before, realized.toNumber(), i, order.tag ?? order.type);
    if (!quantity.eq(order.quantity)) {
      this.reject({
        time: bar.time, symbol: b.symbol, rule: "cashAtFill",
        reason: `order ${order.id} filled ${quantity} of ${order.quantity} @ ${ex.price.toFixed(4)}: cash covered no more`,
      });
    }
    const after = this.portfolio.quantity(b.symbol);
    if (after !== before) {
      b.exchange.cancel((o) => o.tag === PROTECTIVE);
      if (after !== 0 && order.tag !== PROTECTIVE) this.protect(b, after, this.portfolio.position(b.symbol).avgPrice, i);
    }
  }

  private reject(rejection: Rejection): void {
    this.rejections.push(rejection);
    this.cfg.onEvent?.({ type: "rejection", rejection });
  }

  /** The part of an order cash can pay for at the fill price; sells and the covering part of a buy are never capped. */
  private affordable(order: Order, price: Decimal, before: number): Decimal {
    if (order.side === "sell") return order.quantity;
    const covering = Math.max(0, -before);
    const opening = order.quantity.minus(covering);
    if (opening.lte(0)) return order.quantity;
    const unitCost = price.plus(this.cfg.commissionPerShare);
    const cash = this.portfolio.cashBalance.minus(unitCost.times(covering)).minus(this.cfg.commissionPerOrder);
    const maxOpening = Decimal.max(0, cash.div(unitCost).floor());
    return Decimal.min(order.quantity, maxOpening.plus(covering));
  }

  /** Places the stop-loss and take-profit exits for a position at its average entry (one cancels the other). */
  private protect(b: Book, quantity: number, entry: Decimal, i: number): void {
    const { stopLossPct, takeProfitPct } = this.cfg;
    const long = quantity > 0;
    const side = long ? "sell" : "buy";
    const base = { symbol: b.symbol, side, quantity: Math.abs(quantity), timeInForce: "gtc", tag: PROTECTIVE } as const;
    if (stopLossPct !== undefined) {
      const stopPrice = entry.times(long ? 1 - stopLossPct : 1 + stopLossPct).toDecimalPlaces(8);
      this.send(b, { ...base, type: "stop", stopPrice }, i);
    }
    if (takeProfitPct !== undefined) {
      const limitPrice = entry.times(long ? 1 + takeProfitPct : 1 - takeProfitPct).toDecimalPlaces(8);
      this.send(b, { ...base, type: "limit", limitPrice }, i);
    }
  }

  /** The report over the bars processed so far. */
  report(): BacktestReport {
    const { cfg, time } = this;
    const n = Math.max(1, this.next);
    const equity = this.equity.subarray(0, n);
    if (this.next === 0) equity[0] = cfg.initialCash;
    const perYear = cfg.periodsPerYear ?? periodsPerYear(time);
    const returns = equityReturns(equity);
    const { drawdown, max } = drawdowns(equity);
    const { sharpe, sortino } = ratios(returns, perYear);
    const trades = this.journal.closed;
    const wins = trades.filter((t) => t.pnl > 0).length;
    const finalEquity = equity[n - 1];
    return {
      symbol: this.books.map((b) => b.symbol).join(","),
      strategy: { name: this.strategyName, params: cfg.params ?? {} },
      bars: n,
      start: time[0],
      end: time[n - 1],
      initialCash: cfg.initialCash,
      finalEquity,
      totalReturn: finalEquity / cfg.initialCash - 1,
      cagr: cagr(cfg.initialCash, finalEquity, (time[n - 1] - time[0]) / MS_PER_YEAR),
      sharpe,
      sortino,
      maxDrawdown: max,
      winRate: trades.length ? wins / trades.length : 0,
      exposure: this.exposed / n,
      totalCommission: this.portfolio.totalCommissions.toNumber(),
      trades,
      rejections: this.rejections,
      equity: { time: Array.from(time.subarray(0, n)), equity: Array.from(equity), drawdown: Array.from(drawdown) },
      barsPerSecond: this.elapsedMs > 0 ? Math.round(n / (this.elapsedMs / 1000)) : n * 1000,
      elapsedMs: this.elapsedMs,
    };
  }
}

/** Sells before buys (their cash pays for the buys), and a protective stop before its take-profit sibling. */
function fillOrder(o: Order): number {
  return (o.side === "sell" ? 0 : 2) + (o.type === "limit" ? 1 : 0);
}

/** Several series must share bar times, so one step is one moment for every symbol. */
function checkAligned(list: readonly BarSeries[]): void {
  if (list.length === 0) throw new ConfigError("no bar series given", { field: "data" });
  const [first] = list;
  if (first.close.length === 0) throw new ConfigError("the bar series is empty", { field: "data" });
  const symbols = new Set<string>();
  for (const s of list) {
    if (symbols.has(s.symbol)) throw new ConfigError(`symbol ${s.symbol} appears twice`, { field: "data" });
    symbols.add(s.symbol);
    if (s.time.length !== first.time.length) {
      throw new ConfigError(`${s.symbol} has ${s.time.length} bars but ${first.symbol} has ${first.time.length}; series must share bar times`, { field: "data" });
    }
    for (let i = 0; i < s.time.length; i++) {
      if (s.time[i] !== first.time[i]) {
        throw new ConfigError(`${s.symbol} bar ${i + 1} is at ${new Date(s.time[i]).toISOString()} but ${first.symbol}'s is at ${new Date(first.time[i]).toISOString()}; series must share bar times`, { field: "data" });
      }
    }
  }
}
