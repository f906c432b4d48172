import { GpuDeviceLostError } from "../gpu/errors.ts";
import type { GpuExecutor } from "../gpu/executor.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";
import { type GpuParams, predictOnDevice, releaseParams, uploadParams } from "./gpu-models.ts";
import type { Model } from "./model.ts";
import { checkPredictArgs, type Predictor } from "./predictor.ts";

export interface GpuPredictorOptions {
  /** Windows per forward pass (bounds the activations held on the device at once). */
  readonly chunk?: number;
}

/**
 * The WebGPU backend of the Predictor port: each model's forward pass runs
 * as WGSL kernels on the runtime's device, batched over all the windows.
 * A weight set is uploaded on its first prediction and kept on the device
 * until the Float32Array is garbage-collected (cached by the array's
 * identity: weights changed in place after that are not seen; pass a new
 * array). When the device is lost the call is retried once on the
 * runtime's new device, uploading the weights again.
 */
export function gpuPredictor(runtime: GpuRuntime, options: GpuPredictorOptions = {}): Predictor {
  const chunk = options.chunk ?? 1024;
  const cache = new WeakMap<Float32Array, GpuParams>();
  // A weight set the caller has dropped (e.g. trained for one request) gives its device buffers back.
  const uploaded = new FinalizationRegistry<GpuParams>((params) => {
    if (!params.ex.isLost) releaseParams(params);
  });

  function paramsFor(ex: GpuExecutor, model: Model, weights: Float32Array): GpuParams {
    const cached = cache.get(weights);
    if (cached && cached.ex === ex && cached.model === model) return cached;
    if (cached) {
      uploaded.unregister(cached);
      if (cached.ex === ex) releaseParams(cached);
    }
    const params = uploadParams(ex, model, weights);
    cache.set(weights, params);
    uploaded.register(weights, params, params);
    return params;
  }

  async function predictOnce(model: Model, weights: Float32Array, x: Float32Array, count: number): Promise<Float32Array> {
    const ex = await runtime.executor();
    return predictOnDevice(paramsFor(ex, model, weights), x, count, chunk);
  }

  return {
    backend: "webgpu",
    async predict(model, weights, x, count) {
      checkPredictArgs(model, weights, x, count);
      if (count === 0) return new Float32Array(0);
      try {
        return await predictOnce(model, weights, x, count);
      } catch (e) {
        if (!(e instanceof GpuDeviceLostError)) throw e;
        return predictOnce(model, weights, x, count);
      }
    },
  };
}
