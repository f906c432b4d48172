import type { GpuTensor } from "../gpu/executor.ts";
import type { AdamParams } from "../gpu/programs.ts";
import * as gpu from "../gpu/ops.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";
import { Random } from "../core/random.ts";
import { gpuForward, type GpuParams, predictOnDevice, releaseParams, uploadParams } from "./gpu-models.ts";
import type { Model } from "./model.ts";
import { type EpochReport, maeLoss, Minibatches, prepareTraining, type TrainOptions, type TrainResult } from "./train.ts";

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;
/** Validation windows per forward pass. */
const CHUNK = 1024;

/**
 * `train` with every minibatch's forward, backward and Adam step on the GPU:
 * the same split, scale, seeded initial weights and minibatch order as the
 * CPU path, so both reach the same validation loss up to float32 rounding.
 * The weights stay on the device for the whole run; per epoch only the
 * training loss and the validation forecasts are read back (and the weights,
 * when the epoch is the best so far).
 */
export async function trainOnGpu(runtime: GpuRuntime, model: Model, closes: ArrayLike<number>, options: Partial<TrainOptions> = {}): Promise<TrainResult> {
  const { opts, scale, trainSet, validation } = prepareTraining(model, closes, options);
  const { inputSize: L, horizon: H } = model.config;
  const rng = new Random(opts.seed);
  const initial = model.layout.initialize(rng);
  const ex = await runtime.executor();
  const params = uploadParams(ex, model, initial);
  const names = model.layout.specs.map((s) => s.name);
  const moments = new Map(model.layout.specs.map((s) => [s.name, [ex.zeros(s.shape), ex.zeros(s.shape)]]));
  const batches = new Minibatches(trainSet, L, H, opts.batchSize);
  let step = 0;

  /** The current weights, read back into the model's flat layout. */
  async function readWeights(): Promise<Float32Array> {
    const out = new Float32Array(model.layout.size);
    for (const name of names) model.layout.view(out, name).set(await ex.read(params.tensors.get(name)!));
    return out;
  }

  let best = { loss: Infinity, epoch: 0, weights: initial };
  const history: EpochReport[] = [];
  try {
    for (let epoch = 1; epoch <= opts.maxEpochs; epoch++) {
      batches.shuffle(rng);
      let lossSum: GpuTensor | null = null;
      for (let i = 0; i < batches.count; i++) {
        const { x, y, size: b } = batches.get(i);
        const target = ex.upload(y, [b, H]);
        const pass = gpuForward(params, ex.upload(x, [b, L]), b, true);
        const loss = gpu.maeLoss(ex, pass.y, target);
        if (lossSum) {
          const sum = gpu.axpby(ex, lossSum, loss);
          lossSum.release();
          loss.release();
          lossSum = sum;
        } else lossSum = loss;
        const dy = gpu.maeGrad(ex, pass.y, target);
        const grads = pass.backward(dy);
        step++;
        adamStep(params, grads, moments, { learningRate: opts.learningRate, beta1: BETA1, beta2: BETA2, eps: EPS, step });
        for (const t of [target, dy, pass.y, ...grads.values()]) t.release();
        pass.release();
      }
      const trainLoss = (await ex.read(lossSum!))[0] / batches.count;
      lossSum!.release();
      const validationLoss = maeLoss(await predictOnDevice(params, validation.x, validation.count, CHUNK), validation.y);
      const report = { epoch, trainLoss, validationLoss };
      history.push(report);
      opts.onEpoch?.(report);
      if (validationLoss < best.loss) best = { loss: validationLoss, epoch, weights: await readWeights() };
      else if (epoch - best.epoch >= opts.patience) break;
    }
  } finally {
    releaseParams(params);
    for (const [m, v] of moments.values()) {
      m.release();
      v.release();
    }
  }
  return {
    weights: best.weights, normalization: { scale }, history, bestEpoch: best.epoch,
    trainSamples: trainSet.count, validationSamples: validation.count,
  };
}

/** Replaces every parameter and its moments with their Adam-updated tensors. */
function adamStep(params: GpuParams, grads: Map<string, GpuTensor>, moments: Map<string, GpuTensor[]>, options: AdamParams): void {
  const { ex, tensors } = params;
  for (const [name, [m, v]] of moments) {
    const w = tensors.get(name)!;
    const [w2, m2, v2] = gpu.adam(ex, w, grads.get(name)!, m, v, options);
    for (const t of [w, m, v]) t.release();
    tensors.set(name, w2);
    moments.set(name, [m2, v2]);
  }
}
