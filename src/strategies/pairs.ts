import type { SymbolId } from "../core/data.ts";
import { StrategyError } from "../core/errors.ts";
import { engleGranger, fitLine, KalmanHedge, SIGNIFICANCE_LEVELS, type EngleGrangerResult, type Significance } from "./cointegration.ts";
import { paramField, resolveParams } from "./params.ts";
import type { BookContext, BookStrategy, BookTargets, StrategyDefinition, StrategyParams } from "./strategy.ts";

/**
 * Pairs trading on two aligned series A and B (the first and second given):
 * the spread of their log closes, log A - beta log B - alpha, with the hedge
 * ratio beta from a rolling least-squares fit over `lookback` bars or from a
 * Kalman filter, and its z-score: the current residual over the fit's
 * residual standard error, or the filter's forecast error over the root
 * mean square of its last `lookback` forecast errors (so the z-score does
 * not hang on kalmanNoise being the spread's true variance). Below -entryZ the spread is cheap: long A, short B; above
 * +entryZ, the reverse. Out when z comes back within exitZ of zero, or past
 * stopZ the wrong way (a stop: no new entry until z is back within exitZ).
 *
 * Both legs move together, on the same bar, by one set of target weights:
 * 1 / (1 + beta) of the position fraction in A and beta / (1 + beta) in B,
 * opposite sides, so the dollars of the legs are in the hedge ratio (a
 * log-price regression's beta is a ratio of percentage moves), dollar
 * neutral when beta is 1. The hedge ratio is fixed for the trade.
 *
 * Entries wait, unless requireCointegration is off, for an Engle–Granger
 * test on the last testWindow bars (OLS, then ADF on the residuals against
 * MacKinnon's critical values, src/strategies/cointegration.ts) to reject
 * "no cointegration" at `significance`; it is rerun every `retest` bars.
 * Everything is computed from bars already seen: the closes are appended
 * as each moment closes and nothing reads ahead.
 */
export const pairs: StrategyDefinition = {
  name: "pairs",
  description: "pairs trading: z-score of the log-price spread of two cointegrated series (Engle–Granger), hedge ratio by rolling OLS or a Kalman filter",
  inputs: { series: 2, shortSelling: true, why: "two aligned series, the pair's legs" },
  params: [
    { name: "lookback", type: "integer", default: 60, min: 10, max: 5000, description: "bars of the rolling hedge-ratio fit and of the spread's standard error (with kalman: bars before trading)" },
    { name: "kalman", type: "boolean", default: false, description: "track the hedge ratio with a Kalman filter instead of rolling OLS" },
    { name: "kalmanDelta", type: "number", default: 0.000001, min: 0, max: 0.5, minExclusive: true, description: "how fast the Kalman hedge ratio may drift: state noise delta / (1 - delta), against kalmanNoise" },
    { name: "kalmanNoise", type: "number", default: 0.001, min: 0, max: 1, minExclusive: true, description: "the Kalman filter's observation noise variance, in squared log price" },
    { name: "entryZ", type: "number", default: 2, min: 0.1, max: 10, description: "enter when the spread's |z| exceeds this" },
    { name: "exitZ", type: "number", default: 0.5, min: 0, max: 10, description: "exit when |z| comes back within this" },
    { name: "stopZ", type: "number", default: 4, min: 0.2, max: 50, description: "stop out when |z| widens past this" },
    { name: "requireCointegration", type: "boolean", default: true, description: "enter only while the Engle–Granger test rejects no cointegration" },
    { name: "testWindow", type: "integer", default: 250, min: 30, max: 100_000, description: "bars the Engle–Granger test reads" },
    { name: "retest", type: "integer", default: 21, min: 1, max: 100_000, description: "bars between Engle–Granger tests" },
    { name: "significance", type: "number", default: 0.05, min: 0.01, max: 0.1, description: "the test's level: 0.01, 0.05 or 0.1 (MacKinnon's critical values)" },
    { name: "adfLags", type: "integer", default: 1, min: 0, max: 20, description: "lagged differences in the test's ADF regression" },
  ],
  create() {
    throw new StrategyError("pairs trades two series together; give both (nt backtest --data A.csv --data B.csv, or the API's series)", { field: "strategy" });
  },
  createBook(given, data) {
    const p = resolveParams("pairs", this.params, given);
    const [entry, exit, stop] = [p.entryZ as number, p.exitZ as number, p.stopZ as number];
    if (!(exit < entry)) throw new StrategyError(`pairs: exitZ (${exit}) must be below entryZ (${entry})`, { field: paramField("exitZ") });
    if (!(stop > entry)) throw new StrategyError(`pairs: stopZ (${stop}) must be above entryZ (${entry})`, { field: paramField("stopZ") });
    if (!(SIGNIFICANCE_LEVELS as readonly number[]).includes(p.significance as number)) {
      throw new StrategyError(`pairs: significance must be one of ${SIGNIFICANCE_LEVELS.join(", ")} (MacKinnon's tables), got ${p.significance}`, { field: paramField("significance") });
    }
    if (data.symbols.length !== 2) {
      throw new StrategyError(`pairs trades exactly two series (the pair's legs), got ${data.symbols.length}`, { field: "series" });
    }
    return new Pairs(p, data.symbols[0], data.symbols[1]);
  },
};

type State = "flat" | "long" | "short" | "stopped";

interface Spread {
  readonly z: number;
  readonly beta: number;
}

class Pairs implements BookStrategy {
  readonly name = "pairs";
  private readonly p: {
    lookback: number; kalman: boolean; kalmanDelta: number; kalmanNoise: number; entryZ: number; exitZ: number; stopZ: number;
    requireCointegration: boolean; testWindow: number; retest: number; significance: Significance; adfLags: number;
  };
  /** Log closes of A and B seen so far. */
  private readonly la: number[] = [];
  private readonly lb: number[] = [];
  private readonly filter: KalmanHedge | null;
  /** The filter's forecast errors so far. */
  private readonly errors: number[] = [];
  private test: EngleGrangerResult | null = null;
  private nextTest: number;
  private state: State = "flat";

  constructor(params: StrategyParams, private readonly a: SymbolId, private readonly b: SymbolId) {
    this.p = params as Pairs["p"];
    this.filter = this.p.kalman ? new KalmanHedge(this.p.kalmanDelta, this.p.kalmanNoise) : null;
    this.nextTest = this.p.testWindow - 1;
  }

  onBars(ctx: BookContext): BookTargets | null {
    const ca = last(ctx, this.a);
    const cb = last(ctx, this.b);
    // A close that is not a price has no log: the bar is left out of both legs.
    if (!(ca > 0 && cb > 0)) return null;
    this.la.push(Math.log(ca));
    this.lb.push(Math.log(cb));
    const t = this.la.length - 1;
    const spread = this.spread(t);
    if (this.p.requireCointegration && t >= this.nextTest) {
      this.nextTest = t + this.p.retest;
      this.test = engleGranger(this.la, this.lb, { from: t + 1 - this.p.testWindow, to: t + 1, lags: this.p.adfLags, level: this.p.significance });
    }
    return spread === null ? null : this.decide(spread);
  }

  /** The spread's z-score and hedge ratio at bar t, from bars 0..t; null while warming up. */
  private spread(t: number): Spread | null {
    const { la, lb, filter, p } = this;
    if (filter) {
      const e = filter.update(la[t], lb[t]);
      this.errors.push(e);
      if (t + 1 < p.lookback) return null;
      let sq = 0;
      for (let i = t + 1 - p.lookback; i <= t; i++) sq += this.errors[i] * this.errors[i];
      return sq > 0 ? { z: e / Math.sqrt(sq / p.lookback), beta: filter.beta } : null;
    }
    if (t + 1 < p.lookback) return null;
    const fit = fitLine(la, lb, t + 1 - p.lookback, t + 1);
    if (!(fit.residualSd > 0)) return null;
    return { z: (la[t] - fit.alpha - fit.beta * lb[t]) / fit.residualSd, beta: fit.beta };
  }

  private decide({ z, beta }: Spread): BookTargets | null {
    const { entryZ, exitZ, stopZ } = this.p;
    const at = `z ${z.toFixed(2)}`;
    switch (this.state) {
      case "flat": {
        if (!(Math.abs(z) > entryZ && beta > 0) || !this.cointegrated()) return null;
        this.state = z < 0 ? "long" : "short";
        const side = z < 0 ? 1 : -1;
        const [buy, sell] = side > 0 ? [this.a, this.b] : [this.b, this.a];
        return {
          weights: { [this.a]: side / (1 + beta), [this.b]: (-side * beta) / (1 + beta) },
          reason: `pairs: ${at} ${side > 0 ? "below -" : "above +"}${entryZ}: long ${buy}, short ${sell}, hedge ratio ${beta.toFixed(3)}${this.testNote()}`,
        };
      }
      case "long":
      case "short": {
        const against = this.state === "long" ? -z : z;
        if (against > stopZ) return this.exit("stopped", `pairs: stop, ${at} past ${this.state === "long" ? "-" : "+"}${stopZ}`);
        if (against < exitZ) return this.exit("flat", `pairs: ${at} back within ${exitZ}`);
        return null;
      }
      case "stopped":
        if (Math.abs(z) < exitZ) this.state = "flat";
        return null;
    }
  }

  private exit(next: State, reason: string): BookTargets {
    this.state = next;
    return { weights: { [this.a]: 0, [this.b]: 0 }, reason };
  }

  private cointegrated(): boolean {
    return !this.p.requireCointegration || this.test?.cointegrated === true;
  }

  private testNote(): string {
    const t = this.test;
    return t ? `; Engle–Granger ${t.statistic.toFixed(2)} < ${t.critical.toFixed(2)} (${this.p.significance * 100}%)` : "";
  }
}

function last(ctx: BookContext, symbol: SymbolId): number {
  const h = ctx.histories.get(symbol);
  if (!h) throw new StrategyError(`pairs: no bars for ${symbol}`, { field: "series" });
  return h.at(h.length - 1).close;
}
