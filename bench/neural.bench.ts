// Neural forecasting on the CPU: forward latency at batch 1 and throughput
// at batch 1,024 for each shipped model, on the plain TypeScript forward
// (the reference), on build/neural.wasm (the fast path `nt forecast` runs)
// and on onnxruntime-web's wasm backend (one thread) running the exported
// graph of the same weights; and training time per epoch on the bundled
// S&P 500 series. Calls are timed in rounds, the three back to back, so each
// ratio compares calls that met the same load on a shared machine.
import { readFileSync } from "node:fs";
import os from "node:os";
import * as ort from "onnxruntime-web";
import { parseBarsCsv } from "../src/data/csv.ts";
import { WasmNeural } from "../src/kernels/neural.ts";
import { kernelPredictor } from "../src/kernels/neural-predictor.ts";
import { MODEL_KINDS } from "../src/neural/model.ts";
import { exportOnnx } from "../src/neural/onnx.ts";
import { cpuPredictor, type Predictor } from "../src/neural/predictor.ts";
import { train, writeWindow } from "../src/neural/train.ts";
import { loadWeights } from "../src/neural/weights.ts";
import { kernelBytes } from "../runtimes/node/assets.ts";

const BIG = 1024;
const ROUNDS = 11;
const WARMUP_ROUNDS = 2;
/** Batch-1 calls per timed sample: one call takes tens of microseconds. */
const SMALL_CALLS = 20;

const quantile = (values: readonly number[], q: number) => {
  const s = values.toSorted((a, b) => a - b);
  const at = (s.length - 1) * q;
  return s[Math.floor(at)] + (s[Math.ceil(at)] - s[Math.floor(at)]) * (at - Math.floor(at));
};
const median = (values: readonly number[]) => quantile(values, 0.5);
/** Median and interquartile range of per-round ratios, e.g. "2.3x (2.1–2.5)". */
const spread = (r: readonly number[]) => `${median(r).toFixed(2)}x (${quantile(r, 0.25).toFixed(2)}–${quantile(r, 0.75).toFixed(2)})`;
const count = (v: number) => Math.round(v).toLocaleString("en-US");

/** ms per call of `calls` calls in a row. */
async function time(f: () => Promise<unknown>, calls = 1): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await f();
  return (performance.now() - t0) / calls;
}

export async function run(): Promise<string> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = `${process.cwd()}/node_modules/onnxruntime-web/dist/`; // npm run bench runs from the repository root
  const closes = Array.from(parseBarsCsv(readFileSync("data/sp500.csv", "utf8")).close);
  const kernels = kernelPredictor(await WasmNeural.load(kernelBytes("neural")));
  const load = os.loadavg();
  const inference: string[] = [];
  const training: string[] = [];
  for (const kind of MODEL_KINDS) {
    const trained = loadWeights(readFileSync(`models/${kind}.safetensors`));
    const { model, weights } = trained;
    const L = model.config.inputSize;
    const x = new Float32Array(BIG * L);
    for (let b = 0; b < BIG; b++) writeWindow(closes, closes.length - 1 - 4 * b, L, trained.normalization.scale, x, b * L);
    const x1 = x.slice(0, L);
    const session = await ort.InferenceSession.create(exportOnnx(model, weights), { executionProviders: ["wasm"] });
    const onnx = async (data: Float32Array, batch: number) => void (await session.run({ x: new ort.Tensor("float32", data, [batch, L]) }));
    const on = (p: Predictor) => async (data: Float32Array, batch: number) => void (await p.predict(model, weights, data, batch));
    const paths = { ts: on(cpuPredictor), kernels: on(kernels), onnx };
    const ms = { 1: { ts: [] as number[], kernels: [] as number[], onnx: [] as number[] }, [BIG]: { ts: [] as number[], kernels: [] as number[], onnx: [] as number[] } };
    const ratios = { 1: [] as number[], [BIG]: [] as number[], ts: [] as number[] };
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      for (const [batch, data, calls] of [[1, x1, SMALL_CALLS], [BIG, x, 1]] as const) {
        const t = {
          ts: await time(() => paths.ts(data, batch), calls),
          kernels: await time(() => paths.kernels(data, batch), calls),
          onnx: await time(() => paths.onnx(data, batch), calls),
        };
        if (round < WARMUP_ROUNDS) continue;
        for (const path of ["ts", "kernels", "onnx"] as const) ms[batch][path].push(t[path]);
        ratios[batch].push(t.onnx / t.kernels);
        if (batch === BIG) ratios.ts.push(t.ts / t.kernels);
      }
    }
    await session.release();
    const perSecond = (path: "ts" | "kernels" | "onnx") => count((BIG * 1000) / median(ms[BIG][path]));
    inference.push(
      `| ${kind} | ${count(model.layout.size)} | ${median(ms[1].ts).toFixed(3)} | ${median(ms[1].kernels).toFixed(3)} | ${median(ms[1].onnx).toFixed(3)} | ` +
      `${spread(ratios[1])} | ${perSecond("ts")} | ${perSecond("kernels")} | ${perSecond("onnx")} | ${spread(ratios[BIG])} | ${spread(ratios.ts)} |`,
    );
    const started = performance.now();
    const result = train(model, closes.slice(0, closes.length - 250), { seed: 2026, maxEpochs: 1 });
    const epochS = (performance.now() - started) / 1000;
    training.push(`| ${kind} | ${count(result.trainSamples)} | ${epochS.toFixed(1)} |`);
  }
  const loadAfter = os.loadavg();
  return [
    `Load average (1/5/15 min) ${load.map((l) => l.toFixed(2)).join("/")} when the suite started and ${loadAfter.map((l) => l.toFixed(2)).join("/")} at its end, on ${os.cpus().length} cores shared with other work: absolute figures move between runs; the ratios, each taken within a round between calls timed back to back, are what to compare.`,
    "",
    "Forward pass of the shipped weights (models/*.safetensors; input window 64, horizon 8) on S&P 500 windows, per call with",
    "inputs copied in and outputs out: the TypeScript forward (`cpuPredictor`, the reference), the kernels (`kernelPredictor` on",
    "build/neural.wasm: SIMD float32, what `nt forecast` runs on the CPU), and onnxruntime-web 1.30's wasm backend, one thread, on",
    "the graph `exportOnnx` writes for the same weights (session creation excluded). Medians over " +
      `${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up rounds; a batch-1 sample is the mean of ${SMALL_CALLS} calls in a row. ` +
      "\"kernels vs ORT\" is ORT's time over the kernels' (above 1x: the kernels are faster), median of the rounds with the interquartile range in brackets.",
    "Goal (issue 13): the CPU fallback at least as fast as onnxruntime-web wasm at batch 1,024.",
    "",
    "| model | parameters | batch 1, TS (ms) | batch 1, kernels (ms) | batch 1, ORT wasm (ms) | batch 1, kernels vs ORT | batch 1,024, TS (windows/s) | batch 1,024, kernels (windows/s) | batch 1,024, ORT wasm (windows/s) | batch 1,024, kernels vs ORT | batch 1,024, kernels vs TS |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...inference,
    "",
    "Training (TypeScript), one epoch over the windows before the held-out tail (minibatches of 64, forward + backward + Adam, and the validation pass):",
    "",
    "| model | training windows | seconds per epoch |",
    "|---|---:|---:|",
    ...training,
  ].join("\n");
}
