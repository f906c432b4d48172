// A forecast as every front end asks for it (`nt forecast`, POST /forecast):
// which steps, and whether to score the model on a held-out tail. The
// front ends only find the weights (a file, the bundled bytes, or a fit here).
import { ConfigError } from "../core/errors.ts";
import { ErrorSum, forecastCloses, type ForecastErrors } from "./forecast.ts";
import { defaultConfig, type ModelKind } from "./model.ts";
import { createModel } from "./models.ts";
import { cpuPredictor, type Backend, type Predictor } from "./predictor.ts";
import { checkCloses, DEFAULT_TRAIN_OPTIONS, train, writeWindow, type EpochReport } from "./train.ts";
import type { TrainedModel } from "./weights.ts";

/**
 * Closes held out at the end of the series by an evaluation. The shipped
 * weights were fitted without the last 250 bundled closes
 * (scripts/train-weights.ts), so on the bundled series this tail is out of sample.
 */
export const DEFAULT_TAIL = 250;

export interface ForecastOptions {
  /** Steps to forecast, from 1 to the model's own horizon (default: all of them). */
  horizon?: number;
  /** Also score rolling-origin forecasts over the last `tail` closes, next to the naive forecast. */
  evaluate?: boolean;
  tail?: number;
}

export interface ForecastEvaluation extends ForecastErrors {
  /** The last-value forecast from the same origins. */
  naive: ForecastErrors;
  /** Held-out closes at the end of the series. */
  tail: number;
  /** Origins forecast from, each scored on `horizon` steps. */
  origins: number;
}

export interface ForecastReport {
  model: string;
  horizon: number;
  backend: Backend;
  /** Closes each forecast reads. */
  inputSize: number;
  /** What the weights were fitted on (their train.data metadata), or null where unknown. */
  trainedOn: string | null;
  /** The series' last close: the naive forecast of every step. */
  lastClose: number;
  /** The next `horizon` closes. */
  forecast: number[];
  evaluation?: ForecastEvaluation;
}

/** The steps to forecast: 1 up to the model's own horizon (further needs a model trained for it). */
export function forecastHorizon(trained: TrainedModel, horizon?: number): number {
  const { kind, horizon: max } = trained.model.config;
  if (horizon === undefined) return max;
  if (!Number.isInteger(horizon) || horizon < 1) throw new ConfigError(`horizon must be a positive integer, got ${horizon}`, { field: "horizon" });
  if (horizon > max) {
    throw new ConfigError(`horizon ${horizon} is beyond the ${max} steps these ${kind} weights forecast; a longer horizon needs a model trained for it`, { field: "horizon" });
  }
  return horizon;
}

/**
 * The first origin of an evaluation over the last `tail` closes: the last
 * close before the tail. Every origin needs a full input window behind it.
 */
export function tailOrigin(length: number, inputSize: number, horizon: number, tail: number): number {
  if (!Number.isInteger(tail) || tail < horizon) {
    throw new ConfigError(`tail must be an integer of at least the horizon (${horizon}), got ${tail}`, { field: "tail" });
  }
  const first = length - tail - 1;
  if (first < inputSize - 1) {
    throw new ConfigError(`an evaluation over the last ${tail} closes needs ${inputSize} closes before them (${inputSize + tail} in all); the series has ${length}`, { field: "tail" });
  }
  return first;
}

/**
 * Rolling-origin forecasts: from every origin t in [firstOrigin, n − 1 − steps],
 * the next `steps` closes predicted from the window ending at t, so each reads
 * closes up to t only. One batch through the predictor.
 */
export async function rollingForecasts(
  trained: TrainedModel, closes: ArrayLike<number>, firstOrigin: number, steps: number, predictor: Predictor = cpuPredictor,
): Promise<Float64Array[]> {
  const { inputSize: L, horizon: H } = trained.model.config;
  const { scale } = trained.normalization;
  const count = closes.length - steps - firstOrigin;
  if (firstOrigin < L - 1 || count < 1 || steps > H) {
    throw new ConfigError(`origins from ${firstOrigin} leave no window of ${L} + ${steps} in ${closes.length} closes`, { field: "origin" });
  }
  const x = new Float32Array(count * L);
  for (let n = 0; n < count; n++) writeWindow(closes, firstOrigin + n, L, scale, x, n * L);
  const y = await predictor.predict(trained.model, trained.weights, x, count);
  // The same arithmetic as evaluateForecasts, so the two agree to the bit at the full horizon.
  return Array.from({ length: count }, (_, n) => {
    const last = closes[firstOrigin + n];
    return Float64Array.from({ length: steps }, (_, j) => last * Math.exp(scale * y[n * H + j]));
  });
}

/** Errors of the rolling-origin forecasts over the last `tail` closes, and of the naive forecast from the same origins. */
export async function evaluateTail(
  trained: TrainedModel, closes: ArrayLike<number>, tail: number, steps: number, predictor: Predictor = cpuPredictor,
): Promise<ForecastEvaluation> {
  const first = tailOrigin(closes.length, trained.model.config.inputSize, steps, tail);
  const forecasts = await rollingForecasts(trained, closes, first, steps, predictor);
  const model = new ErrorSum();
  const naive = new ErrorSum();
  forecasts.forEach((f, n) => {
    const t = first + n;
    for (let j = 0; j < steps; j++) {
      model.add(f[j], closes[t + 1 + j]);
      naive.add(closes[t], closes[t + 1 + j]);
    }
  });
  return { ...model.errors(), naive: naive.errors(), tail, origins: forecasts.length };
}

/**
 * The root-mean-square error of each forecast step (1..steps) over the
 * rolling-origin forecasts of the last `tail` closes, the same origins
 * evaluateTail scores: element j is the RMSE of the (j + 1)-step-ahead
 * forecasts, in the series' price units. The weights' metadata keeps only
 * one MAE pooled over all steps (eval.mae, in the bundled series' points),
 * so a band that widens with the step is measured here, per step.
 */
export async function stepRmse(
  trained: TrainedModel, closes: ArrayLike<number>, tail: number, steps: number, predictor: Predictor = cpuPredictor,
): Promise<number[]> {
  const first = tailOrigin(closes.length, trained.model.config.inputSize, steps, tail);
  const forecasts = await rollingForecasts(trained, closes, first, steps, predictor);
  const sq = new Float64Array(steps);
  forecasts.forEach((f, n) => {
    for (let j = 0; j < steps; j++) sq[j] += (f[j] - closes[first + n + 1 + j]) ** 2;
  });
  return Array.from(sq, (s) => Math.sqrt(s / forecasts.length));
}

/** The forecast of the next closes after the series and, when asked, the model's score on its tail. */
export async function forecastReport(
  trained: TrainedModel, closes: ArrayLike<number>, options: ForecastOptions = {}, predictor: Predictor = cpuPredictor,
  model: string = trained.model.config.kind,
): Promise<ForecastReport> {
  checkCloses(closes);
  const horizon = forecastHorizon(trained, options.horizon);
  const { inputSize } = trained.model.config;
  const tail = options.tail ?? DEFAULT_TAIL;
  // Checked before any work, so a too-short series fails at once.
  if (options.evaluate) tailOrigin(closes.length, inputSize, horizon, tail);
  const report: ForecastReport = {
    model, horizon, backend: predictor.backend, inputSize, trainedOn: trained.info["train.data"] ?? null,
    lastClose: closes[closes.length - 1], forecast: await forecastCloses(trained, closes, horizon, predictor),
  };
  if (options.evaluate) report.evaluation = await evaluateTail(trained, closes, tail, horizon, predictor);
  const e = report.evaluation;
  if (!report.forecast.every(Number.isFinite) || (e && ![e.mae, e.rmse, e.mape].every(Number.isFinite))) {
    // Inputs far outside what the weights saw (moves of thousands of percent) overflow exp(): say so rather than print nulls.
    throw new ConfigError(`the ${model} forecast is not finite: the closes move far beyond anything the weights were fitted on`, { field: "data" });
  }
  return report;
}

export interface FitOptions {
  /** The model's horizon (default: the shipped models' 8). */
  horizon?: number;
  seed?: number;
  /** Fit only on the closes before the last `tail` (default 250), which an evaluation then scores. */
  evaluate?: boolean;
  tail?: number;
  onEpoch?: (report: EpochReport) => void;
}

/**
 * A fresh model of `kind` at the shipped sizes, fitted here. When it is to be
 * evaluated it sees only the closes up to the tail's first origin, so every
 * rolling-origin forecast is out of sample (no look-ahead; tested).
 */
export function fitForecaster(kind: ModelKind, closes: ArrayLike<number>, options: FitOptions = {}): TrainedModel {
  const config = defaultConfig(kind, undefined, options.horizon);
  const model = createModel(config);
  const fitted = options.evaluate ? tailOrigin(closes.length, config.inputSize, config.horizon, options.tail ?? DEFAULT_TAIL) + 1 : closes.length;
  const seed = options.seed ?? DEFAULT_TRAIN_OPTIONS.seed;
  const result = train(model, Array.from({ length: fitted }, (_, i) => closes[i]), { seed, onEpoch: options.onEpoch });
  const held = closes.length - fitted;
  return {
    model, weights: result.weights, normalization: result.normalization,
    info: {
      "train.data": held > 0 ? `the first ${fitted} of ${closes.length} closes (the last ${held} held out)` : `all ${fitted} closes`,
      "train.seed": String(seed),
      "train.best_epoch": String(result.bestEpoch),
    },
  };
}
