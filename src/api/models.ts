import { MODEL_KINDS, type ModelKind } from "../neural/model.ts";
import { loadWeights, type TrainedModel } from "../neural/weights.ts";
import { ApiError } from "./errors.ts";

/**
 * The shipped forecasting weights (models/<kind>.safetensors) as a host has
 * them: read from the package's files (Node, Deno) or bundled into the build
 * (the edge), by model kind.
 */
export type ModelSources = Partial<Record<ModelKind, () => Uint8Array | Promise<Uint8Array>>>;

/** The weights POST /forecast runs, each decoded once on first use and shared read-only afterwards. */
export class ModelStore {
  private readonly loaded = new Map<ModelKind, Promise<TrainedModel>>();

  constructor(private readonly sources: ModelSources = {}) {}

  /** The kinds this host ships weights for. */
  get kinds(): ModelKind[] {
    return MODEL_KINDS.filter((k) => this.sources[k] !== undefined);
  }

  get(kind: ModelKind): Promise<TrainedModel> {
    const source = this.sources[kind];
    if (!source) {
      throw new ApiError(501, "model_unavailable", `this deployment ships no ${kind} weights; it has ${this.kinds.join(", ") || "none"}`, "model");
    }
    let model = this.loaded.get(kind);
    if (!model) {
      model = Promise.resolve(source()).then((bytes) => {
        try {
          return loadWeights(bytes, `models/${kind}.safetensors`);
        } catch (e) {
          // The host's own file is broken: a fault of the deployment (500), not of the request.
          throw new Error(`the shipped ${kind} weights do not load: ${(e as Error).message}`);
        }
      });
      this.loaded.set(kind, model);
      // A failed load is not cached: the next request tries again.
      model.catch(() => this.loaded.delete(kind));
    }
    return model;
  }
}
