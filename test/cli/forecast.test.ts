import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { WasmNeural } from "../../src/kernels/neural.ts";
import { evaluateForecasts, forecastCloses } from "../../src/neural/forecast.ts";
import { fitForecaster, forecastReport, rollingForecasts, tailOrigin } from "../../src/neural/job.ts";
import { kernelPredictor } from "../../src/kernels/neural-predictor.ts";
import { exportOnnx } from "../../src/neural/onnx.ts";
import { writeWindow } from "../../src/neural/train.ts";
import { loadWeights } from "../../src/neural/weights.ts";
import { GPU_ENV } from "../gpu/dawn.ts";
import { compare, REL } from "../gpu/op-cases.ts";
import { root, wasmBytes } from "../helpers.ts";
import { nt } from "./capture.ts";

// The CPU path of `nt forecast`: the models on build/neural.wasm (test/kernels/neural-predictor.test.ts holds it
// to the TypeScript forward, 1e-4); the answers below are that predictor's, to the bit.
const kernels = kernelPredictor(await WasmNeural.load(wasmBytes("neural")));

const sp500Text = readFileSync(`${root}data/sp500.csv`, "utf8");
const closes = Array.from(parseBarsCsv(sp500Text).close);
const shipped = (kind: string) => loadWeights(readFileSync(`${root}models/${kind}.safetensors`));
const tmp = mkdtempSync(join(tmpdir(), "nt-forecast-"));
const file = (name: string, content: string | Uint8Array) => {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
};
/** The first `bars` bars of the bundled series as a CSV file. */
const headCsv = (bars: number) => file(`head-${bars}.csv`, sp500Text.split("\n").slice(0, bars + 1).join("\n"));

/** MAE, RMSE and MAPE (%) of [predicted, actual] pairs, by hand. */
function errors(pairs: [number, number][]) {
  let abs = 0, sq = 0, pct = 0;
  for (const [p, a] of pairs) {
    abs += Math.abs(p - a);
    sq += (p - a) ** 2;
    pct += Math.abs((p - a) / a);
  }
  const n = pairs.length;
  return { mae: abs / n, rmse: Math.sqrt(sq / n), mape: (100 * pct) / n };
}

describe("nt forecast", () => {
  for (const kind of ["nhits", "lstm", "transformer"]) {
    it(`${kind} --json: the shipped weights' forecast of the bundled series, as forecastCloses gives it`, async () => {
      const { code, out, err } = await nt("forecast", "--model", kind, "--json");
      expect(err).toBe("");
      expect(code).toBe(0);
      const json = JSON.parse(out);
      expect(json).toMatchObject({ model: kind, horizon: 8, backend: "cpu", inputSize: 64, lastClose: closes.at(-1), weights: `models/${kind}.safetensors` });
      expect(json.trainedOn).toMatch(/2019-04-22/);
      expect(json.forecast).toEqual(await forecastCloses(shipped(kind), closes, undefined, kernels));
      expect(json.evaluation).toBeUndefined();
      // The TypeScript forward's forecast, to float32 rounding.
      const reference = await forecastCloses(shipped(kind), closes);
      json.forecast.forEach((c: number, j: number) => expect(Math.abs(c / reference[j] - 1)).toBeLessThan(1e-6));
    });
  }

  it("--evaluate: the rolling-origin errors over the last 250 closes are evaluateForecasts', the naive ones computed by hand", async () => {
    const { code, out } = await nt("forecast", "--model", "transformer", "--evaluate", "--json");
    expect(code).toBe(0);
    const { evaluation } = JSON.parse(out);
    const n = closes.length;
    const library = await evaluateForecasts(shipped("transformer"), closes, n - 251, kernels);
    expect(evaluation).toEqual({ mae: library.mae, rmse: library.rmse, mape: library.mape, naive: library.naive, tail: 250, origins: 243 });
    const pairs: [number, number][] = [];
    for (let t = n - 251; t <= n - 9; t++) for (let j = 1; j <= 8; j++) pairs.push([closes[t], closes[t + j]]);
    const naive = errors(pairs);
    for (const k of ["mae", "rmse", "mape"] as const) expect(evaluation.naive[k]).toBeCloseTo(naive[k], 9);
    // The weights file records what its training script measured on the same tail.
    expect(evaluation.mae.toFixed(3)).toBe(shipped("transformer").info["eval.mae"]);
  });

  it("--horizon 3 --tail 40: three steps from each origin, scored by hand from the model's own forward pass", async () => {
    const { code, out } = await nt("forecast", "--model", "nhits", "--horizon", "3", "--evaluate", "--tail", "40", "--json");
    expect(code).toBe(0);
    const json = JSON.parse(out);
    const trained = shipped("nhits");
    expect(json.forecast).toEqual((await forecastCloses(trained, closes, undefined, kernels)).slice(0, 3));
    const n = closes.length;
    const { scale } = trained.normalization;
    const model: [number, number][] = [];
    const naive: [number, number][] = [];
    for (let t = n - 41; t <= n - 4; t++) {
      const x = new Float32Array(64);
      writeWindow(closes, t, 64, scale, x);
      const y = await kernels.predict(trained.model, trained.weights, x, 1);
      for (let j = 0; j < 3; j++) {
        model.push([closes[t] * Math.exp(scale * y[j]), closes[t + 1 + j]]);
        naive.push([closes[t], closes[t + 1 + j]]);
      }
    }
    expect(json.evaluation.origins).toBe(38);
    for (const k of ["mae", "rmse", "mape"] as const) {
      expect(json.evaluation[k]).toBeCloseTo(errors(model)[k], 9);
      expect(json.evaluation.naive[k]).toBeCloseTo(errors(naive)[k], 9);
    }
  });

  it("prints a readable table without --json", async () => {
    const { code, out } = await nt("forecast", "--model", "lstm", "--horizon", "2", "--evaluate");
    expect(code).toBe(0);
    expect(out).toMatch(/^lstm forecast of the next 2 closes after 2874\.56 \(2020-04-17\), on the cpu\n/);
    expect(out).toMatch(/\n {2}\+1 +\d+\.\d\d +[+-]\d+\.\d\d%\n {2}\+2 /);
    expect(out).toMatch(/\nlstm +\d+\.\d{3} +\d+\.\d{3} +\d+\.\d{3}%\nnaive /);
    expect(out).toMatch(/the naive forecast on MAE/);
  });

  it("--weights FILE reads any safetensors weights file, checked against --model", async () => {
    const copy = file("copy.safetensors", readFileSync(`${root}models/lstm.safetensors`));
    const a = await nt("forecast", "--weights", copy, "--json");
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out)).toMatchObject({ model: "lstm", weights: copy, forecast: await forecastCloses(shipped("lstm"), closes, undefined, kernels) });
    const b = await nt("forecast", "--model", "nhits", "--weights", copy);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/copy\.safetensors: holds lstm weights, but --model says nhits/);
  });

  it("--onnx runs an ONNX model through onnxruntime-web: the shipped NHITS exported gives the CPU path's answers", async () => {
    const trained = shipped("nhits");
    const onnx = file("nhits.onnx", exportOnnx(trained.model, trained.weights));
    const { code, out, err } = await nt("forecast", "--onnx", onnx, "--onnx-scale", String(trained.normalization.scale), "--evaluate", "--json");
    expect(err).toBe("");
    expect(code).toBe(0);
    const json = JSON.parse(out);
    const cpu = await forecastReport(trained, closes, { evaluate: true });
    expect(json).toMatchObject({ model: "onnx", horizon: 8, inputSize: 64, backend: "cpu", trainedOn: null });
    json.forecast.forEach((c: number, j: number) => expect(c / cpu.forecast[j]).toBeCloseTo(1, 5));
    expect(json.evaluation.mae / cpu.evaluation!.mae).toBeCloseTo(1, 4);
    expect(json.evaluation.naive).toEqual(cpu.evaluation!.naive);
  }, 60_000);

  it("--train fits a model here, with progress on stderr; with --evaluate only on the closes before the tail", async () => {
    const data = headCsv(420);
    const { code, out, err } = await nt("forecast", "--model", "nhits", "--data", data, "--train", "--seed", "7", "--evaluate", "--tail", "60", "--json");
    expect(code).toBe(0);
    expect(err).toMatch(/^nt forecast: training nhits on the closes before the last 60 \(seed 7\)\n {2}epoch 1: train MAE \d/);
    expect(err).toMatch(/kept epoch \d+/);
    const series = closes.slice(0, 420);
    const trained = fitForecaster("nhits", series, { seed: 7, evaluate: true, tail: 60 });
    expect(trained.info["train.data"]).toBe("the first 360 of 420 closes (the last 60 held out)");
    expect(JSON.parse(out)).toEqual({ ...await forecastReport(trained, series, { evaluate: true, tail: 60 }, kernels), weights: "trained" });
  }, 60_000);

  it("no look-ahead: changing the closes after an origin leaves the forecasts from it and before it unchanged", async () => {
    const series = closes.slice(0, 420);
    // A tail of 150 reaches into what a fit on the whole series would train on (its first 80%).
    const tail = 150;
    const first = tailOrigin(series.length, 64, 8, tail);
    const origin = first + 25;
    const changed = series.map((c, i) => (i > origin ? c * (1 + 0.05 * Math.sin(i)) : c));
    const run = async (s: number[], evaluate: boolean) =>
      rollingForecasts(fitForecaster("nhits", s, { seed: 3, evaluate, tail }), s, first, 8);
    const [before, after] = [await run(series, true), await run(changed, true)];
    for (let n = 0; n <= origin - first; n++) expect(after[n], `origin ${first + n}`).toEqual(before[n]);
    expect(after[origin - first + 1]).not.toEqual(before[origin - first + 1]);
    // The check has teeth: a model fitted on the whole series, tail included, does move at the first origin.
    const [seen, seenChanged] = [await run(series, false), await run(changed, false)];
    expect(seenChanged[0]).not.toEqual(seen[0]);
  }, 60_000);

  it("--gpu runs on WebGPU (Dawn on SwiftShader here): backend webgpu, the CPU path's answers to 1e-4", async () => {
    for (const kind of ["nhits", "lstm", "transformer"]) {
      const args = ["forecast", "--model", kind, "--evaluate", "--tail", "40", "--json"];
      const gpu = await nt(...args, "--gpu");
      expect(gpu.err).toBe("");
      expect(gpu.code).toBe(0);
      const [onGpu, onCpu] = [JSON.parse(gpu.out), JSON.parse((await nt(...args)).out)];
      expect(onGpu).toMatchObject({ model: kind, backend: "webgpu", horizon: 8 });
      expect(onCpu.backend).toBe("cpu");
      // The networks' outputs: each forecast close is lastClose·exp(scale·y).
      const { scale } = shipped(kind).normalization;
      const outputs = (r: { forecast: number[] }) => Float32Array.from(r.forecast, (c) => Math.log(c / closes.at(-1)!) / scale);
      const { worst, detail } = compare({ name: `${kind} --gpu`, actual: outputs(onGpu), expected: outputs(onCpu) });
      expect(worst, detail).toBeLessThanOrEqual(REL);
      for (const k of ["mae", "rmse", "mape"] as const) expect(Math.abs(onGpu.evaluation[k] / onCpu.evaluation[k] - 1), k).toBeLessThan(REL);
      expect(onGpu.evaluation.naive).toEqual(onCpu.evaluation.naive);
    }
  }, 180_000);

  it("--gpu without a GPU adapter stops with exit 1 and says what is missing", async () => {
    // A process whose Vulkan loader finds no driver: Dawn's requestAdapter answers null.
    const dir = mkdtempSync(join(root, "build", "test-forecast-"));
    try {
      await build({
        entryPoints: [`${root}runtimes/node/cli/index.ts`], outfile: join(dir, "nt.mjs"), bundle: true, platform: "node",
        format: "esm", target: "node20", packages: "external", logLevel: "silent",
      });
      const failed = await promisify(execFile)(process.execPath, [join(dir, "nt.mjs"), "forecast", "--model", "nhits", "--gpu"], {
        cwd: root, env: { ...process.env, ...GPU_ENV, VK_ICD_FILENAMES: join(dir, "no-driver.json") }, timeout: 60_000,
      }).then(() => null, (e: { code: number; stdout: string; stderr: string }) => e);
      expect(failed).not.toBeNull();
      expect(failed!.code).toBe(1);
      expect(failed!.stdout).toBe("");
      expect(failed!.stderr).toMatch(
        /nt forecast: --gpu: no WebGPU device from Dawn \(npm webgpu\): requestAdapter\(\) gave null; requestAdapter\({"forceFallbackAdapter":true}\) gave null\. Without a GPU, a software Vulkan driver serves \(SwiftShader: VK_ICD_FILENAMES=.*\), or use the CPU path: drop --gpu\n$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("refuses bad flags with the usage (exit 2)", async () => {
    const cases: [string[], RegExp][] = [
      [[], /--model nhits\|lstm\|transformer is required/],
      [["--model", "arima"], /--model must be one of nhits, lstm, transformer, got "arima"/],
      [["--model", "nhits", "--train", "--weights", "x.safetensors"], /cannot be combined with --weights/],
      [["--model", "nhits", "--seed", "3"], /--seed is the seed of --train/],
      [["--model", "nhits", "--tail", "30"], /--tail is the held-out part of --evaluate/],
      [["--model", "nhits", "--horizon", "0"], /--horizon must be an integer from 1 to 4096, got "0"/],
      [["--model", "nhits", "--horizon", "2.5"], /--horizon/],
      [["--onnx", "m.onnx", "--model", "nhits"], /--onnx runs the model in the file/],
      [["--model", "nhits", "--onnx-scale", "2"], /--onnx-scale goes with --onnx/],
      [["--onnx", "m.onnx", "--gpu"], /cannot be combined with --gpu/],
      [["--model", "nhits", "--bogus"], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const { code, err } = await nt("forecast", ...args);
      expect(code, args.join(" ")).toBe(2);
      expect(err).toMatch(message);
      expect(err).toMatch(/Usage: nt forecast/);
    }
  });

  it("says what is wrong with the data, the weights or the horizon (exit 1)", async () => {
    const truncated = file("truncated.safetensors", readFileSync(`${root}models/nhits.safetensors`).subarray(0, 5000));
    const bytes = new Uint8Array(readFileSync(`${root}models/lstm.safetensors`));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer).getUint32(0, true)));
    const renamed = file("renamed.safetensors", Uint8Array.from([...bytes.subarray(0, 8), ...new TextEncoder().encode(header.replace("lstm0.wx", "lstm0.wy")), ...bytes.subarray(8 + header.length)]));
    const cases: [string[], RegExp][] = [
      [["--model", "nhits", "--horizon", "9"], /--horizon 9 is beyond the 8 steps these weights forecast; --train --horizon 9 fits a model for it/],
      [["--model", "nhits", "--data", headCsv(40)], /the nhits model reads 64 closes, the series has 40/],
      [["--model", "nhits", "--data", headCsv(300), "--evaluate"], /an evaluation over the last 250 closes needs 64 closes before them \(314 in all\); the series has 300/],
      [["--model", "nhits", "--data", headCsv(80), "--train"], /80 closes are too few for windows of 64 \+ 8/],
      [["--weights", truncated], /truncated\.safetensors: data_offsets \[\d+, \d+\] run past the \d+ data bytes: the file is truncated/],
      [["--weights", renamed], /renamed\.safetensors: the file has no tensor "lstm0\.wx"/],
      [["--weights", join(tmp, "missing.safetensors")], /ENOENT/],
      [["--onnx", headCsv(10)], /cannot load it as an ONNX model/],
    ];
    for (const [args, message] of cases) {
      const { code, err } = await nt("forecast", ...args);
      expect(code, args.join(" ")).toBe(1);
      expect(err).toMatch(message);
      expect(err).not.toMatch(/Usage:/);
    }
  }, 60_000);
});
