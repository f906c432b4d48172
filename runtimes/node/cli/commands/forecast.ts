import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, shown } from "../../../../src/core/errors.ts";
import type { SettingSpec } from "../../../../src/core/settings.ts";
import { BarsCsvParser } from "../../../../src/data/csv.ts";
import { DEFAULT_TAIL, fitForecaster, forecastReport, type ForecastReport } from "../../../../src/neural/job.ts";
import { defaultConfig, MODEL_KINDS, type ModelKind } from "../../../../src/neural/model.ts";
import { GpuUnavailableError } from "../../../../src/gpu/errors.ts";
import type { GpuRuntime } from "../../../../src/gpu/runtime.ts";
import { WasmNeural } from "../../../../src/kernels/neural.ts";
import { gpuPredictor } from "../../../../src/neural/gpu-predictor.ts";
import { kernelPredictor } from "../../../../src/kernels/neural-predictor.ts";
import type { Predictor } from "../../../../src/neural/predictor.ts";
import { loadWeights, type TrainedModel } from "../../../../src/neural/weights.ts";
import { isoDate } from "../../../../src/core/dates.ts";
import { kernelBytes, modelFile, sampleDataFile } from "../../assets.ts";
import { nodeGpuRuntime } from "../../gpu.ts";
import { loadOnnxForecaster } from "../../onnx.ts";
import { flagSetting, UsageError, type CliIO, type Command } from "../command.ts";
import { MAX_INPUT_LABEL, readTextFile } from "../files.ts";

const shippedHorizon = defaultConfig("nhits").horizon;

const usage = `Usage: nt forecast --model nhits|lstm|transformer [--data FILE.csv] [--horizon N]
                   [--weights FILE | --train [--seed N]] [--evaluate [--tail N]] [--gpu] [--json]
       nt forecast --onnx FILE.onnx [--onnx-scale S] [--data FILE.csv] [--horizon N] [--evaluate] [--json]

Forecasts the next closes of a daily series with a neural network, on the CPU
(build/neural.wasm) or, with --gpu, on WebGPU.

  --model KIND       nhits | lstm | transformer (with --weights: checked against the file)
  --data FILE.csv    bars (date,open,high,low,close,volume; up to ${MAX_INPUT_LABEL});
                     default: bundled S&P 500 2000-2020
  --horizon N        closes to forecast, 1 to the weights' horizon (the shipped ones: ${shippedHorizon});
                     with --train, the horizon of the model trained (default ${shippedHorizon})
  --weights FILE     safetensors weights (default: models/<model>.safetensors, fitted on the
                     bundled S&P 500 up to 2019-04-22, its last ${DEFAULT_TAIL} bars held out)
  --train            fit a fresh model on --data here instead (progress on stderr); with
                     --evaluate it is fitted only on the closes before the held-out tail
  --seed N           the seed of --train (default 1): the same seed gives the same weights
  --evaluate         also score rolling-origin forecasts from every origin in the last
                     --tail closes (default ${DEFAULT_TAIL}) against the closes that came, next to
                     the naive (last value) forecast: MAE, RMSE, MAPE
  --gpu              run the network on WebGPU (Dawn, npm webgpu) instead of the CPU; without
                     a GPU adapter it stops and says so (--train still fits on the CPU)
  --onnx FILE        run an ONNX model through onnxruntime-web (wasm) instead: one float32
                     input [batch, L], one output [batch, H], both log closes relative to
                     the window's last close divided by --onnx-scale (default 1)
  --json             print one JSON object: model, horizon, backend, forecast, evaluation, ...`;

const HORIZON: SettingSpec = { name: "horizon", type: "integer", min: 1, max: 4096, description: "closes to forecast" };
const TAIL: SettingSpec = { name: "tail", type: "integer", min: 1, max: 10_000_000, description: "held-out closes" };
const SEED: SettingSpec = { name: "seed", type: "integer", min: 0, max: 2 ** 32 - 1, description: "training seed" };
const ONNX_SCALE: SettingSpec = { name: "onnx-scale", type: "number", min: 0, minExclusive: true, max: 1e6, description: "unit of the ONNX model's values" };

export const forecastCommand: Command = {
  name: "forecast",
  summary: "forecast the next closes with NHITS, LSTM or Transformer; --evaluate scores it against the naive forecast",
  usage,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        model: { type: "string" }, data: { type: "string" }, horizon: { type: "string" }, weights: { type: "string" },
        train: { type: "boolean", default: false }, seed: { type: "string" }, evaluate: { type: "boolean", default: false },
        tail: { type: "string" }, onnx: { type: "string" }, "onnx-scale": { type: "string" }, json: { type: "boolean", default: false },
        gpu: { type: "boolean", default: false },
      },
    });
    const kind = values.model === undefined ? undefined : modelKind(values.model);
    if (values.onnx !== undefined && (kind || values.weights !== undefined || values.train)) {
      throw new UsageError("--onnx runs the model in the file; it cannot be combined with --model, --weights or --train");
    }
    if (values.onnx !== undefined && values.gpu) throw new UsageError("--onnx runs the model in onnxruntime-web (wasm); it cannot be combined with --gpu");
    if (values.onnx === undefined && values["onnx-scale"] !== undefined) throw new UsageError("--onnx-scale goes with --onnx");
    if (values.onnx === undefined && !kind && values.weights === undefined) throw new UsageError("--model nhits|lstm|transformer is required");
    if (values.train && values.weights !== undefined) throw new UsageError("--train fits new weights; it cannot be combined with --weights");
    if (values.seed !== undefined && !values.train) throw new UsageError("--seed is the seed of --train; give --train too");
    if (values.tail !== undefined && !values.evaluate) throw new UsageError("--tail is the held-out part of --evaluate; give --evaluate too");
    const horizon = values.horizon === undefined ? undefined : flagSetting(HORIZON, values.horizon, "--horizon") as number;
    const tail = values.tail === undefined ? DEFAULT_TAIL : flagSetting(TAIL, values.tail, "--tail") as number;
    const seed = values.seed === undefined ? undefined : flagSetting(SEED, values.seed, "--seed") as number;
    const onnxScale = values["onnx-scale"] === undefined ? 1 : flagSetting(ONNX_SCALE, values["onnx-scale"], "--onnx-scale") as number;

    // Acquired first: without a GPU the command stops before reading or fitting anything.
    const runtime = values.gpu ? await gpuRuntime() : null;
    try {
      const source = values.data ?? "sp500.csv";
      const series = await readTextFile(values.data ? resolve(io.cwd, values.data) : sampleDataFile, source, new BarsCsvParser({ source }));
      const closes = series.close;

      let trained: TrainedModel;
      let predictor: Predictor | undefined;
      let weights: string;
      let close = async () => {};
      if (values.onnx !== undefined) {
        const onnx = await loadOnnxForecaster(await readFile(resolve(io.cwd, values.onnx)), values.onnx, onnxScale);
        ({ trained, predictor } = onnx);
        close = onnx.close;
        weights = values.onnx;
      } else if (values.train) {
        io.err(`nt forecast: training ${kind} on ${values.evaluate ? `the closes before the last ${tail}` : `${closes.length} closes`} (seed ${seed ?? 1})\n`);
        trained = fitForecaster(kind!, closes, {
          horizon, seed, evaluate: values.evaluate, tail,
          onEpoch: (e) => io.err(`  epoch ${e.epoch}: train MAE ${e.trainLoss.toFixed(4)}, validation MAE ${e.validationLoss.toFixed(4)}\n`),
        });
        io.err(`  kept epoch ${trained.info["train.best_epoch"]} (lowest validation MAE)\n`);
        weights = "trained";
      } else {
        weights = values.weights ?? `models/${kind}.safetensors`;
        trained = loadWeights(await readFile(values.weights ? resolve(io.cwd, values.weights) : modelFile(kind!)), weights);
        const stated = trained.model.config.kind;
        if (kind && stated !== kind) throw new ConfigError(`holds ${stated} weights, but --model says ${kind}`, { source: weights, field: "model.kind" });
        if (values.evaluate) warnIfSeen(io, trained, series.time, tail);
      }

      predictor ??= runtime ? gpuPredictor(runtime) : kernelPredictor(await WasmNeural.load(kernelBytes("neural")));
      const most = trained.model.config.horizon;
      if (horizon !== undefined && horizon > most && !values.train) {
        throw new ConfigError(`--horizon ${horizon} is beyond the ${most} steps these weights forecast; --train --horizon ${horizon} fits a model for it`, { source: weights, field: "horizon" });
      }
      let report: ForecastReport;
      try {
        report = await forecastReport(trained, closes, { horizon, evaluate: values.evaluate, tail }, predictor, values.onnx ? "onnx" : undefined);
      } finally {
        await close();
      }
      io.out(values.json ? `${JSON.stringify({ ...report, weights })}\n` : formatForecast(report, weights, series.time[series.time.length - 1]));
      return 0;
    } finally {
      runtime?.destroy();
    }
  },
};

/** The GPU of --gpu, its device acquired; without an adapter, an error naming every request tried and the way out. */
async function gpuRuntime(): Promise<GpuRuntime> {
  try {
    return await nodeGpuRuntime();
  } catch (e) {
    if (!(e instanceof GpuUnavailableError)) throw e;
    throw new GpuUnavailableError(`--gpu: ${e.message}: drop --gpu`);
  }
}

function modelKind(text: string): ModelKind {
  if (!(MODEL_KINDS as readonly string[]).includes(text)) throw new UsageError(`--model must be one of ${MODEL_KINDS.join(", ")}, got ${shown(text)}`);
  return text as ModelKind;
}

/**
 * The shipped weights name the last date they were fitted on (train.data,
 * "... closes 2000-01-03..2019-04-22 ..."). A tail that starts on or before
 * it may hold closes the weights saw, if the series is the same market.
 */
function warnIfSeen(io: CliIO, trained: TrainedModel, time: Float64Array, tail: number): void {
  const end = /\.\.(\d{4}-\d{2}-\d{2})\b/.exec(trained.info["train.data"] ?? "")?.[1];
  const start = time[time.length - tail];
  if (!end || !Number.isFinite(start) || isoDate(start) > end) return;
  io.err(`nt forecast: warning: the weights were fitted on ${trained.info["train.data"]}; the evaluated tail starts ${isoDate(start)}, ` +
    "so if this series is that market the evaluation is in sample (use --train for an out-of-sample fit, or a smaller --tail)\n");
}

function formatForecast(r: ForecastReport, weights: string, lastTime: number): string {
  const pct = (v: number) => `${v >= 0 ? "+" : ""}${(100 * v).toFixed(2)}%`;
  const lines = [
    `${r.model} forecast of the next ${r.horizon} close${r.horizon === 1 ? "" : "s"} after ${r.lastClose.toFixed(2)}` +
      `${Number.isFinite(lastTime) ? ` (${isoDate(lastTime)})` : ""}, on the ${r.backend}`,
    `weights: ${weights}${r.trainedOn ? `, fitted on ${r.trainedOn}` : ""}`,
    "",
    "step        close   change",
    ...r.forecast.map((c, j) => `${`+${j + 1}`.padStart(4)} ${c.toFixed(2).padStart(12)} ${pct(c / r.lastClose - 1).padStart(8)}`),
  ];
  const e = r.evaluation;
  if (e) {
    const row = (name: string, m: { mae: number; rmse: number; mape: number }) =>
      `${name.padEnd(12)} ${m.mae.toFixed(3).padStart(10)} ${m.rmse.toFixed(3).padStart(10)} ${`${m.mape.toFixed(3)}%`.padStart(8)}`;
    lines.push(
      "",
      `held out: the last ${e.tail} closes; ${e.origins} origins x ${r.horizon} steps, each forecast from the closes up to its origin`,
      `${"".padEnd(12)} ${"MAE".padStart(10)} ${"RMSE".padStart(10)} ${"MAPE".padStart(8)}`,
      row(r.model, e), row("naive", e.naive),
      `${r.model} ${e.mae < e.naive.mae ? "beats" : "does not beat"} the naive forecast on MAE (${pct(e.mae / e.naive.mae - 1)})`,
    );
  }
  return `${lines.join("\n")}\n`;
}
