import { ConfigError } from "../core/errors.ts";
import { CONFIG_FIELDS, MODEL_KINDS, type Model, type ModelConfig, type ModelKind } from "./model.ts";
import { createModel } from "./models.ts";
import { decodeSafetensors, encodeSafetensors, type Tensor, WeightsError } from "./safetensors.ts";
import type { Normalization } from "./train.ts";

/** Bumped whenever the meaning of the tensors or the metadata changes. */
export const WEIGHTS_FORMAT_VERSION = "1";
const FORMAT = "nt-neural-forecast";
/** How the closes were turned into model inputs (see train.ts). */
const NORMALIZATION_KIND = "log-close-relative";

export interface TrainedModel {
  model: Model;
  weights: Float32Array;
  normalization: Normalization;
  /** Other `__metadata__` pairs (how the weights were trained), kept as written. */
  info: Record<string, string>;
}

/**
 * A model's weights as safetensors, the architecture in `__metadata__`:
 * nt.format, nt.format_version, model.kind, model.<size> (JSON values),
 * norm.kind, norm.scale, plus `info` pairs (prefixed train.* by convention).
 */
export function saveWeights(model: Model, weights: Float32Array, normalization: Normalization, info: Record<string, string> = {}): Uint8Array {
  const metadata: Record<string, string> = {
    ...info, "nt.format": FORMAT, "nt.format_version": WEIGHTS_FORMAT_VERSION, "norm.kind": NORMALIZATION_KIND,
    "norm.scale": String(normalization.scale),
  };
  for (const [field, value] of Object.entries(model.config)) metadata[`model.${field}`] = field === "kind" ? value : JSON.stringify(value);
  const tensors = new Map<string, Tensor>();
  for (const spec of model.layout.specs) tensors.set(spec.name, { shape: spec.shape, data: model.layout.view(weights, spec.name) });
  return encodeSafetensors(tensors, metadata);
}

/**
 * Reads weights written by saveWeights, checking the format version, the
 * architecture, the normalization, and that the tensors are exactly the
 * model's (names and shapes) with finite values.
 */
export function loadWeights(bytes: Uint8Array, source?: string): TrainedModel {
  const fail = (message: string, field?: string): never => {
    throw new WeightsError(message, { source, field });
  };
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata["nt.format"] !== FORMAT) fail(`__metadata__ nt.format is ${JSON.stringify(metadata["nt.format"])}, expected "${FORMAT}"`, "nt.format");
  if (metadata["nt.format_version"] !== WEIGHTS_FORMAT_VERSION) {
    fail(`format version ${JSON.stringify(metadata["nt.format_version"])} is not supported (this build reads ${WEIGHTS_FORMAT_VERSION})`, "nt.format_version");
  }
  const kind = metadata["model.kind"] as ModelKind;
  if (!MODEL_KINDS.includes(kind)) fail(`model.kind ${JSON.stringify(kind)} is not one of ${MODEL_KINDS.join(", ")}`, "model.kind");

  const fields = CONFIG_FIELDS[kind];
  const config: Record<string, unknown> = { kind };
  const info: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (key.startsWith("nt.") || key.startsWith("norm.") || key === "model.kind") continue;
    if (!key.startsWith("model.")) {
      info[key] = value;
      continue;
    }
    if (!fields.includes(key.slice(6))) fail(`${key} is not a size of a ${kind} model`, key);
    try {
      config[key.slice(6)] = JSON.parse(value);
    } catch {
      fail(`${key} is not a JSON value: ${JSON.stringify(value)}`, key);
    }
  }
  for (const field of fields) if (!(field in config)) fail(`__metadata__ lacks model.${field}`, `model.${field}`);
  let model: Model;
  try {
    model = createModel(config as unknown as ModelConfig);
  } catch (e) {
    if (e instanceof ConfigError) return fail(`the architecture in __metadata__ is invalid: ${e.message}`, `model.${e.field}`);
    throw e;
  }

  if (metadata["norm.kind"] !== NORMALIZATION_KIND) fail(`norm.kind ${JSON.stringify(metadata["norm.kind"])} is not "${NORMALIZATION_KIND}"`, "norm.kind");
  const scale = Number(metadata["norm.scale"]);
  if (!(Number.isFinite(scale) && scale > 0)) fail(`norm.scale ${JSON.stringify(metadata["norm.scale"])} is not a positive number`, "norm.scale");

  const weights = new Float32Array(model.layout.size);
  for (const spec of model.layout.specs) {
    const t = tensors.get(spec.name);
    if (!t) return fail(`the file has no tensor "${spec.name}", which a ${kind} model of these sizes needs`, spec.name);
    if (t.shape.join("x") !== spec.shape.join("x")) {
      fail(`shape [${t.shape}] does not match [${spec.shape}] of the ${kind} architecture`, spec.name);
    }
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) fail(`value ${bad} is ${t.data[bad]}, not finite`, spec.name);
    model.layout.view(weights, spec.name).set(t.data);
  }
  const extra = [...tensors.keys()].filter((name) => !model.layout.specs.some((s) => s.name === name));
  if (extra.length) fail(`tensors ${extra.join(", ")} are not part of a ${kind} model`, extra[0]);
  return { model, weights, normalization: { scale }, info };
}
