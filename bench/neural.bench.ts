// Neural forecasting on the CPU path: forward latency at batch 1 and
// throughput at batch 1,024 for each shipped model, against onnxruntime-web's
// wasm backend (one thread) running the exported graph of the same weights;
// and training time per epoch on the bundled S&P 500 series.
import { readFileSync } from "node:fs";
import os from "node:os";
import * as ort from "onnxruntime-web";
import { Bench } from "tinybench";
import { parseBarsCsv } from "../src/data/csv.ts";
import type { ModelKind } from "../src/neural/model.ts";
import { exportOnnx } from "../src/neural/onnx.ts";
import { train, writeWindow } from "../src/neural/train.ts";
import { loadWeights } from "../src/neural/weights.ts";
import { medianMs } from "./stats.ts";

const KINDS: ModelKind[] = ["nhits", "lstm", "transformer"];
const BIG = 1024;

export async function run(): Promise<string> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = `${process.cwd()}/node_modules/onnxruntime-web/dist/`; // npm run bench runs from the repository root
  const closes = Array.from(parseBarsCsv(readFileSync("data/sp500.csv", "utf8")).close);
  const load = os.loadavg()[0];
  const inference: string[] = [];
  const training: string[] = [];
  for (const kind of KINDS) {
    const trained = loadWeights(readFileSync(`models/${kind}.safetensors`));
    const { model, weights } = trained;
    const L = model.config.inputSize;
    const x = new Float32Array(BIG * L);
    for (let b = 0; b < BIG; b++) writeWindow(closes, closes.length - 1 - 4 * b, L, trained.normalization.scale, x, b * L);
    const x1 = x.slice(0, L);
    const session = await ort.InferenceSession.create(exportOnnx(model, weights), { executionProviders: ["wasm"] });
    const feed = (data: Float32Array, batch: number) => ({ x: new ort.Tensor("float32", data, [batch, L]) });
    const bench = new Bench({ iterations: 20, warmupIterations: 3, time: 0, warmupTime: 0 });
    bench
      .add("cpu 1", () => void model.forward(weights, x1, 1))
      .add("onnx 1", async () => void (await session.run(feed(x1, 1))))
      .add("cpu 1024", () => void model.forward(weights, x, BIG))
      .add("onnx 1024", async () => void (await session.run(feed(x, BIG))));
    await bench.run();
    await session.release();
    const ms = (name: string) => medianMs(bench.tasks.find((t) => t.name === name)!);
    const perSecond = (name: string) => Math.round((BIG * 1000) / ms(name)).toLocaleString("en-US");
    inference.push(
      `| ${kind} | ${model.layout.size.toLocaleString("en-US")} | ${ms("cpu 1").toFixed(3)} | ${ms("onnx 1").toFixed(3)} | ` +
      `${perSecond("cpu 1024")} | ${perSecond("onnx 1024")} | ${(ms("onnx 1024") / ms("cpu 1024")).toFixed(2)}x |`,
    );
    const started = performance.now();
    const result = train(model, closes.slice(0, closes.length - 250), { seed: 2026, maxEpochs: 1 });
    const epochS = (performance.now() - started) / 1000;
    training.push(`| ${kind} | ${result.trainSamples.toLocaleString("en-US")} | ${epochS.toFixed(1)} |`);
  }
  return [
    `Load average when the suite started: ${load.toFixed(1)} (other processes share the cores; figures vary with it).`,
    "",
    "Forward pass of the shipped weights (models/*.safetensors; input window 64, horizon 8) on S&P 500 windows:",
    "the CPU path (TypeScript, src/neural) against onnxruntime-web 1.30's wasm backend, one thread, running",
    "the graph `exportOnnx` writes for the same weights (session creation excluded; inputs wrapped per call).",
    "Median of 20 calls after 3 warm-ups. Goal on the CPU: the fallback at least as fast as onnxruntime-web wasm",
    "at batch 1,024 (last column above 1x).",
    "",
    "| model | parameters | batch 1, CPU (ms) | batch 1, ORT wasm (ms) | batch 1,024, CPU (windows/s) | batch 1,024, ORT wasm (windows/s) | CPU speed vs ORT at 1,024 |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...inference,
    "",
    "Training, one epoch over the windows before the held-out tail (minibatches of 64, forward + backward + Adam, and the validation pass):",
    "",
    "| model | training windows | seconds per epoch |",
    "|---|---:|---:|",
    ...training,
  ].join("\n");
}
