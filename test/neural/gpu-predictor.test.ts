// The WebGPU predictor on Node (Dawn on SwiftShader): every model's forward
// on the GPU equals the CPU reference and onnxruntime-web, weights stay on the
// device between calls, and a lost device is survived.
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-web";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { GpuRuntime } from "../../src/gpu/runtime.ts";
import { gpuPredictor } from "../../src/neural/gpu-predictor.ts";
import { MODEL_KINDS, type ModelKind } from "../../src/neural/model.ts";
import { exportOnnx } from "../../src/neural/onnx.ts";
import { loadWeights } from "../../src/neural/weights.ts";
import { DAWN_LABEL, dawn } from "../gpu/dawn.ts";
import { compare, REL } from "../gpu/op-cases.ts";
import { root } from "../helpers.ts";
import { runModelCases, sp500Windows } from "./model-cases.ts";

ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = `${root}node_modules/onnxruntime-web/dist/`;

const closes = Array.from(parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8")).close);
const files = Object.fromEntries(MODEL_KINDS.map((k) => [k, readFileSync(`${root}models/${k}.safetensors`)])) as unknown as Record<ModelKind, Uint8Array>;
const runtimes: GpuRuntime[] = [];
function newRuntime(): GpuRuntime {
  const runtime = new GpuRuntime(dawn, { label: DAWN_LABEL });
  runtimes.push(runtime);
  return runtime;
}
afterAll(() => runtimes.forEach((r) => r.destroy()));

function expectClose(actual: Float32Array, expected: ArrayLike<number>, name: string): number {
  const { worst, detail } = compare({ name, actual, expected });
  expect(worst, detail).toBeLessThanOrEqual(REL);
  return worst;
}

describe("gpuPredictor on Node (Dawn, SwiftShader)", () => {
  it("gives the CPU forward's outputs to 1e-4 relative for every model, shipped and small random", async () => {
    const results = await runModelCases(gpuPredictor(newRuntime()), files, closes);
    console.log(results.map((r) => `${r.name}: ${r.worst.toExponential(2)}`).join("\n"));
    expect(results).toHaveLength(6);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 120_000);

  it("agrees with onnxruntime-web (wasm) on the exported graph of each shipped model", async () => {
    const predictor = gpuPredictor(newRuntime());
    for (const kind of MODEL_KINDS) {
      const { model, weights, normalization } = loadWeights(files[kind]);
      const L = model.config.inputSize;
      const x = sp500Windows(closes, L, normalization.scale, 8);
      const session = await ort.InferenceSession.create(exportOnnx(model, weights), { executionProviders: ["wasm"] });
      const onnx = (await session.run({ x: new ort.Tensor("float32", x, [8, L]) })).y.data as Float32Array;
      await session.release();
      const worst = expectClose(await predictor.predict(model, weights, x, 8), onnx, `${kind} gpu vs onnx`);
      console.log(`${kind} gpu vs onnxruntime-web: ${worst.toExponential(2)}`);
    }
  }, 120_000);

  it("uploads the weights once, splits large requests into chunks, and answers empty requests", async () => {
    const runtime = newRuntime();
    const predictor = gpuPredictor(runtime, { chunk: 7 });
    const { model, weights, normalization } = loadWeights(files.nhits);
    const x = sp500Windows(closes, model.config.inputSize, normalization.scale, 20);
    const expected = model.forward(weights, x, 20).y;
    expectClose(await predictor.predict(model, weights, x, 20), expected, "first call");
    const ex = await runtime.executor();
    const upload = vi.spyOn(ex, "upload");
    expectClose(await predictor.predict(model, weights, x, 20), expected, "second call");
    expect(upload).toHaveBeenCalledTimes(3); // the three chunks of windows, no weights
    expect(await predictor.predict(model, weights, x, 0)).toEqual(new Float32Array(0));
    await expect(predictor.predict(model, weights, x, 21)).rejects.toThrow(/21 windows of 64 need 1344 inputs/);
  });

  it("predicts again after the device is lost: a new device, the weights uploaded again", async () => {
    const runtime = newRuntime();
    const predictor = gpuPredictor(runtime);
    const { model, weights, normalization } = loadWeights(files.nhits);
    const x = sp500Windows(closes, model.config.inputSize, normalization.scale, 4);
    const expected = model.forward(weights, x, 4).y;
    expectClose(await predictor.predict(model, weights, x, 4), expected, "before");
    const first = await runtime.executor();
    first.device.destroy();
    await first.lost;
    expectClose(await predictor.predict(model, weights, x, 4), expected, "after a loss");
    expect(runtime.counters.devicesAcquired).toBe(2);
    // Lost again, this time without waiting for the loss to be reported: the call is retried on a new device.
    (await runtime.executor()).device.destroy();
    expectClose(await predictor.predict(model, weights, x, 4), expected, "right after a loss");
    expect(runtime.counters.devicesAcquired).toBe(3);
  }, 60_000);
});
