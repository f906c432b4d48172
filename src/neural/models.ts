import { lstmModel } from "./lstm.ts";
import { type Model, type ModelConfig, validateConfig } from "./model.ts";
import { nhitsModel } from "./nhits.ts";
import { transformerModel } from "./transformer.ts";

/** The model described by a configuration (checked first; a bad size is a ConfigError naming it). */
export function createModel(config: ModelConfig): Model {
  validateConfig(config);
  switch (config.kind) {
    case "nhits": return nhitsModel(config);
    case "lstm": return lstmModel(config);
    case "transformer": return transformerModel(config);
  }
}
