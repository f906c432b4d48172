import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, MarketDataError } from "../../src/core/errors.ts";
import { parseBarsCsv } from "../../src/data/csv.ts";
import type { ModelConfig } from "../../src/neural/model.ts";
import { createModel } from "../../src/neural/models.ts";
import { Adam, maeLoss, makeWindows, predict, returnScale, train } from "../../src/neural/train.ts";
import { root } from "../helpers.ts";

const sp500 = Array.from(parseBarsCsv(readFileSync(`${root}data/sp500.csv`, "utf8")).close);

const tiny: ModelConfig[] = [
  { kind: "nhits", inputSize: 16, horizon: 4, hidden: 16, mlpLayers: 2, poolKernels: [2, 1], downsample: [2, 1] },
  { kind: "lstm", inputSize: 16, horizon: 4, hidden: 8, layers: 2 },
  { kind: "transformer", inputSize: 16, horizon: 4, dModel: 8, heads: 2, layers: 1, ffSize: 16 },
];

describe("windows", () => {
  it("are log closes relative to the origin's close, in units of the scale", () => {
    const closes = [100, 110, 121, 100, 50];
    const { x, y, count } = makeWindows(closes, 2, 2, 0.5, 1, 2);
    expect(count).toBe(2);
    // origin 1: inputs ln(100/110)/0.5, 0; targets ln(121/110)/0.5, ln(100/110)/0.5
    const l = (a: number, b: number) => Math.log(a / b) / 0.5;
    [l(100, 110), 0, l(110, 121), 0].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 6));
    [l(121, 110), l(100, 110), l(100, 121), l(50, 121)].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
  });

  it("scale: the population sd of daily log returns over the given range only", () => {
    const r = [Math.log(2), Math.log(0.5), Math.log(2)];
    const mean = r.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    expect(returnScale([1, 2, 1, 2, 1000], 0, 4)).toBeCloseTo(sd, 12);
  });
});

describe("Adam", () => {
  it("takes PyTorch's first step: lr·m̂/(√v̂ + eps) = lr·sign(g)", () => {
    const w = Float32Array.of(1, -1);
    new Adam(2, 0.1).update(w, Float32Array.of(2, -0.5));
    expect(w[0]).toBeCloseTo(0.9, 6);
    expect(w[1]).toBeCloseTo(-0.9, 6);
  });

  it("MAE's gradient is sign(error) / n", () => {
    const dy = new Float32Array(4);
    expect(maeLoss(Float32Array.of(1, 2, 3, 4), Float32Array.of(0, 3, 3, 1), dy)).toBeCloseTo(5 / 4, 12);
    expect([...dy]).toEqual([0.25, -0.25, 0, 0.25]);
  });
});

describe.each(tiny)("training $kind", (config) => {
  const closes = sp500.slice(0, 500);
  const run = (seed: number) => train(createModel(config), closes, { seed, maxEpochs: 2, batchSize: 32 });

  it("is reproducible: the same seed gives bit-identical weights, another seed others", () => {
    const a = run(7), b = run(7), c = run(8);
    expect(new Uint8Array(a.weights.buffer)).toEqual(new Uint8Array(b.weights.buffer));
    expect(a.history).toEqual(b.history);
    expect(new Uint8Array(a.weights.buffer)).not.toEqual(new Uint8Array(c.weights.buffer));
  });
});

describe("train", () => {
  // A price that repeats every 16 bars: once it has seen a window, the next 4 closes are determined.
  const cycle = Array.from({ length: 800 }, (_, t) => 100 * Math.exp(0.05 * Math.sin((2 * Math.PI * t) / 16) + 0.02 * Math.sin((2 * Math.PI * t) / 5)));

  it("learns a predictable series far better than the naive forecast, and returns its best epoch's weights", () => {
    const model = createModel(tiny[0]);
    const result = train(model, cycle, { seed: 3, maxEpochs: 60, patience: 5, learningRate: 3e-3 });
    const { x, y, count } = makeWindows(cycle, 16, 4, result.normalization.scale, 639, 800 - 1 - 4);
    const naive = maeLoss(new Float32Array(y.length), y);
    const best = result.history[result.bestEpoch - 1].validationLoss;
    expect(best).toBeLessThan(0.1 * naive);
    expect(maeLoss(predict(model, result.weights, x, count), y)).toBeCloseTo(best, 5);
    expect(Math.min(...result.history.map((h) => h.validationLoss))).toBe(best);
  });

  it("stops once the validation loss has not improved for `patience` epochs", () => {
    // Learning rate 0.5 overshoots: the validation loss stops improving early.
    const result = train(createModel(tiny[0]), sp500.slice(0, 600), { seed: 1, maxEpochs: 50, patience: 2, learningRate: 0.5 });
    expect(result.history.length).toBe(result.bestEpoch + 2);
    expect(result.history.length).toBeLessThan(50);
  });

  it("measures the scale on the training part only", () => {
    const closes = sp500.slice(0, 500);
    const changedTail = [...closes.slice(0, 400), ...closes.slice(400).map((c, i) => c * (1 + 0.1 * (i % 2)))];
    const run = (c: number[]) => train(createModel(tiny[0]), c, { seed: 1, maxEpochs: 1, validationFraction: 0.2 }).normalization.scale;
    expect(run(changedTail)).toBe(run(closes));
    expect(run(closes)).toBe(returnScale(closes, 0, 400));
  });

  it("names a bad close and refuses too short a series or bad options", () => {
    const closes = sp500.slice(0, 300);
    closes[120] = -1;
    const model = createModel(tiny[0]);
    expect(() => train(model, closes)).toThrow(MarketDataError);
    expect(() => train(model, closes)).toThrow(/row 121/);
    expect(() => train(model, sp500.slice(0, 22))).toThrow(ConfigError);
    expect(() => train(model, sp500.slice(0, 300), { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => train(model, sp500.slice(0, 300), { validationFraction: 1 })).toThrow(/validationFraction/);
  });
});
