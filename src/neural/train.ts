import { ConfigError, MarketDataError } from "../core/errors.ts";
import { Random } from "../core/random.ts";
import type { Model } from "./model.ts";

/**
 * Samples are windows of log closes relative to the window's last close, in
 * units of `scale` (the standard deviation of daily log returns over the
 * training part only):
 *   x_i = ln(c[t−L+1+i] / c[t]) / scale   (i = 0..L−1, so x_{L−1} = 0)
 *   y_j = ln(c[t+1+j] / c[t]) / scale     (j = 0..H−1)
 * for an origin t (the last close the model sees). A forecast y maps back to
 * closes as c[t]·exp(scale·y_j); y = 0 is the naive last-value forecast.
 */
export interface Normalization {
  scale: number;
}

/** Checks closes are finite and positive (they are logged), naming the first bad one. */
export function checkCloses(closes: ArrayLike<number>, source = "closes"): void {
  for (let i = 0; i < closes.length; i++) {
    const c = closes[i];
    if (!(Number.isFinite(c) && c > 0)) {
      throw new MarketDataError(`close must be a positive finite number, got ${c}`, { source, row: i + 1, field: "close" });
    }
  }
}

/** The standard deviation (population) of daily log returns over closes[from, to). */
export function returnScale(closes: ArrayLike<number>, from: number, to: number): number {
  const n = to - from - 1;
  if (n < 2) throw new ConfigError(`need at least 3 closes to measure the return scale, got ${to - from}`, { field: "closes" });
  let mean = 0;
  for (let i = from + 1; i < to; i++) mean += Math.log(closes[i] / closes[i - 1]);
  mean /= n;
  let variance = 0;
  for (let i = from + 1; i < to; i++) variance += (Math.log(closes[i] / closes[i - 1]) - mean) ** 2;
  const scale = Math.sqrt(variance / n);
  if (!(scale > 0)) throw new ConfigError("closes do not move: the return scale is zero", { field: "closes" });
  return scale;
}

/** Writes the model input for origin t into x at `offset` (L values). */
export function writeWindow(closes: ArrayLike<number>, t: number, inputSize: number, scale: number, x: Float32Array, offset = 0): void {
  const last = Math.log(closes[t]);
  for (let i = 0; i < inputSize; i++) x[offset + i] = (Math.log(closes[t - inputSize + 1 + i]) - last) / scale;
}

/** Inputs x [n, L] and targets y [n, H] for the origins firstOrigin..lastOrigin (inclusive). */
export function makeWindows(
  closes: ArrayLike<number>, inputSize: number, horizon: number, scale: number, firstOrigin: number, lastOrigin: number,
): { x: Float32Array; y: Float32Array; count: number } {
  if (firstOrigin < inputSize - 1 || lastOrigin + horizon >= closes.length) {
    throw new ConfigError(`origins ${firstOrigin}..${lastOrigin} need closes outside 0..${closes.length - 1}`, { field: "closes" });
  }
  const count = Math.max(lastOrigin - firstOrigin + 1, 0);
  const x = new Float32Array(count * inputSize);
  const y = new Float32Array(count * horizon);
  for (let n = 0; n < count; n++) {
    const t = firstOrigin + n;
    writeWindow(closes, t, inputSize, scale, x, n * inputSize);
    const last = Math.log(closes[t]);
    for (let j = 0; j < horizon; j++) y[n * horizon + j] = (Math.log(closes[t + 1 + j]) - last) / scale;
  }
  return { x, y, count };
}

/** Adam (Kingma and Ba), as PyTorch's: bias-corrected moments, no weight decay. */
export class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private step = 0;

  constructor(size: number, readonly learningRate = 1e-3, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  update(weights: Float32Array, grad: Float32Array): void {
    this.step++;
    const { m, v, beta1, beta2 } = this;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    for (let i = 0; i < weights.length; i++) {
      const g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      weights[i] -= (this.learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
    }
  }
}

/** Mean absolute error over all entries, and its gradient (sign / n) written into dy. */
export function maeLoss(prediction: Float32Array, target: Float32Array, dy?: Float32Array): number {
  let sum = 0;
  const n = prediction.length;
  for (let i = 0; i < n; i++) {
    const e = prediction[i] - target[i];
    sum += Math.abs(e);
    if (dy) dy[i] = (e > 0 ? 1 : e < 0 ? -1 : 0) / n;
  }
  return sum / n;
}

/** The model's forecasts for n windows, in chunks (bounding the memory a pass holds). */
export function predict(model: Model, weights: Float32Array, x: Float32Array, count: number, chunk = 256): Float32Array {
  const { inputSize, horizon } = model.config;
  const y = new Float32Array(count * horizon);
  for (let from = 0; from < count; from += chunk) {
    const n = Math.min(chunk, count - from);
    y.set(model.forward(weights, x.subarray(from * inputSize, (from + n) * inputSize), n).y, from * horizon);
  }
  return y;
}

export interface TrainOptions {
  /** Seeds the initial weights and the minibatch order: the same seed gives bit-identical weights. */
  seed: number;
  maxEpochs: number;
  /** Stop after this many epochs without a better validation loss. */
  patience: number;
  batchSize: number;
  learningRate: number;
  /** The chronological tail of the closes whose targets form the validation set. */
  validationFraction: number;
  /** Called after every epoch (progress for the CLI). */
  onEpoch?: (report: EpochReport) => void;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  seed: 1, maxEpochs: 40, patience: 5, batchSize: 64, learningRate: 1e-3, validationFraction: 0.2,
};

export interface EpochReport {
  epoch: number;
  /** Mean training MAE over the epoch's minibatches, in units of the scale. */
  trainLoss: number;
  /** Validation MAE after the epoch, in units of the scale. */
  validationLoss: number;
}

export interface TrainResult {
  /** The weights of the epoch with the lowest validation loss. */
  weights: Float32Array;
  normalization: Normalization;
  history: EpochReport[];
  bestEpoch: number;
  trainSamples: number;
  validationSamples: number;
}

/**
 * Trains `model` on a close series: chronological split (the last
 * `validationFraction` of the closes hold the validation targets; training
 * targets all come before them), scale from the training part only, MAE
 * loss, Adam on seeded minibatches, early stopping on the validation loss.
 */
export function train(model: Model, closes: ArrayLike<number>, options: Partial<TrainOptions> = {}): TrainResult {
  const opts = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  checkTrainOptions(opts);
  checkCloses(closes);
  const { inputSize: L, horizon: H } = model.config;
  const n = closes.length;
  const split = Math.round(n * (1 - opts.validationFraction));
  const lastTrainOrigin = split - 1 - H;
  if (lastTrainOrigin < L - 1 || n - 1 - H < split - 1) {
    throw new ConfigError(
      `${n} closes are too few for windows of ${L} + ${H} with a ${opts.validationFraction} validation split`,
      { field: "closes" },
    );
  }
  const scale = returnScale(closes, 0, split);
  const trainSet = makeWindows(closes, L, H, scale, L - 1, lastTrainOrigin);
  const validation = makeWindows(closes, L, H, scale, split - 1, n - 1 - H);

  const rng = new Random(opts.seed);
  const weights = model.layout.initialize(rng);
  const adam = new Adam(weights.length, opts.learningRate);
  const grad = new Float32Array(weights.length);
  const order = Uint32Array.from({ length: trainSet.count }, (_, i) => i);
  const xb = new Float32Array(opts.batchSize * L);
  const yb = new Float32Array(opts.batchSize * H);
  const dy = new Float32Array(opts.batchSize * H);

  let best = { loss: Infinity, epoch: 0, weights: weights.slice() };
  const history: EpochReport[] = [];
  for (let epoch = 1; epoch <= opts.maxEpochs; epoch++) {
    shuffle(order, rng);
    let lossSum = 0;
    let batches = 0;
    for (let from = 0; from < order.length; from += opts.batchSize) {
      const b = Math.min(opts.batchSize, order.length - from);
      for (let k = 0; k < b; k++) {
        const s = order[from + k];
        xb.set(trainSet.x.subarray(s * L, (s + 1) * L), k * L);
        yb.set(trainSet.y.subarray(s * H, (s + 1) * H), k * H);
      }
      const pass = model.forward(weights, xb.subarray(0, b * L), b);
      lossSum += maeLoss(pass.y, yb.subarray(0, b * H), dy.subarray(0, b * H));
      batches++;
      grad.fill(0);
      pass.backward(dy.subarray(0, b * H), grad);
      adam.update(weights, grad);
    }
    const validationLoss = maeLoss(predict(model, weights, validation.x, validation.count), validation.y);
    const report = { epoch, trainLoss: lossSum / batches, validationLoss };
    history.push(report);
    opts.onEpoch?.(report);
    if (validationLoss < best.loss) best = { loss: validationLoss, epoch, weights: weights.slice() };
    else if (epoch - best.epoch >= opts.patience) break;
  }
  return {
    weights: best.weights, normalization: { scale }, history, bestEpoch: best.epoch,
    trainSamples: trainSet.count, validationSamples: validation.count,
  };
}

/** Fisher-Yates with the seeded generator. */
function shuffle(order: Uint32Array, rng: Random): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

function checkTrainOptions(o: TrainOptions): void {
  const integer = (field: keyof TrainOptions, min: number) => {
    const v = o[field];
    if (!Number.isInteger(v) || (v as number) < min) throw new ConfigError(`${field} must be an integer >= ${min}, got ${v}`, { field });
  };
  integer("seed", 0);
  integer("maxEpochs", 1);
  integer("patience", 1);
  integer("batchSize", 1);
  if (!(o.learningRate > 0 && o.learningRate < 1)) {
    throw new ConfigError(`learningRate must be in (0, 1), got ${o.learningRate}`, { field: "learningRate" });
  }
  if (!(o.validationFraction > 0 && o.validationFraction < 1)) {
    throw new ConfigError(`validationFraction must be in (0, 1), got ${o.validationFraction}`, { field: "validationFraction" });
  }
}
