import { checkReturns } from "./params.ts";
import type { Drawdown } from "./stats.ts";

/**
 * The largest drawdown of a return series, as PerformanceAnalytics computes
 * it: wealth is cumprod(1 + r) (`geometric`) or 1 + cumsum(r), the drawdown
 * at each date is wealth / max(1, running peak of wealth) - 1. NaN is skipped.
 */
export function drawdown(returns: Float64Array, geometric: boolean): Drawdown {
  checkReturns("returns", returns, 1);
  let wealth = 1;
  let high = 1;
  let highIndex = -1;
  const worst: Drawdown = { depth: 0, peak: -1, trough: -1, recovery: -1 };
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i];
    if (r !== r) continue;
    wealth = geometric ? wealth * (1 + r) : wealth + r;
    if (wealth >= high) {
      high = wealth;
      highIndex = i;
      if (worst.trough >= 0 && worst.recovery < 0) worst.recovery = i;
      continue;
    }
    const depth = -(wealth / high - 1);
    if (depth > worst.depth) {
      worst.depth = depth;
      worst.peak = highIndex;
      worst.trough = i;
      worst.recovery = -1;
    }
  }
  return worst;
}

/**
 * The drawdown at each return (0 or negative), as PerformanceAnalytics'
 * Drawdowns(): wealth / max(1, running peak of wealth) - 1, computed with
 * the same operations as drawdown() so the deepest value is exactly -depth.
 * NaN returns stay NaN here and leave wealth unchanged.
 */
export function drawdownSeries(returns: Float64Array, geometric = true): Float64Array {
  const out = new Float64Array(returns.length);
  let wealth = 1;
  let high = 1;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i];
    if (r !== r) {
      out[i] = NaN;
      continue;
    }
    wealth = geometric ? wealth * (1 + r) : wealth + r;
    if (wealth >= high) high = wealth;
    out[i] = wealth >= high ? 0 : wealth / high - 1;
  }
  return out;
}

/**
 * One run of a drawdown series, in PerformanceAnalytics' findDrawdowns
 * terms (0-based indices into the returns): `from` is the first period
 * under water, `trough` the deepest, `to` the first period back at the peak
 * (returns.length when never recovered). `length` = to - from + 1 and
 * `recovery` = to - trough, as PA counts them (for a drawdown not recovered
 * PA's length counts one period past the end; table.Drawdowns then shows no
 * recovery date and no recovery length).
 */
export interface DrawdownRun {
  readonly depth: number;
  readonly from: number;
  readonly trough: number;
  readonly to: number;
  readonly length: number;
  readonly toTrough: number;
  readonly recovery: number;
}

/**
 * The `top` deepest drawdowns of a return series, deepest first, as
 * PerformanceAnalytics' table.Drawdowns (sortDrawdowns(findDrawdowns(R))):
 * the series is split into runs of drawdown < 0 and >= 0, and the runs
 * under water are ordered by depth (stable for ties). NaN returns are dropped first.
 */
export function worstDrawdowns(returns: Float64Array, top = 5, geometric = true): DrawdownRun[] {
  checkReturns("returns", returns, 1);
  const dd = drawdownSeries(returns.filter((r) => r === r), geometric);
  const runs: DrawdownRun[] = [];
  let from = 0;
  while (from < dd.length) {
    let to = from;
    if (dd[from] < 0) {
      let trough = from;
      while (to < dd.length && dd[to] < 0) {
        if (dd[to] < dd[trough]) trough = to;
        to++;
      }
      runs.push({
        depth: dd[trough], from, trough, to, length: to - from + 1, toTrough: trough - from + 1, recovery: to - trough,
      });
    } else {
      while (to < dd.length && dd[to] >= 0) to++;
    }
    from = to;
  }
  return runs.sort((a, b) => a.depth - b.depth).slice(0, top);
}
