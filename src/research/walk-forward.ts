// Walk-forward optimization: the best parameters of each in-sample window
// are run on the out-of-sample window after it, and the out-of-sample runs,
// joined end to end, are the result.
import { cagr, drawdowns, returnsOf, ratios } from "../backtest/metrics.ts";
import { periodsPerYear } from "../core/dates.ts";
import { ConfigError } from "../core/errors.ts";
import { calmar, type RunStats } from "./stats.ts";

export interface WalkForwardSpec {
  /** Bars in each in-sample window (the first, when anchored). */
  readonly inSample: number;
  /** Bars in each out-of-sample window; windows step forward by this much. */
  readonly outOfSample: number;
  /** Every in-sample window starts at the first bar (grows), instead of rolling. */
  readonly anchored?: boolean;
}

export interface Window {
  readonly index: number;
  /** In-sample bars [isFrom, isTo) and out-of-sample bars [isTo, oosTo). */
  readonly isFrom: number;
  readonly isTo: number;
  readonly oosTo: number;
}

/** The windows over n bars; the last out-of-sample window may be shorter, but has at least 2 bars. */
export function windows(n: number, spec: WalkForwardSpec): Window[] {
  const { inSample, outOfSample } = spec;
  if (!(Number.isInteger(inSample) && inSample >= 2)) throw new ConfigError(`walk-forward in-sample length must be an integer >= 2 bars, got ${inSample}`, { field: "walkForward.inSample" });
  if (!(Number.isInteger(outOfSample) && outOfSample >= 2)) throw new ConfigError(`walk-forward out-of-sample length must be an integer >= 2 bars, got ${outOfSample}`, { field: "walkForward.outOfSample" });
  const out: Window[] = [];
  for (let k = 0; ; k++) {
    const isTo = inSample + k * outOfSample;
    if (n - isTo < 2) break;
    out.push({ index: k, isFrom: spec.anchored ? 0 : k * outOfSample, isTo, oosTo: Math.min(n, isTo + outOfSample) });
  }
  if (out.length === 0) {
    throw new ConfigError(`walk-forward needs more than ${inSample + 1} bars (in-sample ${inSample} + out-of-sample), the series has ${n}`, { field: "walkForward" });
  }
  return out;
}

/** One out-of-sample run as stitching needs it. */
export interface OosPiece {
  readonly equity: readonly number[];
  readonly stats: RunStats;
  readonly initialCash: number;
}

export interface OutOfSample {
  readonly stats: RunStats;
  readonly time: readonly number[];
  readonly equity: readonly number[];
}

/**
 * The out-of-sample runs joined into one curve: each run starts afresh with
 * the initial cash, so its curve is scaled to continue where the previous
 * one ended (a window boundary is a flat step). Statistics are computed on
 * the joined curve as a backtest report computes them.
 */
export function stitch(pieces: readonly OosPiece[], times: readonly (ArrayLike<number>)[], initialCash: number, perYear?: number): OutOfSample {
  const equity: number[] = [];
  const time: number[] = [];
  let level = initialCash;
  let trades = 0;
  let wins = 0;
  let exposedBars = 0;
  let commission = 0;
  pieces.forEach((p, k) => {
    const scale = level / p.initialCash;
    for (let i = 0; i < p.equity.length; i++) {
      equity.push(p.equity[i] * scale);
      time.push(times[k][i]);
    }
    level = equity[equity.length - 1];
    trades += p.stats.trades;
    wins += Math.round(p.stats.winRate * p.stats.trades);
    exposedBars += p.stats.exposure * p.stats.bars;
    commission += p.stats.totalCommission * scale;
  });
  const curve = Float64Array.from(equity);
  const n = curve.length;
  const returns = returnsOf(curve);
  const { max } = drawdowns(returns);
  const { sharpe, sortino } = ratios(returns, perYear ?? periodsPerYear(Float64Array.from(time)));
  const finalEquity = n > 0 ? curve[n - 1] : initialCash;
  const c = n > 1 ? cagr(initialCash, finalEquity, (time[n - 1] - time[0]) / (365.25 * 86_400_000)) : 0;
  return {
    stats: {
      bars: n, finalEquity, totalReturn: finalEquity / initialCash - 1, cagr: c, sharpe, sortino, calmar: calmar(c, max),
      maxDrawdown: max, winRate: trades ? wins / trades : 0, exposure: n ? exposedBars / n : 0, trades, totalCommission: commission,
    },
    time, equity,
  };
}
