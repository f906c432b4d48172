// Training on WebGPU (Node, Dawn on SwiftShader): the WGSL backward passes
// give the CPU backward's gradients, and trainOnGpu reaches the CPU path's
// validation losses from the same seed and data.
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { GpuRuntime } from "../../src/gpu/runtime.ts";
import { gpuForward, releaseParams, uploadParams } from "../../src/neural/gpu-models.ts";
import { trainOnGpu } from "../../src/neural/gpu-train.ts";
import { defaultConfig, type ModelConfig } from "../../src/neural/model.ts";
import { createModel } from "../../src/neural/models.ts";
import { train } from "../../src/neural/train.ts";
import { Random } from "../../src/core/random.ts";
import { DAWN_LABEL, dawn } from "../gpu/dawn.ts";
import { compare, REL } from "../gpu/op-cases.ts";
import { root } from "../helpers.ts";
import { randomArray } from "./gradcheck.ts";

const sp500 = Array.from(parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8")).close);
const runtime = new GpuRuntime(dawn, { label: DAWN_LABEL });
afterAll(() => runtime.destroy());

/**
 * Small shapes with every feature of each model (ceil-mode pooling, uneven
 * knots, stacked layers, several heads), and the shipped NHITS and
 * Transformer sizes, whose matmuls (K of 64 to 1,024) take the tiled kernel.
 */
const SMALL: ModelConfig[] = [
  defaultConfig("nhits"),
  defaultConfig("transformer"),
  { kind: "nhits", inputSize: 13, horizon: 5, hidden: 8, mlpLayers: 2, poolKernels: [3, 2, 1], downsample: [3, 2, 1] },
  { kind: "lstm", inputSize: 7, horizon: 3, hidden: 6, layers: 3 },
  { kind: "transformer", inputSize: 6, horizon: 4, dModel: 12, heads: 3, layers: 2, ffSize: 10 },
];

describe.each(SMALL)("WGSL backward of $kind (input $inputSize)", (config) => {
  it("gives the CPU backward's gradient for every parameter, to 1e-4 relative", async () => {
    const model = createModel(config);
    const rng = new Random(31);
    const weights = model.layout.initialize(rng);
    const batch = 6;
    const x = randomArray(rng, batch * config.inputSize, 2);
    const dy = randomArray(rng, batch * config.horizon);
    const cpuPass = model.forward(weights, x, batch);
    const cpuGrad = new Float32Array(model.layout.size);
    cpuPass.backward(dy, cpuGrad);

    const ex = await runtime.executor();
    const params = uploadParams(ex, model, weights);
    const pass = gpuForward(params, ex.upload(x, [batch, config.inputSize]), batch, true);
    const grads = pass.backward(ex.upload(dy, [batch, config.horizon]));
    const results = [compare({ name: "y", actual: await ex.read(pass.y), expected: cpuPass.y })];
    for (const spec of model.layout.specs) {
      results.push(compare({ name: spec.name, actual: await ex.read(grads.get(spec.name)!), expected: model.layout.view(cpuGrad, spec.name) }));
    }
    pass.release();
    releaseParams(params);
    const worst = results.reduce((a, b) => (b.worst > a.worst ? b : a));
    console.log(`${config.kind} backward: worst ${worst.worst.toExponential(2)} (${worst.detail})`);
    expect(worst.worst, worst.detail).toBeLessThanOrEqual(REL);
  }, 60_000);
});

// Tiny sizes: SwiftShader runs the WGSL on the CPU, and each minibatch is tens of dispatches.
const TINY: ModelConfig[] = [
  { kind: "nhits", inputSize: 16, horizon: 4, hidden: 16, mlpLayers: 2, poolKernels: [2, 1], downsample: [2, 1] },
  { kind: "lstm", inputSize: 16, horizon: 4, hidden: 8, layers: 2 },
  { kind: "transformer", inputSize: 16, horizon: 4, dModel: 8, heads: 2, layers: 1, ffSize: 16 },
];

// Stated tolerance: every epoch's validation MAE within 1e-5 relative of the
// CPU path's (float32 sums in another order; measured 2e-8 to 3e-7), the same
// best epoch, and no best weight more than 2e-3 from the CPU path's (under one
// Adam step at this learning rate). Adam scales each step by the gradient's
// own size, so a parameter whose gradient is nearly zero (the Transformer's
// key projection: softmax ignores a shift common to all scores) takes steps
// set by float32 noise: the weights differ more than the losses do.
describe.each(TINY)("trainOnGpu $kind", (config) => {
  it("reaches the CPU path's validation loss in every epoch, from the same seed and data", async () => {
    const closes = sp500.slice(0, 500);
    const options = { seed: 7, maxEpochs: 4, batchSize: 32, learningRate: 3e-3 };
    const model = createModel(config);
    const cpu = train(model, closes, options);
    const onGpu = await trainOnGpu(runtime, model, closes, options);
    expect(onGpu.history.length).toBe(cpu.history.length);
    expect(onGpu.bestEpoch).toBe(cpu.bestEpoch);
    const gaps = onGpu.history.map((h, i) => Math.abs(h.validationLoss - cpu.history[i].validationLoss) / cpu.history[i].validationLoss);
    const weightGap = onGpu.weights.reduce((m, w, i) => Math.max(m, Math.abs(w - cpu.weights[i])), 0);
    console.log(`${config.kind} trainOnGpu: validation loss gap ${Math.max(...gaps).toExponential(2)}, weights ${weightGap.toExponential(2)}`);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1e-5);
    expect(weightGap).toBeLessThanOrEqual(2e-3);
    expect(onGpu.normalization).toEqual(cpu.normalization);
  }, 120_000);
});
