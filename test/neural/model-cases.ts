// Whole-model forward passes on a Predictor against the CPU forward (the
// reference), for the shipped weights on S&P 500 windows and for small random
// models at odd sizes. Runtime-free: the Node test, the Deno script and the
// Chromium page run these same cases, each handing in the files it read.
import { compare, REL } from "../gpu/op-cases.ts";
import { MODEL_KINDS, type ModelConfig, type ModelKind } from "../../src/neural/model.ts";
import { createModel } from "../../src/neural/models.ts";
import type { Predictor } from "../../src/neural/predictor.ts";
import { writeWindow } from "../../src/neural/train.ts";
import { loadWeights } from "../../src/neural/weights.ts";
import { Random } from "../../src/core/random.ts";

export interface ModelCaseResult {
  readonly name: string;
  readonly ok: boolean;
  /** Largest |gpu − cpu| / max(|cpu|, 0.01) over the outputs (op-cases' compare). */
  readonly worst: number;
  readonly detail: string;
}

/** Odd sizes: ceil-mode pooling, uneven knots, a horizon not a multiple of anything, three heads. */
export const SMALL_CONFIGS: readonly ModelConfig[] = [
  { kind: "nhits", inputSize: 13, horizon: 5, hidden: 8, mlpLayers: 3, poolKernels: [3, 2, 1], downsample: [3, 2, 1] },
  { kind: "lstm", inputSize: 7, horizon: 3, hidden: 6, layers: 3 },
  { kind: "transformer", inputSize: 6, horizon: 4, dModel: 12, heads: 3, layers: 2, ffSize: 10 },
];

/** `batch` windows of the closes ending at spread-out origins, normalized with `scale`. */
export function sp500Windows(closes: ArrayLike<number>, inputSize: number, scale: number, batch: number): Float32Array {
  const x = new Float32Array(batch * inputSize);
  for (let b = 0; b < batch; b++) writeWindow(closes, closes.length - 1 - 37 * b, inputSize, scale, x, b * inputSize);
  return x;
}

export async function runModelCases(
  predictor: Predictor, files: Record<ModelKind, Uint8Array>, closes: ArrayLike<number>, batch = 16,
): Promise<ModelCaseResult[]> {
  const results: ModelCaseResult[] = [];
  const record = (name: string, actual: Float32Array, expected: Float32Array) => {
    const { worst, detail } = compare({ name, actual, expected });
    results.push({ name, ok: worst <= REL, worst, detail });
  };
  for (const kind of MODEL_KINDS) {
    const { model, weights, normalization } = loadWeights(files[kind], `models/${kind}.safetensors`);
    const x = sp500Windows(closes, model.config.inputSize, normalization.scale, batch);
    record(`${kind} shipped weights, ${batch} S&P 500 windows`, await predictor.predict(model, weights, x, batch), model.forward(weights, x, batch).y);
  }
  for (const config of SMALL_CONFIGS) {
    const model = createModel(config);
    const rng = new Random(5);
    const weights = model.layout.initialize(rng);
    const x = new Float32Array(5 * config.inputSize).map(() => 6 * rng.uniform() - 3);
    record(`${config.kind} random weights at odd sizes, 5 windows`, await predictor.predict(model, weights, x, 5), model.forward(weights, x, 5).y);
  }
  return results;
}
