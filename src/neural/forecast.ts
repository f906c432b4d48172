import { ConfigError } from "../core/errors.ts";
import { cpuPredictor, type Predictor } from "./predictor.ts";
import { checkCloses, writeWindow } from "./train.ts";
import type { TrainedModel } from "./weights.ts";

/**
 * The next `steps` closes after the series: the model reads the last window
 * and gives its horizon; longer requests feed the forecast back as input
 * (each round's errors compound, so steps past the horizon are weaker).
 */
export async function forecastCloses(
  trained: TrainedModel, closes: ArrayLike<number>, steps = trained.model.config.horizon, predictor: Predictor = cpuPredictor,
): Promise<number[]> {
  const { inputSize, horizon } = trained.model.config;
  if (!Number.isInteger(steps) || steps < 1) throw new ConfigError(`horizon must be a positive integer, got ${steps}`, { field: "horizon" });
  if (closes.length < inputSize) {
    throw new ConfigError(`the ${trained.model.config.kind} model reads ${inputSize} closes, the series has ${closes.length}`, { field: "data" });
  }
  checkCloses(closes);
  const series = Array.from(closes).slice(-inputSize);
  const x = new Float32Array(inputSize);
  const out: number[] = [];
  while (out.length < steps) {
    const t = series.length - 1;
    writeWindow(series, t, inputSize, trained.normalization.scale, x);
    const y = await predictor.predict(trained.model, trained.weights, x, 1);
    for (let j = 0; j < horizon && out.length < steps; j++) {
      const close = series[t] * Math.exp(trained.normalization.scale * y[j]);
      out.push(close);
      series.push(close);
    }
  }
  return out;
}

export interface ForecastErrors {
  mae: number;
  rmse: number;
  /** Mean absolute percentage error, in percent. */
  mape: number;
}

export interface Evaluation extends ForecastErrors {
  /** The last-value forecast on the same origins. */
  naive: ForecastErrors;
  origins: number;
}

/**
 * Rolling-origin errors of the predicted closes: one forecast of the whole
 * horizon from every origin t in [firstOrigin, n − 1 − H], each step compared
 * with the close that came. The weights must have been fitted on data before
 * firstOrigin + 1 for this to be out of sample (the caller's promise).
 */
export async function evaluateForecasts(
  trained: TrainedModel, closes: ArrayLike<number>, firstOrigin: number, predictor: Predictor = cpuPredictor,
): Promise<Evaluation> {
  const { inputSize: L, horizon: H } = trained.model.config;
  const { scale } = trained.normalization;
  checkCloses(closes);
  const lastOrigin = closes.length - 1 - H;
  if (firstOrigin < L - 1 || firstOrigin > lastOrigin) {
    throw new ConfigError(`origins from ${firstOrigin} leave no window of ${L} + ${H} in ${closes.length} closes`, { field: "origin" });
  }
  const count = lastOrigin - firstOrigin + 1;
  const x = new Float32Array(count * L);
  for (let n = 0; n < count; n++) writeWindow(closes, firstOrigin + n, L, scale, x, n * L);
  const y = await predictor.predict(trained.model, trained.weights, x, count);
  const model = new ErrorSum();
  const naive = new ErrorSum();
  for (let n = 0; n < count; n++) {
    const t = firstOrigin + n;
    for (let j = 0; j < H; j++) {
      const actual = closes[t + 1 + j];
      model.add(closes[t] * Math.exp(scale * y[n * H + j]), actual);
      naive.add(closes[t], actual);
    }
  }
  return { ...model.errors(), naive: naive.errors(), origins: count };
}

/** Running MAE, RMSE and MAPE of predicted against actual values. */
export class ErrorSum {
  private abs = 0;
  private sq = 0;
  private pct = 0;
  private n = 0;

  add(predicted: number, actual: number): void {
    const e = predicted - actual;
    this.abs += Math.abs(e);
    this.sq += e * e;
    this.pct += Math.abs(e / actual);
    this.n++;
  }

  errors(): ForecastErrors {
    return { mae: this.abs / this.n, rmse: Math.sqrt(this.sq / this.n), mape: (100 * this.pct) / this.n };
  }
}
