// The three shipped models on WebGPU against the CPU paths (neural.wasm and
// the TypeScript reference) and onnxruntime-web (wasm, one thread), in one
// run: forward latency at batch 1 and throughput at batch 1,024 on the same
// S&P 500 windows and weights, and one training epoch on the CPU and on the
// GPU. On a machine without a GPU, Dawn runs the WGSL on SwiftShader (Vulkan
// on the CPU): those figures prove the passes run and agree, not GPU speed.
// On a GPU machine, point VK_ICD_FILENAMES at its Vulkan driver (e.g.
// /usr/share/vulkan/icd.d/nvidia_icd.json) before `npm run bench -- neural-webgpu`.
import { readFileSync } from "node:fs";
import os from "node:os";
import * as ort from "onnxruntime-web";
import { Bench } from "tinybench";
import { parseBarsCsv } from "../src/data/csv.ts";
import { GpuRuntime } from "../src/gpu/runtime.ts";
import { gpuPredictor } from "../src/neural/gpu-predictor.ts";
import { trainOnGpu } from "../src/neural/gpu-train.ts";
import { MODEL_KINDS } from "../src/neural/model.ts";
import { exportOnnx } from "../src/neural/onnx.ts";
import { cpuPredictor } from "../src/neural/predictor.ts";
import { WasmNeural } from "../src/kernels/neural.ts";
import { kernelPredictor } from "../src/kernels/neural-predictor.ts";
import { kernelBytes } from "../runtimes/node/assets.ts";
import { train, writeWindow } from "../src/neural/train.ts";
import { loadWeights } from "../src/neural/weights.ts";
import { dawn, DAWN_LABEL } from "../test/gpu/dawn.ts";
import { medianMs } from "./stats.ts";

export const title = "Neural on WebGPU";
const BIG = 1024;

export async function run(): Promise<string> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = `${process.cwd()}/node_modules/onnxruntime-web/dist/`; // npm run bench runs from the repository root
  const closes = Array.from(parseBarsCsv(readFileSync("data/sp500.csv", "utf8")).close);
  const trainCloses = closes.slice(0, closes.length - 250);
  const runtime = new GpuRuntime(dawn, { label: DAWN_LABEL });
  const adapter = (await runtime.executor()).adapter;
  const webgpu = gpuPredictor(runtime);
  const kernels = kernelPredictor(await WasmNeural.load(kernelBytes("neural")));
  // Told from the adapter's name: the software Vulkan drivers Dawn may find.
  const software = /swiftshader|llvmpipe|lavapipe/i.test(adapter);
  const goals: string[] = [];
  const load = os.loadavg()[0];
  const inference: string[] = [];
  const training: string[] = [];
  for (const kind of MODEL_KINDS) {
    const { model, weights, normalization } = loadWeights(readFileSync(`models/${kind}.safetensors`));
    const L = model.config.inputSize;
    const x = new Float32Array(BIG * L);
    for (let b = 0; b < BIG; b++) writeWindow(closes, closes.length - 1 - 4 * b, L, normalization.scale, x, b * L);
    const x1 = x.slice(0, L);
    const session = await ort.InferenceSession.create(exportOnnx(model, weights), { executionProviders: ["wasm"] });
    const onnx = async (data: Float32Array, batch: number) => void (await session.run({ x: new ort.Tensor("float32", data, [batch, L]) }));
    // The first call compiles the pipelines and uploads the weights: timed apart.
    let started = performance.now();
    await webgpu.predict(model, weights, x1, 1);
    const firstMs = performance.now() - started;

    // Batch 1: 20 calls after 3 warm-ups; batch 1,024: 5 after 1 (SwiftShader takes seconds for the LSTM's 128 steps).
    const small = new Bench({ iterations: 20, warmupIterations: 3, time: 0, warmupTime: 0 });
    small
      .add("webgpu", async () => void (await webgpu.predict(model, weights, x1, 1)))
      .add("kernels", async () => void (await kernels.predict(model, weights, x1, 1)))
      .add("cpu", async () => void (await cpuPredictor.predict(model, weights, x1, 1)))
      .add("onnx", () => onnx(x1, 1));
    const large = new Bench({ iterations: 5, warmupIterations: 1, time: 0, warmupTime: 0 });
    large
      .add("webgpu", async () => void (await webgpu.predict(model, weights, x, BIG)))
      .add("kernels", async () => void (await kernels.predict(model, weights, x, BIG)))
      .add("cpu", async () => void (await cpuPredictor.predict(model, weights, x, BIG)))
      .add("onnx", () => onnx(x, BIG));
    await small.run();
    await large.run();
    await session.release();
    const ms = (bench: Bench, name: string) => medianMs(bench.tasks.find((t) => t.name === name)!);
    const perSecond = (name: string) => Math.round((BIG * 1000) / ms(large, name)).toLocaleString("en-US");
    inference.push(
      `| ${kind} | ${ms(small, "webgpu").toFixed(2)} | ${firstMs.toFixed(0)} | ${ms(small, "kernels").toFixed(2)} | ${ms(small, "cpu").toFixed(2)} | ${ms(small, "onnx").toFixed(2)} | ` +
      `${perSecond("webgpu")} | ${perSecond("kernels")} | ${perSecond("cpu")} | ${perSecond("onnx")} |`,
    );
    const vsOrt = ms(large, "onnx") / ms(large, "webgpu");
    goals.push(`- ${kind}: WebGPU at batch 1,024 is ${vsOrt.toFixed(2)}x ORT wasm's throughput (goal on a GPU: 10x)` +
      (kind === "nhits" ? `; batch 1 takes ${ms(small, "webgpu").toFixed(2)} ms (goal on a GPU: under 1 ms)` : "") +
      `; the kernels are ${(ms(large, "onnx") / ms(large, "kernels")).toFixed(2)}x ORT wasm at batch 1,024 (goal: 1x).`);

    const options = { seed: 2026, maxEpochs: 1 };
    started = performance.now();
    const cpu = train(model, trainCloses, options);
    const cpuS = (performance.now() - started) / 1000;
    started = performance.now();
    const onGpu = await trainOnGpu(runtime, model, trainCloses, options);
    const gpuS = (performance.now() - started) / 1000;
    const losses = `${onGpu.history[0].validationLoss.toFixed(6)} / ${cpu.history[0].validationLoss.toFixed(6)}`;
    training.push(`| ${kind} | ${cpu.trainSamples.toLocaleString("en-US")} | ${cpuS.toFixed(1)} | ${gpuS.toFixed(1)} | ${losses} |`);
  }
  runtime.destroy();
  return [
    software
      ? `WebGPU here: Dawn (npm \`webgpu\`) on **${adapter}**, a Vulkan driver that runs the WGSL on this machine's CPU. ` +
        "**These WebGPU figures prove correctness (the same outputs as the CPU path, see test/neural/gpu-predictor.test.ts), not GPU speed**: " +
        "SwiftShader shares the cores with everything else. On a real GPU the same code runs unchanged; no GPU machine was lent for this run."
      : `WebGPU here: Dawn (npm \`webgpu\`) on **${adapter}**, a hardware GPU through its Vulkan driver.`,
    `Load average when the suite started: ${load.toFixed(1)} (other processes share the cores; figures vary with it).`,
    "",
    "Forward pass of the shipped weights (models/*.safetensors; input window 64, horizon 8) on S&P 500 windows, per call,",
    "inputs from the host and outputs read back: `gpuPredictor` (weights already on the device), `kernelPredictor`",
    "(build/neural.wasm, the CPU path `nt forecast` runs), `cpuPredictor` (the TypeScript reference) and onnxruntime-web",
    "1.30's wasm backend, one thread, on the graph `exportOnnx` writes for the same weights (session creation excluded).",
    "Batch 1: median of 20 calls after 3 warm-ups; batch 1,024: median of 5 after 1. First WebGPU call: compiling the",
    "pipelines and uploading the weights, once per process.",
    "",
    "| model | batch 1, WebGPU (ms) | first WebGPU call (ms) | batch 1, kernels (ms) | batch 1, TypeScript (ms) | batch 1, ORT wasm (ms) | batch 1,024, WebGPU (windows/s) | batch 1,024, kernels (windows/s) | batch 1,024, TypeScript (windows/s) | batch 1,024, ORT wasm (windows/s) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...inference,
    "",
    ...(software ? ["Goals (issue 13), read with the caveat above: the WebGPU ones need a GPU."] : ["Goals (issue 13):"]),
    ...goals,
    "",
    "Training, one epoch over the S&P 500 windows before the last 250 closes (minibatches of 64: forward, backward, Adam,",
    "then the validation pass), seed 2026, on the CPU (`train`) and on WebGPU (`trainOnGpu`), with the epoch's validation MAE of each:",
    "",
    "| model | training windows | CPU s/epoch | WebGPU s/epoch | validation MAE, WebGPU / CPU |",
    "|---|---:|---:|---:|---|",
    ...training,
    "",
    "The two runs start from the same weights and minibatches. Where their validation MAEs differ beyond float32 rounding (NHITS), " +
      "we read it as drift over the epoch's 60 Adam steps: each step's gradients agree to 1e-4 (test/neural/gpu-train.test.ts, shipped sizes), " +
      "but ReLU and max-pool decisions are discrete, so a float32 difference that flips one changes the steps that follow. " +
      "On small models the per-epoch validation losses of both paths agree to 3e-7 (the same test).",
    "",
    "Without a GPU the suite needs `chromium` and `libvulkan1` (SwiftShader), as the WebGPU tests do.",
  ].join("\n");
}
