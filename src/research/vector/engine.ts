// The vectorized fast path: a backtest of a signal strategy run as two
// kernel passes (signals from cached indicator series, then one simulation
// loop) instead of bar-by-bar objects. It takes only runs whose result it
// can give exactly as the event-driven engine would; for the rest it says
// why not, and the caller runs the engine.
import { resolveConfig, type BacktestConfig, type Resolved } from "../../backtest/config.ts";
import { strategyAndConfig, type BacktestRequest } from "../../backtest/job.ts";
import { cagr, drawdowns, returnsOf, ratios } from "../../backtest/metrics.ts";
import type { BacktestReport, Rejection, ResizedOrder } from "../../backtest/types.ts";
import type { Bar, BarHistory, BarSeries } from "../../core/data.ts";
import { periodsPerYear } from "../../core/dates.ts";
import { Decimal } from "../../core/money.ts";
import type { Fill } from "../../core/orders.ts";
import { TradeJournal } from "../../portfolio/trades.ts";
import { calmar, guardOf, guardStats, ratiosOf, type GuardStats, type RunStats } from "../stats.ts";
import {
  EV, EV_DENIED_CASH, EV_DENIED_SHORT, EV_FILL, EV_REJECTED_AT_FILL, EVENT_SLOTS, SIM_OK, SIM_OVERFLOW, SIM_UNSUPPORTED,
  type Handle, type SimResult, type VectorKernels, type VectorSession,
} from "./kernels.ts";
import { MAX_DECIMALS, scalePrices, simMoney, type ScaledPrices } from "./money.ts";
import type { SimMoney } from "./kernels.ts";
import { VECTOR_FORMS } from "./strategies.ts";

const MS_PER_YEAR = 365.25 * 86_400_000;
/** The pre-trade checks the simulation applies itself; any other (a risk limit) sends the run to the engine. */
const OWN_CHECKS = new Set(["noShortSelling", "sufficientCash"]);

/** A vectorized run: the same statistics (and, when asked, the same report) the engine would give. */
export interface VectorRun {
  readonly stats: RunStats;
  readonly guard: GuardStats;
  /** The equity curve: a view into kernel memory, valid until the engine's next run (copy it to keep it). */
  readonly equity: Float64Array;
  readonly report?: BacktestReport;
}

export interface VectorRunOptions {
  /** Also build the whole report as runStrategyBacktest returns it (trades with reasons, rejections, curves). */
  readonly full?: boolean;
  /** Blocks for the guard statistics (CSCV). */
  readonly blocks?: number;
}

export type VectorOutcome = { readonly run: VectorRun } | { readonly declined: string };

/**
 * Why a request cannot run vectorized whatever the data, or null when it can
 * (if its prices and costs fit: see VectorEngine.run). Declined: strategies
 * without a vector form, risk limits (breakers, exposure and rate limits
 * decide on state the loop does not model), stop-loss / take-profit
 * exits (intrabar order matching), a combination of strategies (its signal
 * layer keeps each member's standing view) and the memory filter (it judges
 * each signal by the outcomes of earlier ones).
 */
export function vectorDeclines(config: BacktestConfig, request: Pick<BacktestRequest, "strategy" | "memory" | "combine">): string | null {
  const { strategy } = request;
  if (request.combine !== undefined) return "a combination of strategies runs on the event-driven engine";
  if (!Object.hasOwn(VECTOR_FORMS, strategy)) return `strategy ${strategy} has no vectorized form`;
  if (request.memory !== undefined) return "the memory filter runs on the event-driven engine";
  const others = (config.checks ?? []).map((c) => c.rule).filter((r) => !OWN_CHECKS.has(r));
  if (others.length > 0) return `risk limits (${others.join(", ")}) run on the event-driven engine`;
  if (config.stopLossPct !== undefined || config.takeProfitPct !== undefined) return "stop-loss and take-profit exits run on the event-driven engine";
  if (config.rebalance !== undefined) return "rebalancing runs on the event-driven engine";
  return null;
}

interface SeriesState {
  readonly series: BarSeries;
  readonly session: VectorSession;
  readonly prices: ScaledPrices;
  readonly perYear: number;
  readonly fractions: Map<string, { long: Handle; short: Handle }>;
}

export class VectorEngine {
  private current: SeriesState | null = null;
  private readonly moneyCache = new Map<string, SimMoney | string>();

  constructor(readonly kernels: VectorKernels) {}

  /**
   * Runs the request on the series, or declines. `full` also builds the
   * whole report (trades with their reasons, rejections, the equity curve),
   * as runStrategyBacktest returns it.
   */
  run(series: BarSeries, request: BacktestRequest, options: VectorRunOptions = {}): VectorOutcome {
    const [, given] = strategyAndConfig(request);
    const config = resolveConfig(given);
    const why = vectorDeclines(config, request);
    if (why !== null) return { declined: why };
    const state = this.state(series);
    if (state.prices.decimals > MAX_DECIMALS) return { declined: `opening prices need more than ${MAX_DECIMALS} decimal places (or are too large) for exact integer money` };
    const costs = config;
    const money = this.money(state.prices.decimals, costs);
    if (typeof money === "string") return { declined: money };
    const params = config.params!;
    const reason = VECTOR_FORMS[request.strategy].signals(state.session, series.close, params);
    // Short fractions are asked only when shorts are allowed; the key says which were computed.
    const sizerKey = request.sizing && request.sizing.method !== "fixed" ? JSON.stringify([request.sizing, params.allowShort === true]) : null;
    const sim = state.session.simulate({
      money, denyShort: config.checks.some((c) => c.rule === "noShortSelling"),
      fractions: sizerKey === null ? undefined : this.fractions(state, sizerKey, config, params.allowShort === true),
      fraction: config.positionFraction,
    });
    if (sim.status !== SIM_OK) {
      return { declined: sim.status === SIM_OVERFLOW ? "cash or a position outgrew exact 64-bit money" : sim.status === SIM_UNSUPPORTED ? "a fill added to an open position" : "too many events" };
    }
    return { run: this.outcome(series, request, config, state, sim, options.blocks ?? 0, options.full ? reason : null) };
  }

  /** Money settings by prices' decimals and costs, computed once (Decimal arithmetic is slow next to a run). */
  private money(decimals: number, c: { initialCash: number; slippageBps: number; commissionPerShare: number; commissionPerOrder: number }): SimMoney | string {
    const key = `${decimals}:${c.initialCash}:${c.slippageBps}:${c.commissionPerShare}:${c.commissionPerOrder}`;
    let m = this.moneyCache.get(key);
    if (m === undefined) {
      m = simMoney(decimals, c);
      if (this.moneyCache.size > 1000) this.moneyCache.clear();
      this.moneyCache.set(key, m);
    }
    return m;
  }

  /** The series' session, kept while runs on the same series follow each other. */
  private state(series: BarSeries): SeriesState {
    if (this.current?.series !== series) {
      const prices = scalePrices(series.open);
      this.current = {
        series, prices, perYear: periodsPerYear(series.time), fractions: new Map(),
        session: this.kernels.session(series.close, series.open, prices.ints),
      };
    }
    return this.current;
  }

  /** The sizer's fraction at every bar, as the engine asks it on an entry (bars seen so far), once per sizing. */
  private fractions(state: SeriesState, key: string, config: BacktestConfig, allowShort: boolean): { long: Handle; short: Handle } {
    let held = state.fractions.get(key);
    if (held === undefined) {
      const sizer = config.sizer!;
      const n = state.series.close.length;
      const history = new Prefix(state.series);
      const long = new Float64Array(n);
      const short = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        history.length = i + 1;
        long[i] = sizer.fraction(history, "long");
        short[i] = allowShort ? sizer.fraction(history, "short") : 0;
      }
      held = { long: state.session.upload(long), short: state.session.upload(short) };
      state.fractions.set(key, held);
    }
    return held;
  }

  /** Statistics (and the report) from the simulation, computed as Backtest.report() computes them. */
  private outcome(
    series: BarSeries, request: BacktestRequest, config: Resolved, state: SeriesState, sim: SimResult, blocks: number,
    reason: ((bar: number) => string) | null,
  ): VectorRun {
    const { time } = series;
    const n = time.length;
    const equity = sim.equity;
    const perYear = config.periodsPerYear ?? state.perYear;
    // The kernel's sums give the engine's ratios to the bit; an irregular curve (a total loss) takes
    // the engine's own functions, which report it as the engine would.
    const moments = state.session.equityStats(blocks);
    const { sharpe, sortino } = moments ? ratiosOf(moments, perYear) : ratios(returnsOf(equity), perYear);
    const max = moments ? moments.maxDrawdown : drawdowns(returnsOf(equity)).max;
    const guard = moments ? guardOf(moments) : guardStats(equity, blocks);
    const { trades, rejections, resized } = reason === null ? { trades: null, rejections: [], resized: [] } : this.replay(series, sim, config.slippageBps, reason);
    const { count, wins } = trades === null ? tradeCount(sim) : { count: trades.length, wins: trades.filter((t) => t.pnl > 0).length };
    const finalEquity = equity[n - 1];
    const initialCash = config.initialCash;
    const c = cagr(initialCash, finalEquity, (time[n - 1] - time[0]) / MS_PER_YEAR);
    const stats: RunStats = {
      bars: n, finalEquity, totalReturn: finalEquity / initialCash - 1, cagr: c, sharpe, sortino, calmar: calmar(c, max),
      maxDrawdown: max, winRate: count ? wins / count : 0, exposure: sim.exposed / n, trades: count,
      totalCommission: sim.totalCommission,
    };
    if (trades === null) return { stats, guard, equity };
    const report: BacktestReport = {
      symbol: series.symbol, strategy: { name: request.strategy, params: config.params ?? {} }, bars: n, start: time[0], end: time[n - 1],
      initialCash, finalEquity, totalReturn: stats.totalReturn, cagr: c, sharpe, sortino, maxDrawdown: max, winRate: stats.winRate,
      exposure: stats.exposure, totalCommission: sim.totalCommission, trades, rejections, resized, periodsPerYear: perYear,
      equity: { time: Array.from(time), equity: Array.from(equity), drawdown: Array.from(drawdowns(returnsOf(equity)).drawdown) },
      barsPerSecond: 0, elapsedMs: 0,
    };
    return { stats, guard, equity: Float64Array.from(equity), report };
  }

  /**
   * Trades from the simulation's fills, through the engine's own trade
   * journal; rejections (when `reason` is given) with the engine's words.
   */
  private replay(series: BarSeries, sim: SimResult, slippageBps: number, reason: ((bar: number) => string) | null) {
    const journal = new TradeJournal();
    const rejections: Rejection[] = [];
    const resized: ResizedOrder[] = [];
    const ev = sim.events;
    const symbol = series.symbol;
    let position = 0;
    for (let e = 0; e < sim.nEvents; e++) {
      const base = e * EVENT_SLOTS;
      const at = (slot: number) => ev[base + slot];
      const kind = at(EV.Kind);
      const bar = at(EV.Bar);
      const side = at(EV.Side) > 0 ? "buy" : "sell";
      const asked = at(EV.Asked);
      const time = series.time[bar];
      if (kind === EV_FILL) {
        const filled = at(EV.Filled);
        // Decimal keeps the double's shortest digits, so the journal's toFloat reads back the kernel's exact double.
        const fill: Fill = {
          orderId: `o${at(EV.Order)}`, tradeId: `sim-${e}`, symbol, side, quantity: new Decimal(filled), price: new Decimal(at(EV.Price)),
          commission: new Decimal(at(EV.Commission)), time,
        };
        journal.record(fill, position, at(EV.Realized), bar, reason === null ? "" : reason(at(EV.Decided)));
        position += side === "buy" ? filled : -filled;
        if (reason !== null && filled !== asked) resized.push(resizedOrder(series, bar, `o${at(EV.Order)}`, side, asked, filled, at(EV.Price)));
      } else if (reason === null) {
        // Counting only: rejections are not wanted.
      } else if (kind === EV_REJECTED_AT_FILL) {
        rejections.push({ time, symbol, rule: "cashAtFill", reason: `order o${at(EV.Order)} (${side} ${asked} @ ${fillPrice(series, bar, side, slippageBps)}) exceeds cash at fill` });
      } else if (kind === EV_DENIED_CASH) {
        const price = series.close[bar];
        rejections.push({ time, symbol, rule: "sufficientCash", reason: `buying ${asked} at ~${price} costs ${(asked * price).toFixed(2)}, more than cash ${at(EV.Detail).toFixed(2)}` });
      } else if (kind === EV_DENIED_SHORT) {
        rejections.push({ time, symbol, rule: "noShortSelling", reason: `selling ${asked} would leave a short position of ${at(EV.Detail)}; short selling is disabled` });
      }
    }
    return { trades: journal.closed, rejections, resized };
  }
}

/** The engine's record of a buy cash cut down at the fill (src/backtest/engine.ts resizedOrder), from the kernel's figures. */
function resizedOrder(series: BarSeries, bar: number, orderId: string, side: "buy" | "sell", asked: number, filled: number, price: number): ResizedOrder {
  // The close the order was sized at: the bar before the fill's.
  const lastClose = series.close[bar - 1];
  const change = (price / lastClose - 1) * 100;
  return {
    time: series.time[bar], symbol: series.symbol, orderId, requested: asked, filled, price, lastClose,
    reason: `${side} ${asked} sized at the last close ${lastClose.toFixed(2)} filled at ${new Decimal(price).toFixed(2)} ` +
      `(${change >= 0 ? "+" : ""}${change.toFixed(2)}%): cash covered ${filled}`,
  };
}

/**
 * Round trips and winners from the fills, without building trade records:
 * what the trade journal would count. The simulation opens a position only
 * from flat with one fill and closes it whole with one (it stops with
 * UNSUPPORTED otherwise), so a trade is an opening fill and the fill that
 * closes it; its P&L is the journal's: realized minus both commissions.
 */
function tradeCount(sim: SimResult): { count: number; wins: number } {
  const ev = sim.events;
  let count = 0;
  let wins = 0;
  let entryCommission = 0;
  let position = 0;
  for (let o = 0; o < sim.nEvents * EVENT_SLOTS; o += EVENT_SLOTS) {
    if (ev[o + EV.Kind] !== EV_FILL) continue;
    const filled = ev[o + EV.Filled];
    if (position === 0) entryCommission = ev[o + EV.Commission];
    else {
      count++;
      // The journal adds the exit's commission (times the closed share, 1) to the entry's, then subtracts.
      if (0 + ev[o + EV.Realized] - (entryCommission + ev[o + EV.Commission] * 1) > 0) wins++;
    }
    position += ev[o + EV.Side] > 0 ? filled : -filled;
  }
  return { count, wins };
}


/** A fill price as the venue computes it (src/backtest/exchange.ts), to four places, for rejection messages. */
function fillPrice(series: BarSeries, bar: number, side: "buy" | "sell", slippageBps: number): string {
  const p = new Decimal(series.open[bar]);
  if (slippageBps === 0) return p.toFixed(4);
  const factor = new Decimal(slippageBps).div(10_000);
  return (side === "buy" ? p.times(factor.plus(1)) : p.times(new Decimal(1).minus(factor))).toFixed(4);
}

/** The bars seen so far, for sizers: what the engine's history shows at each decision. */
class Prefix implements BarHistory {
  length = 0;
  constructor(private readonly s: BarSeries) {}
  at(i: number): Bar {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`bar ${i} is not in the first ${this.length}`);
    const s = this.s;
    return { time: s.time[i], open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] };
  }
}
