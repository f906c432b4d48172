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
