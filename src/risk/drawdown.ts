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
