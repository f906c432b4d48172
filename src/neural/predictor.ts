import { ConfigError } from "../core/errors.ts";
import type { Model } from "./model.ts";
import { predict } from "./train.ts";

export type Backend = "webgpu" | "cpu";

/**
 * Where a model's forward pass runs. Every backend gives the CPU reference's
 * answers to float32 rounding, so callers (forecasts, evaluation, the
 * neural-forecast strategy) never depend on which one they were handed.
 */
export interface Predictor {
  readonly backend: Backend;
  /** The model's outputs [count, horizon] for windows x [count, inputSize]. */
  predict(model: Model, weights: Float32Array, x: Float32Array, count: number): Promise<Float32Array>;
}

/** The plain TypeScript forward pass: the reference, and the fallback where no GPU adapter exists. */
export const cpuPredictor: Predictor = {
  backend: "cpu",
  predict: async (model, weights, x, count) => predict(model, weights, x, count),
};

/** Checks a predict call's sizes (every backend's), naming what does not fit. */
export function checkPredictArgs(model: Model, weights: Float32Array, x: Float32Array, count: number): void {
  const { inputSize: L } = model.config;
  if (!Number.isInteger(count) || count < 0 || x.length < count * L) {
    throw new ConfigError(`predict: ${count} windows of ${L} need ${count * L} inputs, got ${x.length}`, { field: "count" });
  }
  if (weights.length !== model.layout.size) {
    throw new ConfigError(`predict: the ${model.config.kind} model has ${model.layout.size} weights, got ${weights.length}`, { field: "weights" });
  }
}
