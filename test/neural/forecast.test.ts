import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import { evaluateForecasts, forecastCloses } from "../../src/neural/forecast.ts";
import { createModel } from "../../src/neural/models.ts";
import { loadWeights } from "../../src/neural/weights.ts";
import { root } from "../helpers.ts";

const closes = Array.from(parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8")).close);
const naiveModel = () => {
  const model = createModel({ kind: "nhits", inputSize: 4, horizon: 2, hidden: 3, mlpLayers: 1, poolKernels: [1], downsample: [1] });
  return { model, weights: new Float32Array(model.layout.size), normalization: { scale: 0.01 }, info: {} };
};

describe("forecastCloses", () => {
  it("maps the model's output back to closes: zero-weight NHITS is the last-value forecast", async () => {
    expect(await forecastCloses(naiveModel(), [10, 11, 12, 13, 14], 5)).toEqual([14, 14, 14, 14, 14].map((c) => expect.closeTo(c, 9)));
    await expect(forecastCloses(naiveModel(), [10, 11, 12])).rejects.toThrow(ConfigError);
    await expect(forecastCloses(naiveModel(), [10, 11, 12, 14], 0)).rejects.toThrow(/horizon/);
  });

  for (const kind of ["nhits", "lstm", "transformer"]) {
    it(`${kind}: the shipped weights load and forecast the bundled series; longer requests extend the horizon's forecast`, async () => {
      const trained = loadWeights(readFileSync(`${root}models/${kind}.safetensors`), `models/${kind}.safetensors`);
      const h = trained.model.config.horizon;
      const next = await forecastCloses(trained, closes);
      expect(next).toHaveLength(h);
      const last = closes[closes.length - 1];
      for (const c of next) expect(Math.abs(c / last - 1)).toBeLessThan(0.2);
      const longer = await forecastCloses(trained, closes, 2 * h + 3);
      expect(longer).toHaveLength(2 * h + 3);
      expect(longer.slice(0, h)).toEqual(next);
    });

    it(`${kind}: the held-out evaluation stored in the file is what the weights give`, async () => {
      const trained = loadWeights(readFileSync(`${root}models/${kind}.safetensors`));
      const evaluation = await evaluateForecasts(trained, closes, closes.length - 251);
      expect(evaluation.origins).toBe(243);
      expect(evaluation.mae.toFixed(3)).toBe(trained.info["eval.mae"]);
      expect(evaluation.naive.mae.toFixed(3)).toBe(trained.info["eval.naive_mae"]);
    });
  }
});

describe("evaluateForecasts", () => {
  it("scores every origin's horizon against the closes that came, next to the naive forecast", async () => {
    const series = [100, 100, 100, 100, 110, 99, 121];
    // origins 3 and 4 (H = 2): naive predicts 100 for [110, 99], then 110 for [99, 121]
    const e = await evaluateForecasts(naiveModel(), series, 3);
    expect(e.origins).toBe(2);
    const errors = [10, 1, 11, 11];
    expect(e.naive.mae).toBeCloseTo(33 / 4, 9);
    expect(e.naive.rmse).toBeCloseTo(Math.sqrt(errors.reduce((a, v) => a + v * v, 0) / 4), 9);
    expect(e.naive.mape).toBeCloseTo((100 * (10 / 110 + 1 / 99 + 11 / 99 + 11 / 121)) / 4, 9);
    expect(e.mae).toBeCloseTo(e.naive.mae, 5);
    await expect(evaluateForecasts(naiveModel(), series, 6)).rejects.toThrow(ConfigError);
  });
});
