// The package's files as the Deno server and its compute workers read them.
import type { KernelSources, ModelSources, SampleSeries } from "../../src/api/index.ts";
import { MODEL_KINDS } from "../../src/neural/model.ts";

const root = new URL("../../", import.meta.url);

/** build/*.wasm: indicators is required, risk, solver, json and neural are used when built. */
export async function kernelBytes(): Promise<KernelSources> {
  const wasm = async (name: string, required: boolean) => {
    try {
      return await Deno.readFile(new URL(`build/${name}.wasm`, root));
    } catch (e) {
      if (required || !(e instanceof Deno.errors.NotFound)) throw e;
      return undefined;
    }
  };
  return {
    indicators: (await wasm("indicators", true))!,
    risk: await wasm("risk", false),
    solver: await wasm("solver", false),
    json: await wasm("json", false),
    neural: await wasm("neural", false),
  };
}

export const samples: SampleSeries[] = [{
  name: "sp500", symbol: "SPX", description: "S&P 500 index, daily, 2000-2020",
  load: () => Deno.readTextFile(new URL("data/sp500.csv", root)),
}];

/** The shipped forecasting weights, models/<kind>.safetensors, each read on first use. */
export const models: ModelSources = Object.fromEntries(
  MODEL_KINDS.map((kind) => [kind, () => Deno.readFile(new URL(`models/${kind}.safetensors`, root))]),
);

export async function packageInfo(): Promise<{ name: string; version: string }> {
  const pkg = JSON.parse(await Deno.readTextFile(new URL("package.json", root)));
  return { name: pkg.name, version: pkg.version };
}
