import type { WasmNeural } from "./neural.ts";
import { type KernelPass, kernelPass } from "./neural-models.ts";
import type { Model } from "../neural/model.ts";
import { checkPredictArgs, type Predictor } from "../neural/predictor.ts";

export interface KernelPredictorOptions {
  /** Windows per run (default: each model's own, sized for the CPU's caches). */
  readonly chunk?: number;
}

/**
 * The CPU backend on build/neural.wasm: each model's forward pass runs as
 * SIMD kernels over float32 buffers in the module's memory, the fast
 * fallback where no GPU adapter exists (the plain TypeScript forward stays
 * the reference). A weight set is rearranged for the kernels on its first
 * prediction (cached by the array's identity: weights changed in place after
 * that are not seen; pass a new array) and stays in the module's memory
 * until another weight set is used.
 */
export function kernelPredictor(nn: WasmNeural, options: KernelPredictorOptions = {}): Predictor {
  const passes = new WeakMap<Float32Array, KernelPass>();

  function passFor(model: Model, weights: Float32Array): KernelPass {
    const cached = passes.get(weights);
    if (cached && cached.model === model) return cached;
    const pass = kernelPass(model, weights);
    passes.set(weights, pass);
    return pass;
  }

  return {
    backend: "cpu",
    async predict(model, weights, x, count) {
      checkPredictArgs(model, weights, x, count);
      const { inputSize: L, horizon: H } = model.config;
      const y = new Float32Array(count * H);
      if (count === 0) return y;
      const pass = passFor(model, weights);
      const chunk = Math.min(options.chunk ?? pass.chunk, count);
      const { ptrs, fresh } = nn.buffers(pass, [pass.params.length, ...pass.buffers(chunk)]);
      const [base, ...bufs] = ptrs;
      if (fresh) nn.view(base, pass.params.length).set(pass.params);
      for (let from = 0; from < count; from += chunk) {
        const n = Math.min(chunk, count - from);
        nn.view(bufs[0], n * L).set(x.subarray(from * L, (from + n) * L));
        pass.run(nn, base, bufs, n);
        y.set(nn.view(bufs[1], n * H), from * H);
      }
      return y;
    },
  };
}
