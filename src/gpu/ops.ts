// The ops of the neural layer contract on device-resident tensors, in the
// contract's argument order. Each encodes one GPU program and returns its
// outputs without reading them back, so a forward pass chains them freely.
import type { GpuExecutor, GpuTensor } from "./executor.ts";
import {
  attentionProgram, interpolateLinearProgram, layerNormProgram, lstmCellPreProgram, lstmCellProgram, matmulProgram,
  maxPool1dProgram, softmaxProgram, type Activation,
} from "./programs.ts";

/** act(A · B + bias): A [M, K] or [batch, M, K]; B [K, N] (shared) or [batch, K, N]. */
export function matmul(
  ex: GpuExecutor, a: GpuTensor, b: GpuTensor, options: { bias?: GpuTensor | null; activation?: Activation } = {},
): GpuTensor {
  return ex.run(matmulProgram, [a, b, options.bias ?? null], { activation: options.activation ?? "none" })[0];
}

/** Y[B, N] = act(X[B, K] · W[K, N] + b[N]); W is stored [in, out]. */
export function linear(ex: GpuExecutor, x: GpuTensor, w: GpuTensor, b: GpuTensor | null, activation: Activation = "none"): GpuTensor {
  return matmul(ex, x, w, { bias: b, activation });
}

/** [B, ceil(L/k)]: stride = kernel = k, ceil mode. */
export function maxPool1d(ex: GpuExecutor, x: GpuTensor, kernel: number): GpuTensor {
  return ex.run(maxPool1dProgram, [x], { kernel })[0];
}

/** [B, size], as PyTorch's F.interpolate(mode="linear", align_corners=False). */
export function interpolateLinear(ex: GpuExecutor, x: GpuTensor, size: number): GpuTensor {
  return ex.run(interpolateLinearProgram, [x], { size })[0];
}

/** One LSTM step: [h', c'] from x[B, I], h and c [B, H], Wx [I, 4H], Wh [H, 4H], b [4H]. */
export function lstmCell(
  ex: GpuExecutor, x: GpuTensor, h: GpuTensor, c: GpuTensor, wx: GpuTensor, wh: GpuTensor, b: GpuTensor,
): [h: GpuTensor, c: GpuTensor] {
  const [hNext, cNext] = ex.run(lstmCellProgram, [h, c, wh, b, x, wx], {});
  return [hNext, cNext];
}

/** lstmCell with xw = x·Wx [B, 4H] already computed (e.g. for a whole sequence by one matmul). */
export function lstmCellPre(
  ex: GpuExecutor, xw: GpuTensor, h: GpuTensor, c: GpuTensor, wh: GpuTensor, b: GpuTensor,
): [h: GpuTensor, c: GpuTensor] {
  const [hNext, cNext] = ex.run(lstmCellPreProgram, [h, c, wh, b, xw], {});
  return [hNext, cNext];
}

/** Over the last axis, population variance. */
export function layerNorm(ex: GpuExecutor, x: GpuTensor, gamma: GpuTensor, beta: GpuTensor, eps = 1e-5): GpuTensor {
  return ex.run(layerNormProgram, [x, gamma, beta], { eps })[0];
}

/** Over the last axis, max-subtracted. */
export function softmax(ex: GpuExecutor, x: GpuTensor): GpuTensor {
  return ex.run(softmaxProgram, [x], {})[0];
}

/** Multi-head scaled dot-product attention over Q, K, V [B, T, D]. */
export function attention(
  ex: GpuExecutor, q: GpuTensor, k: GpuTensor, v: GpuTensor, heads: number, causal = false,
): GpuTensor {
  return ex.run(attentionProgram, [q, k, v], { heads, causal })[0];
}
