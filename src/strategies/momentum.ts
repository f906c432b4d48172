import type { Bar } from "../core/data.ts";
import { StrategyError } from "../core/errors.ts";
import { reasonText, type Direction, type Signal } from "../core/signal.ts";
import { Rsi } from "../features/rsi.ts";
import { Sma } from "../features/sma.ts";
import { paramField, resolveParams } from "./params.ts";
import type { Strategy, StrategyContext, StrategyDefinition, StrategyParams } from "./strategy.ts";

/**
 * Moving-average crossover with an RSI filter: long while the fast SMA is
 * above the slow one, entered only when RSI is below `rsiMax` (not chasing an
 * overbought market); out (or short, if allowed) while the fast SMA is below.
 */
export const momentum: StrategyDefinition = {
  name: "momentum",
  description: "SMA crossover (fast over slow) with an RSI filter on entries",
  params: [
    { name: "fast", type: "integer", default: 20, min: 1, max: 1000, description: "fast SMA period" },
    { name: "slow", type: "integer", default: 100, min: 2, max: 5000, description: "slow SMA period (must exceed fast)" },
    { name: "rsiPeriod", type: "integer", default: 14, min: 2, max: 500, description: "RSI period (Wilder)" },
    { name: "rsiMax", type: "number", default: 70, min: 0, max: 100, description: "enter long only while RSI is below this" },
    { name: "allowShort", type: "boolean", default: false, description: "go short while fast < slow (RSI above 100 - rsiMax)" },
  ],
  create(given) {
    const p = resolveParams("momentum", this.params, given);
    if (p.fast >= p.slow) {
      throw new StrategyError(`momentum: fast period (${p.fast}) must be shorter than slow period (${p.slow})`, { field: paramField("fast") });
    }
    return new Momentum(p);
  },
};

class Momentum implements Strategy {
  readonly name = "momentum";
  private readonly fast: Sma;
  private readonly slow: Sma;
  private readonly rsi: Rsi;
  private readonly rsiMax: number;
  private readonly allowShort: boolean;
  private state: Direction = "flat";

  constructor(p: StrategyParams) {
    this.fast = new Sma(p.fast as number);
    this.slow = new Sma(p.slow as number);
    this.rsi = new Rsi(p.rsiPeriod as number);
    this.rsiMax = p.rsiMax as number;
    this.allowShort = p.allowShort as boolean;
  }

  onBar(bar: Bar, ctx: StrategyContext): Signal | null {
    const fast = this.fast.add(bar.close);
    const slow = this.slow.add(bar.close);
    const rsi = this.rsi.add(bar.close);
    if (!(this.slow.isStable && this.rsi.isStable)) return null;
    const want = this.desired(fast, slow, rsi);
    if (want === null || want === this.state) return null;
    this.state = want;
    const gap = Math.abs(fast - slow) / slow;
    return {
      symbol: ctx.symbol,
      time: bar.time,
      direction: want,
      confidence: Math.min(1, gap / 0.02),
      reason: reasonText`SMA(${this.fast.period}) ${fast > slow ? "above" : "below"} SMA(${this.slow.period}), RSI ${rsi.toFixed(1)}`,
    };
  }

  /** The direction the indicators ask for, or null to hold whatever is held. */
  private desired(fast: number, slow: number, rsi: number): Direction | null {
    if (fast > slow) return this.state === "long" || rsi < this.rsiMax ? "long" : this.state === "short" ? "flat" : null;
    if (fast < slow) {
      if (!this.allowShort) return "flat";
      return this.state === "short" || rsi > 100 - this.rsiMax ? "short" : this.state === "long" ? "flat" : null;
    }
    return null;
  }
}
