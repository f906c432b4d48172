// Small hand-made series and a scripted strategy for exact, hand-checkable backtests.
import type { BarSeries } from "../../src/core/data.ts";
import type { Direction } from "../../src/core/signal.ts";
import type { Strategy } from "../../src/strategies/strategy.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);

/** Bars from [open, high, low, close] rows, one per day from 2020-01-01, volume 1000. */
export function bars(rows: [number, number, number, number][], symbol = "TEST"): BarSeries {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return {
    symbol,
    time: Float64Array.from(rows, (_, i) => T0 + i * DAY),
    open: col(0), high: col(1), low: col(2), close: col(3),
    volume: new Float64Array(rows.length).fill(1000),
  };
}

/** Emits the given direction on the given bar indices, nothing otherwise. */
export function scripted(plan: Record<number, Direction>): Strategy {
  return {
    name: "scripted",
    onBar(bar, ctx) {
      const direction = plan[ctx.history.length - 1];
      return direction ? { symbol: ctx.symbol, time: bar.time, direction, confidence: 1, reason: `plan ${direction}` } : null;
    },
  };
}
