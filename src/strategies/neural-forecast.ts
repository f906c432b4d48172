import type { Bar } from "../core/data.ts";
import { StrategyError } from "../core/errors.ts";
import { reasonText, type Direction, type Signal } from "../core/signal.ts";
import type { Model } from "../neural/model.ts";
import { createModel } from "../neural/models.ts";
import { train, writeWindow } from "../neural/train.ts";
import { paramField, resolveParams } from "./params.ts";
import type { ParamSpec, Strategy, StrategyContext, StrategyDefinition, StrategyParams } from "./strategy.ts";

/** The fitted network's fixed sizes (small, so a refit takes a fraction of a second). */
const HIDDEN = 32;
const SEED = 1;

/** The forecast's parameters, shared with the strategies built on it (neural-sentiment). */
export const FORECAST_PARAMS: readonly ParamSpec[] = [
  { name: "window", type: "integer", default: 32, min: 8, max: 512, description: "closes each forecast reads (the network's input window)" },
  { name: "horizon", type: "integer", default: 5, min: 1, max: 64, description: "bars ahead the forecast looks; the trade follows its predicted return" },
  { name: "trainBars", type: "integer", default: 1000, min: 50, max: 100_000, description: "most recent bars each fit uses (the first fit waits for this many)" },
  { name: "retrainEvery", type: "integer", default: 250, min: 1, max: 1_000_000, description: "bars between refits" },
  { name: "epochs", type: "integer", default: 8, min: 1, max: 200, description: "most training epochs per fit (early stopping on the fit's last 20%)" },
  { name: "errorWindow", type: "integer", default: 60, min: 2, max: 10_000, description: "recent resolved forecasts whose RMSE sets the confidence" },
  { name: "minConfidence", type: "number", default: 0.3, min: 0, max: 1, description: "trade only when |predicted return| / recent RMSE is at least this" },
];

/**
 * Trades the return an NHITS network predicts over the next `horizon` bars.
 * No look-ahead by construction: the network is fitted walk-forward, only on
 * the last `trainBars` closes the strategy has seen (first when that many
 * have passed, then every `retrainEvery` bars), and each forecast reads the
 * window ending at the current close. Shipped weights are not used: they
 * were fitted on the bundled S&P 500 up to 2019, inside most backtests.
 *
 * Confidence is the predicted return over the recent forecast error: the
 * RMSE of the last `errorWindow` forecasts whose horizon has since passed.
 * Below `minConfidence` the strategy stays out; above it, the position it
 * opens is scaled by the confidence (capped at 1).
 */
export const neuralForecast: StrategyDefinition = {
  name: "neural-forecast",
  description: "trades the return an NHITS network, refitted walk-forward on past bars only, predicts over the horizon; sized by its confidence",
  params: [
    ...FORECAST_PARAMS,
    { name: "allowShort", type: "boolean", default: false, description: "go short when a fall is predicted" },
  ],
  create(given) {
    const p = resolveParams("neural-forecast", this.params, given);
    checkForecastParams("neural-forecast", p);
    return new NeuralForecast(p);
  },
};

/** The first fit needs windows of window + horizon closes, 20% of them held back for validation. */
export function checkForecastParams(strategy: string, p: StrategyParams): void {
  const needed = Math.ceil(((p.window as number) + (p.horizon as number)) / 0.8) + 2;
  if ((p.trainBars as number) < needed) {
    throw new StrategyError(`${strategy}: trainBars (${p.trainBars}) must be at least ${needed} to fit windows of ${p.window} + ${p.horizon} with a 20% validation split`, { field: paramField("trainBars") });
  }
}

class NeuralForecast implements Strategy {
  readonly name = "neural-forecast";
  private readonly forecaster: WalkForwardForecaster;
  private readonly p: { horizon: number; minConfidence: number; allowShort: boolean };
  private state: Direction = "flat";

  constructor(params: StrategyParams) {
    this.p = params as NeuralForecast["p"];
    this.forecaster = new WalkForwardForecaster(params as unknown as ForecasterOptions);
  }

  onBar(bar: Bar, ctx: StrategyContext): Signal | null {
    const { p } = this;
    const reading = this.forecaster.update(bar.close);
    if (reading === null) return null;
    const { forecast, rmse, confidence } = reading;
    const want: Direction = confidence < p.minConfidence ? "flat" : forecast > 0 ? "long" : p.allowShort ? "short" : "flat";
    if (want === this.state) return null;
    this.state = want;
    return {
      symbol: ctx.symbol,
      time: bar.time,
      direction: want,
      confidence,
      sizeFactor: confidence,
      reason: reasonText`forecast ${percent(Math.expm1(forecast))} over ${p.horizon} bars, recent RMSE ${percent(rmse)}, confidence ${confidence.toFixed(2)}`,
    };
  }
}

/** A return as a signed percentage with two decimals: +1.25%. */
export const percent = (v: number): string => `${v >= 0 ? "+" : ""}${(100 * v).toFixed(2)}%`;

export interface ForecasterOptions {
  readonly window: number;
  readonly horizon: number;
  readonly trainBars: number;
  readonly retrainEvery: number;
  readonly epochs: number;
  readonly errorWindow: number;
}

/** What the network says after a bar: the predicted log return over the horizon, the recent RMSE, and their ratio capped at 1. */
export interface ForecastReading {
  readonly forecast: number;
  readonly rmse: number;
  readonly confidence: number;
}

/**
 * The forecasting half of neural-forecast, fed one close at a time: fits
 * walk-forward on the closes seen so far and reads the forecast from the
 * window ending at the latest close (see neuralForecast).
 */
export class WalkForwardForecaster {
  private readonly model: Model;
  private readonly closes: number[] = [];
  private weights?: Float32Array;
  private scale = 0;
  private nextFit: number;
  /** The predicted log return from each of the last horizon + 1 origins, by origin mod (horizon + 1); NaN where none. */
  private readonly predicted: Float64Array;
  /** Errors of resolved forecasts, a ring of errorWindow. */
  private readonly errors: Float64Array;
  private errorCount = 0;
  private readonly x: Float32Array;

  constructor(private readonly p: ForecasterOptions) {
    const { window, horizon } = p;
    this.model = createModel({
      kind: "nhits", inputSize: window, horizon, hidden: HIDDEN, mlpLayers: 2,
      poolKernels: [4, 2, 1], downsample: [Math.min(4, horizon), Math.min(2, horizon), 1],
    });
    this.nextFit = p.trainBars - 1;
    this.predicted = new Float64Array(horizon + 1).fill(NaN);
    this.errors = new Float64Array(p.errorWindow);
    this.x = new Float32Array(window);
  }

  /** Takes the latest close; the reading once fitted and errorWindow forecasts have resolved, else null. */
  update(close: number): ForecastReading | null {
    const { closes, p } = this;
    closes.push(close);
    const t = closes.length - 1;
    if (!(close > 0)) return null;
    if (t >= this.nextFit) this.fit();
    if (this.weights === undefined) return null;

    // The forecast made horizon bars ago has resolved: its error joins the recent ones.
    const slot = (i: number) => i % (p.horizon + 1);
    const then = this.predicted[slot(t)];
    if (t >= p.horizon && !Number.isNaN(then)) {
      this.errors[this.errorCount++ % p.errorWindow] = then - Math.log(close / closes[t - p.horizon]);
    }
    const forecast = this.forecast(t);
    this.predicted[slot(t)] = forecast;
    if (this.errorCount < p.errorWindow || Number.isNaN(forecast)) return null;

    let sq = 0;
    for (const e of this.errors) sq += e * e;
    const rmse = Math.sqrt(sq / p.errorWindow);
    const confidence = rmse > 0 ? Math.min(1, Math.abs(forecast) / rmse) : 1;
    return { forecast, rmse, confidence };
  }

  /** Fits on the last trainBars closes seen (all up to now), seeded: the same bars give the same weights. */
  private fit(): void {
    const { closes, p } = this;
    this.nextFit += p.retrainEvery;
    const recent = closes.slice(-p.trainBars);
    if (recent.some((c) => !(Number.isFinite(c) && c > 0))) return;
    try {
      const result = train(this.model, recent, { seed: SEED, maxEpochs: p.epochs, patience: 3 });
      this.weights = result.weights;
      this.scale = result.normalization.scale;
    } catch {
      // Closes that never move (a zero return scale): keep the previous fit, or none.
    }
  }

  /** The predicted log return from now to horizon bars ahead; NaN when the window holds a bad close. */
  private forecast(t: number): number {
    const { window, horizon } = this.p;
    for (let i = t - window + 1; i <= t; i++) if (!(this.closes[i] > 0)) return NaN;
    writeWindow(this.closes, t, window, this.scale, this.x);
    const y = this.model.forward(this.weights!, this.x, 1).y;
    return this.scale * y[horizon - 1];
  }
}
