// The CPU fast path: every model's forward on build/neural.wasm equals the
// TypeScript forward (the reference) and onnxruntime-web to 1e-4 relative,
// in any chunking, with weight sets swapped in and out of the module.
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { WasmNeural } from "../../src/kernels/neural.ts";
import { kernelPredictor } from "../../src/kernels/neural-predictor.ts";
import { MODEL_KINDS, type ModelKind } from "../../src/neural/model.ts";
import { exportOnnx } from "../../src/neural/onnx.ts";
import { writeWindow } from "../../src/neural/train.ts";
import { loadWeights, type TrainedModel } from "../../src/neural/weights.ts";
import { compare, REL } from "../gpu/op-cases.ts";
import { root, wasmBytes } from "../helpers.ts";
import { runModelCases, sp500Windows } from "../neural/model-cases.ts";

ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = `${root}node_modules/onnxruntime-web/dist/`;

const closes = Array.from(parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8")).close);
const files = Object.fromEntries(MODEL_KINDS.map((k) => [k, readFileSync(`${root}models/${k}.safetensors`)])) as unknown as Record<ModelKind, Uint8Array>;
const shipped = Object.fromEntries(MODEL_KINDS.map((k) => [k, loadWeights(files[k])])) as Record<ModelKind, TrainedModel>;

function expectClose(actual: Float32Array, expected: ArrayLike<number>, name: string): number {
  const { worst, detail } = compare({ name, actual, expected });
  expect(worst, detail).toBeLessThanOrEqual(REL);
  return worst;
}

let nn: WasmNeural;
beforeAll(async () => {
  nn = await WasmNeural.load(wasmBytes("neural"));
});

describe("kernelPredictor (build/neural.wasm)", () => {
  it("gives the CPU forward's outputs to 1e-4 relative for every model, shipped and small random at odd sizes", async () => {
    const results = await runModelCases(kernelPredictor(nn), files, closes);
    console.log(results.map((r) => `${r.name}: ${r.worst.toExponential(2)}`).join("\n"));
    expect(results).toHaveLength(6);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it("agrees with the CPU forward and onnxruntime-web (wasm) on 1,024 S&P 500 windows of each shipped model", async () => {
    const predictor = kernelPredictor(nn);
    for (const kind of MODEL_KINDS) {
      const { model, weights, normalization } = shipped[kind];
      const L = model.config.inputSize;
      // Origins 4 closes apart: 1,024 windows fit in the series (sp500Windows spaces them 37 apart).
      const x = new Float32Array(1024 * L);
      for (let b = 0; b < 1024; b++) writeWindow(closes, closes.length - 1 - 4 * b, L, normalization.scale, x, b * L);
      const session = await ort.InferenceSession.create(exportOnnx(model, weights), { executionProviders: ["wasm"] });
      const onnx = (await session.run({ x: new ort.Tensor("float32", x, [1024, L]) })).y.data as Float32Array;
      await session.release();
      const y = await predictor.predict(model, weights, x, 1024);
      const reference = model.forward(weights, x, 1024).y;
      const cpu = expectClose(y, reference, `${kind} kernels vs cpu`);
      const vsOnnx = expectClose(y, onnx, `${kind} kernels vs onnx`);
      // onnxruntime-web's own distance from the reference: what float32 sums reach here.
      const onnxVsCpu = compare({ name: kind, actual: onnx, expected: reference }).worst;
      console.log(`${kind}: kernels vs CPU forward ${cpu.toExponential(2)}, vs onnxruntime-web ${vsOnnx.toExponential(2)}; onnxruntime-web vs CPU forward ${onnxVsCpu.toExponential(2)}`);
    }
  }, 60_000);

  it("gives the same answers in any chunking, and for weight sets swapped in and out of the module", async () => {
    const whole = kernelPredictor(nn);
    const chunked = kernelPredictor(nn, { chunk: 7 });
    const expected = new Map<ModelKind, Float32Array>();
    const inputs = new Map<ModelKind, Float32Array>();
    for (const kind of MODEL_KINDS) {
      const { model, weights, normalization } = shipped[kind];
      inputs.set(kind, sp500Windows(closes, model.config.inputSize, normalization.scale, 20));
      expected.set(kind, model.forward(weights, inputs.get(kind)!, 20).y);
    }
    // Each call after the first replaces the weights resident in the module, or reuses them.
    for (const kind of ["nhits", "lstm", "nhits", "nhits", "transformer", "lstm"] as ModelKind[]) {
      const { model, weights } = shipped[kind];
      expectClose(await whole.predict(model, weights, inputs.get(kind)!, 20), expected.get(kind)!, `${kind} in one run`);
      expectClose(await chunked.predict(model, weights, inputs.get(kind)!, 20), expected.get(kind)!, `${kind} in chunks of 7`);
      expectClose(await whole.predict(model, weights, inputs.get(kind)!, 3), expected.get(kind)!.subarray(0, 3 * model.config.horizon), `${kind}, 3 windows`);
    }
    // A new array of the same weights, changed: the predictor sees the change.
    const { model, weights } = shipped.nhits;
    const changed = weights.map((v) => v * 0.5);
    expectClose(await whole.predict(model, changed, inputs.get("nhits")!, 20), model.forward(changed, inputs.get("nhits")!, 20).y, "changed weights");
  });

  it("answers empty requests and names a mismatch of sizes", async () => {
    const predictor = kernelPredictor(nn);
    const { model, weights } = shipped.nhits;
    expect(await predictor.predict(model, weights, new Float32Array(0), 0)).toEqual(new Float32Array(0));
    await expect(predictor.predict(model, weights, new Float32Array(64 * 2), 3)).rejects.toThrow(/3 windows of 64 need 192 inputs, got 128/);
    await expect(predictor.predict(model, shipped.lstm.weights, new Float32Array(64), 1)).rejects.toThrow(/the nhits model has 92878 weights/);
  });

  it("keeps the module's memory the same size once a request size has been seen", async () => {
    const predictor = kernelPredictor(nn);
    const { model, weights, normalization } = shipped.transformer;
    const x = sp500Windows(closes, model.config.inputSize, normalization.scale, 64);
    await predictor.predict(model, weights, x, 64);
    const bytes = nn.k.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) await predictor.predict(model, weights, x, i % 2 === 0 ? 64 : 5);
    expect(nn.k.memory.buffer.byteLength).toBe(bytes);
  });
});
