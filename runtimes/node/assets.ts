// Files that ship with the package (kernels, sample data), found from this
// module whether it runs from source or from the dist/ bundle.
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SampleSeries } from "../../src/api/deps.ts";
import type { ModelSources } from "../../src/api/models.ts";
import { MODEL_KINDS } from "../../src/neural/model.ts";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "asconfig.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the engine's package root (asconfig.json) above " + import.meta.url);
    dir = up;
  }
  return dir;
}

export const packageRoot = findRoot();

/** build/<name>.wasm; a missing file means the kernels were not built. */
export function kernelBytes(name: string): Uint8Array<ArrayBuffer> {
  const file = join(packageRoot, "build", `${name}.wasm`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return new Uint8Array(readFileSync(file));
}

/** The bundled sample series (S&P 500 daily, 2000-2020). */
export const sampleDataFile = join(packageRoot, "data", "sp500.csv");

/** The series the API serves by name, read from `file` on first use. */
export function sampleSeries(file = sampleDataFile): SampleSeries[] {
  return [{ name: "sp500", symbol: "SPX", description: "S&P 500 index, daily, 2000-2020", load: () => readFile(file, "utf8") }];
}

/** The folder of the shipped weights, models/<kind>.safetensors (written by scripts/train-weights.ts). */
export const modelsDir = join(packageRoot, "models");

export function modelFile(kind: string, dir = modelsDir): string {
  return join(dir, `${kind}.safetensors`);
}

/** The shipped weights the API serves, each read from `dir` on first use. */
export function shippedModels(dir = modelsDir): ModelSources {
  return Object.fromEntries(MODEL_KINDS.map((kind) => [kind, async () => new Uint8Array(await readFile(modelFile(kind, dir)))]));
}
