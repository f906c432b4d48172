import { ConfigError } from "../core/errors.ts";
import type { ParamLayout } from "./params.ts";

export type ModelKind = "nhits" | "lstm" | "transformer";
export const MODEL_KINDS: readonly ModelKind[] = ["nhits", "lstm", "transformer"];

export interface NhitsConfig {
  kind: "nhits";
  /** Input length L: the closes one forecast reads. */
  inputSize: number;
  /** Forecast steps H. */
  horizon: number;
  /** Width of each block's MLP. */
  hidden: number;
  /** Linear+ReLU layers in each block's MLP. */
  mlpLayers: number;
  /** One entry per stack (one block each): the max-pool kernel over the input. */
  poolKernels: number[];
  /** One entry per stack: the frequency downsampling; the block emits max(floor(H / d), 1) knots. */
  downsample: number[];
}

export interface LstmConfig {
  kind: "lstm";
  inputSize: number;
  horizon: number;
  hidden: number;
  layers: number;
}

export interface TransformerConfig {
  kind: "transformer";
  inputSize: number;
  horizon: number;
  /** Model width D. */
  dModel: number;
  heads: number;
  layers: number;
  /** Width of the GELU feed-forward. */
  ffSize: number;
}

export type ModelConfig = NhitsConfig | LstmConfig | TransformerConfig;

/** A forward pass over a batch: its output [B, H] and the backward from dL/dy. */
export interface ForwardPass {
  readonly y: Float32Array;
  /** Adds dL/dθ into `grad` (the model's layout) and returns dL/dx [B, L]. */
  backward(dy: Float32Array, grad: Float32Array): Float32Array;
}

/**
 * A forecasting network: its parameters (names and shapes in `layout`) and a
 * batched forward over inputs x [B, inputSize] giving y [B, horizon]. The
 * weights are a flat buffer of `layout`, passed in, so one model description
 * serves any number of weight sets.
 */
export interface Model<C extends ModelConfig = ModelConfig> {
  readonly config: C;
  readonly layout: ParamLayout;
  forward(weights: Float32Array, x: Float32Array, batch: number): ForwardPass;
}

/** The size fields of each kind's configuration (what a weights file must state). */
export const CONFIG_FIELDS: Record<ModelKind, readonly string[]> = {
  nhits: ["inputSize", "horizon", "hidden", "mlpLayers", "poolKernels", "downsample"],
  lstm: ["inputSize", "horizon", "hidden", "layers"],
  transformer: ["inputSize", "horizon", "dModel", "heads", "layers", "ffSize"],
};

/** The sizes the shipped weights use (README, "Neural forecasting"). */
export function defaultConfig(kind: ModelKind, inputSize = 64, horizon = 8): ModelConfig {
  switch (kind) {
    case "nhits":
      return { kind, inputSize, horizon, hidden: 128, mlpLayers: 2, poolKernels: [2, 2, 1], downsample: [4, 2, 1] };
    case "lstm":
      return { kind, inputSize, horizon, hidden: 32, layers: 2 };
    case "transformer":
      return { kind, inputSize, horizon, dModel: 16, heads: 2, layers: 2, ffSize: 64 };
  }
}

/** Knots a block with downsampling d emits for horizon h (neuralforecast: max(h // d, 1)). */
export function knotCount(horizon: number, downsample: number): number {
  return Math.max(Math.floor(horizon / downsample), 1);
}

/** Checks a configuration's sizes, naming the first bad field. */
export function validateConfig(config: ModelConfig): ModelConfig {
  const positive = (field: string, value: unknown, max = 1 << 20) => {
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) {
      throw new ConfigError(`${field} must be an integer from 1 to ${max}, got ${JSON.stringify(value)}`, { field });
    }
  };
  if (!MODEL_KINDS.includes(config?.kind)) {
    throw new ConfigError(`model kind must be one of ${MODEL_KINDS.join(", ")}, got ${JSON.stringify(config?.kind)}`, { field: "kind" });
  }
  positive("inputSize", config.inputSize, 65536);
  positive("horizon", config.horizon, 65536);
  switch (config.kind) {
    case "nhits": {
      positive("hidden", config.hidden);
      positive("mlpLayers", config.mlpLayers, 64);
      for (const field of ["poolKernels", "downsample"] as const) {
        const list = config[field];
        if (!Array.isArray(list) || list.length === 0 || list.length !== config.poolKernels.length) {
          throw new ConfigError(`${field} must be a non-empty list with one entry per stack (as many as poolKernels)`, { field });
        }
        list.forEach((v, i) => positive(`${field}[${i}]`, v, config.inputSize));
      }
      break;
    }
    case "lstm":
      positive("hidden", config.hidden);
      positive("layers", config.layers, 64);
      break;
    case "transformer":
      positive("dModel", config.dModel);
      positive("heads", config.heads, config.dModel);
      positive("layers", config.layers, 64);
      positive("ffSize", config.ffSize);
      if (config.dModel % config.heads !== 0) {
        throw new ConfigError(`dModel ${config.dModel} must be a multiple of heads ${config.heads}`, { field: "heads" });
      }
      if (config.dModel % 2 !== 0) throw new ConfigError(`dModel must be even for the sinusoidal encoding, got ${config.dModel}`, { field: "dModel" });
      break;
  }
  return config;
}
