// The ONNX export run by onnxruntime-web (wasm backend, one thread, offline)
// must give the CPU forward's outputs to 1e-4 relative (|a − b| ≤ 1e-4·max(1, |b|))
// on the same inputs, for the shipped weights and for small random models.
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import { parseBarsCsv } from "../../src/data/csv.ts";
import type { ModelConfig } from "../../src/neural/model.ts";
import { createModel } from "../../src/neural/models.ts";
import { exportOnnx } from "../../src/neural/onnx.ts";
import { writeWindow } from "../../src/neural/train.ts";
import { loadWeights } from "../../src/neural/weights.ts";
import { Random } from "../../src/core/random.ts";
import { root } from "../helpers.ts";
import { randomArray } from "./gradcheck.ts";

ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = `${root}node_modules/onnxruntime-web/dist/`;

const closes = Array.from(parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8")).close);

async function runOnnx(bytes: Uint8Array, x: Float32Array, batch: number, inputSize: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  try {
    const out = await session.run({ x: new ort.Tensor("float32", x, [batch, inputSize]) });
    return out.y.data as Float32Array;
  } finally {
    await session.release();
  }
}

function expectMatch(onnx: Float32Array, cpu: Float32Array): void {
  expect(onnx.length).toBe(cpu.length);
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(onnx[i] - cpu[i]) / Math.max(1, Math.abs(cpu[i])));
  expect(worst).toBeLessThanOrEqual(1e-4);
}

describe("ONNX export, run by onnxruntime-web", () => {
  for (const kind of ["nhits", "lstm", "transformer"]) {
    it(`${kind}: the shipped weights give the CPU forward's outputs on 32 S&P 500 windows`, async () => {
      const trained = loadWeights(readFileSync(`${root}models/${kind}.safetensors`));
      const L = trained.model.config.inputSize;
      const batch = 32;
      const x = new Float32Array(batch * L);
      for (let b = 0; b < batch; b++) writeWindow(closes, closes.length - 1 - 37 * b, L, trained.normalization.scale, x, b * L);
      const cpu = trained.model.forward(trained.weights, x, batch).y;
      expectMatch(await runOnnx(exportOnnx(trained.model, trained.weights), x, batch, L), cpu);
    }, 60_000);
  }

  const small: ModelConfig[] = [
    { kind: "nhits", inputSize: 13, horizon: 5, hidden: 8, mlpLayers: 3, poolKernels: [3, 2, 1], downsample: [3, 2, 1] },
    { kind: "lstm", inputSize: 7, horizon: 3, hidden: 6, layers: 3 },
    { kind: "transformer", inputSize: 6, horizon: 4, dModel: 12, heads: 3, layers: 1, ffSize: 10 },
  ];
  for (const config of small) {
    it(`${config.kind}: random weights at odd sizes (ceil-mode pooling, uneven knots) match too`, async () => {
      const model = createModel(config);
      const rng = new Random(5);
      const weights = model.layout.initialize(rng);
      const x = randomArray(rng, 4 * config.inputSize, 3);
      expectMatch(await runOnnx(exportOnnx(model, weights), x, 4, config.inputSize), model.forward(weights, x, 4).y);
    }, 60_000);
  }
});
