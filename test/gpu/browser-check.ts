// Bundled by test/gpu/browser.test.ts into a page: the tab's navigator.gpu
// runs every op case, then every model case through gpuPredictor (weights and
// closes fetched from the page's server); the report is left in window.gpuReport.
import { parseBarsCsv } from "../../src/data/csv.ts";
import { GpuRuntime } from "../../src/gpu/runtime.ts";
import { gpuPredictor } from "../../src/neural/gpu-predictor.ts";
import { MODEL_KINDS, type ModelKind } from "../../src/neural/model.ts";
import { runModelCases } from "../neural/model-cases.ts";
import { runAll } from "./op-cases.ts";

async function fetched(path: string): Promise<Response> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response;
}

async function report() {
  const runtime = new GpuRuntime(navigator.gpu, { label: "navigator.gpu in the tab" });
  const ex = await runtime.executor();
  const results = await runAll(ex);
  const files = {} as Record<ModelKind, Uint8Array>;
  for (const kind of MODEL_KINDS) files[kind] = new Uint8Array(await (await fetched(`models/${kind}.safetensors`)).arrayBuffer());
  const closes = parseBarsCsv(await (await fetched("sp500.csv")).text()).close;
  const models = await runModelCases(gpuPredictor(runtime), files, closes);
  runtime.destroy();
  return { adapter: ex.adapter, results, models };
}

(globalThis as { gpuReport?: unknown }).gpuReport = report().catch((e: Error) => ({ error: `${e.name}: ${e.message}` }));
