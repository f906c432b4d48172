// Run by test/gpu/deno.test.ts: `deno run --unstable-webgpu --allow-read=models,data test/gpu/deno-check.ts`.
// Deno's own WebGPU (wgpu) runs every op case, then every model case through
// gpuPredictor; prints one JSON line.
import { parseBarsCsv } from "../../src/data/csv.ts";
import { GpuRuntime } from "../../src/gpu/runtime.ts";
import { gpuPredictor } from "../../src/neural/gpu-predictor.ts";
import { MODEL_KINDS, type ModelKind } from "../../src/neural/model.ts";
import { runModelCases } from "../neural/model-cases.ts";
import { runAll } from "./op-cases.ts";

// Deno's own API, declared here: the project type-checks this file with Node's types.
declare const Deno: { readFile(path: URL): Promise<Uint8Array>; readTextFile(path: URL): Promise<string> };
const root = new URL("../../", import.meta.url);

const runtime = new GpuRuntime(navigator.gpu, { label: "navigator.gpu in Deno" });
const ex = await runtime.executor();
const results = await runAll(ex);
const files = {} as Record<ModelKind, Uint8Array>;
for (const kind of MODEL_KINDS) files[kind] = await Deno.readFile(new URL(`models/${kind}.safetensors`, root));
const closes = parseBarsCsv(await Deno.readTextFile(new URL("data/sp500.csv", root))).close;
const models = await runModelCases(gpuPredictor(runtime), files, closes);
console.log(JSON.stringify({ adapter: ex.adapter, pipelines: ex.stats.pipelines, results, models }));
runtime.destroy();
