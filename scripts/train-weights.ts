// Trains the shipped weights: `node scripts/run-ts.mjs scripts/train-weights.ts [nhits lstm transformer]`.
// Seeded, so a rerun on the same machine writes the same bytes. Each model is
// fitted on the bundled S&P 500 closes except the last TAIL bars, which are
// held out for the rolling-origin evaluation printed at the end (and stored
// in the file's __metadata__ as eval.*); models/<kind>.safetensors.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseBarsCsv } from "../src/data/csv.ts";
import { evaluateForecasts } from "../src/neural/forecast.ts";
import { defaultConfig, type ModelKind } from "../src/neural/model.ts";
import { createModel } from "../src/neural/models.ts";
import { train } from "../src/neural/train.ts";
import { saveWeights } from "../src/neural/weights.ts";

const SEED = 2026;
const TAIL = 250;
const kinds = (process.argv.slice(2).length ? process.argv.slice(2) : ["nhits", "lstm", "transformer"]) as ModelKind[];

const bars = parseBarsCsv(readFileSync("data/sp500.csv", "utf8"), { source: "data/sp500.csv" });
const closes = Array.from(bars.close);
const fitted = closes.slice(0, closes.length - TAIL);
const day = (i: number) => new Date(bars.time[i]).toISOString().slice(0, 10);
mkdirSync("models", { recursive: true });

for (const kind of kinds) {
  const model = createModel(defaultConfig(kind));
  const started = performance.now();
  let lap = started;
  const result = train(model, fitted, {
    seed: SEED,
    maxEpochs: 30,
    onEpoch: (e) => {
      const now = performance.now();
      console.log(`${kind} epoch ${e.epoch}: train MAE ${e.trainLoss.toFixed(4)}, validation MAE ${e.validationLoss.toFixed(4)} (${((now - lap) / 1000).toFixed(1)} s)`);
      lap = now;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const trained = { model, weights: result.weights, normalization: result.normalization, info: {} };
  const evaluation = await evaluateForecasts(trained, closes, closes.length - TAIL - 1);
  const info: Record<string, string> = {
    "train.data": `data/sp500.csv closes ${day(0)}..${day(fitted.length - 1)} (${fitted.length} bars)`,
    "train.seed": String(SEED),
    "train.loss": "MAE",
    "train.epochs": String(result.history.length),
    "train.best_epoch": String(result.bestEpoch),
    "train.validation_mae": result.history[result.bestEpoch - 1].validationLoss.toFixed(6),
    "eval.tail": `${day(closes.length - TAIL)}..${day(closes.length - 1)} (${evaluation.origins} origins)`,
    "eval.mae": evaluation.mae.toFixed(3),
    "eval.naive_mae": evaluation.naive.mae.toFixed(3),
  };
  const bytes = saveWeights(model, result.weights, result.normalization, info);
  writeFileSync(`models/${kind}.safetensors`, bytes);
  console.log(JSON.stringify({
    kind, parameters: model.layout.size, bytes: bytes.length, seconds: +seconds.toFixed(1),
    secondsPerEpoch: +(seconds / result.history.length).toFixed(2), ...info,
    evaluation,
  }, null, 1));
}
