import type { Bar } from "../core/data.ts";
import { StrategyError } from "../core/errors.ts";
import { reasonText, type Direction, type Signal } from "../core/signal.ts";
import { Bbands } from "../features/bbands.ts";
import { paramField, resolveParams } from "./params.ts";
import type { Strategy, StrategyContext, StrategyDefinition, StrategyParams } from "./strategy.ts";

/**
 * Bollinger/z-score mean reversion: z = (close - SMA) / population sd over
 * `period` bars. Long when z falls below -entryZ (short above +entryZ if
 * allowed); out when z comes back to -exitZ (resp. +exitZ).
 */
export const meanReversion: StrategyDefinition = {
  name: "mean-reversion",
  description: "Bollinger-band z-score reversion to the moving mean",
  params: [
    { name: "period", type: "integer", default: 20, min: 2, max: 5000, description: "lookback of the mean and sd" },
    { name: "entryZ", type: "number", default: 2, min: 0.1, max: 10, description: "enter when |z| exceeds this" },
    { name: "exitZ", type: "number", default: 0, min: -10, max: 10, description: "exit when z reverts past -exitZ (long) or +exitZ (short)" },
    { name: "allowShort", type: "boolean", default: false, description: "also fade moves above the upper band" },
  ],
  create(given) {
    const p = resolveParams("mean-reversion", this.params, given);
    if ((p.exitZ as number) >= (p.entryZ as number)) {
      throw new StrategyError(`mean-reversion: exitZ (${p.exitZ}) must be below entryZ (${p.entryZ})`, { field: paramField("exitZ") });
    }
    return new MeanReversion(p);
  },
};

class MeanReversion implements Strategy {
  readonly name = "mean-reversion";
  private readonly bands: Bbands;
  private readonly entryZ: number;
  private readonly exitZ: number;
  private readonly allowShort: boolean;
  private state: Direction = "flat";

  constructor(p: StrategyParams) {
    // k = 1 makes the band half-width one standard deviation.
    this.bands = new Bbands(p.period as number, 1);
    this.entryZ = p.entryZ as number;
    this.exitZ = p.exitZ as number;
    this.allowShort = p.allowShort as boolean;
  }

  onBar(bar: Bar, ctx: StrategyContext): Signal | null {
    const middle = this.bands.add(bar.close);
    if (!this.bands.isStable) return null;
    const sd = this.bands.upper - middle;
    if (!(sd > 0)) return null;
    const z = (bar.close - middle) / sd;
    const want = this.desired(z);
    if (want === this.state) return null;
    this.state = want;
    return {
      symbol: ctx.symbol,
      time: bar.time,
      direction: want,
      confidence: Math.min(1, Math.abs(z) / (2 * this.entryZ)),
      reason: reasonText`z-score ${z.toFixed(2)} vs ${this.bands.period}-bar mean`,
    };
  }

  private desired(z: number): Direction {
    switch (this.state) {
      case "long": return z >= -this.exitZ ? "flat" : "long";
      case "short": return z <= this.exitZ ? "flat" : "short";
      default:
        if (z < -this.entryZ) return "long";
        if (this.allowShort && z > this.entryZ) return "short";
        return "flat";
    }
  }
}
