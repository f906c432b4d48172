// The ops of the neural layer contract on device-resident tensors, in the
// contract's argument order. Each encodes one GPU program and returns its
// outputs without reading them back, so a forward pass chains them freely.
import type { GpuExecutor, GpuTensor } from "./executor.ts";
import {
  activationGradProgram, activationProgram, adamProgram, attentionProgram, axpbyProgram, columnSumProgram, interpolateLinearBackwardProgram,
  interpolateLinearProgram, layerNormProgram, layerNormRowsProgram, layerNormBackwardRowsProgram, matmulDirectProgram, SHORT_ROW, lstmCellPreProgram, lstmCellProgram, maeGradProgram, maeLossProgram, matmulProgram,
  maxPool1dBackwardProgram, maxPool1dProgram, lstmCellBackwardProgram, layerNormBackwardProgram, attentionBackwardQueryProgram,
  attentionBackwardKeyProgram, softmaxProgram, transposeProgram, type Activation, type AdamParams,
} from "./programs.ts";

/**
 * act(A · B + bias): A [M, K] or [batch, M, K]; B [K, N] (shared) or [batch, K, N].
 * transA / transB: A is given as Aᵀ [K, M], B as Bᵀ [N, K].
 */
export function matmul(
  ex: GpuExecutor, a: GpuTensor, b: GpuTensor,
  options: { bias?: GpuTensor | null; activation?: Activation; transA?: boolean; transB?: boolean } = {},
): GpuTensor {
  const { transA = false, transB = false } = options;
  const k = a.shape[a.shape.length - (transA ? 2 : 1)];
  // Up to K = 32 a tile of A and B would be staged for one step only: reading them directly is as fast on a GPU,
  // and several times faster where workgroup barriers are dear (SwiftShader).
  const program = k <= DIRECT_MAX_K ? matmulDirectProgram : matmulProgram;
  return ex.run(program, [a, b, options.bias ?? null], { activation: options.activation ?? "none", transA, transB })[0];
}

/** matmul reads A and B directly (matmulDirect) up to this K, and stages tiles (matmul) past it. */
export const DIRECT_MAX_K = 32;

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
  const short = x.shape[x.shape.length - 1] <= SHORT_ROW;
  return ex.run(short ? layerNormRowsProgram : layerNormProgram, [x, gamma, beta], { eps })[0];
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

/** alpha·a + beta·b, b repeated to a's length (b absent: alpha·a). */
export function axpby(ex: GpuExecutor, a: GpuTensor, b: GpuTensor | null, alpha = 1, beta = 1): GpuTensor {
  return ex.run(axpbyProgram, [a, b], { alpha, beta })[0];
}

/** [..., C, R] from [..., R, C]. */
export function transpose(ex: GpuExecutor, x: GpuTensor): GpuTensor {
  return ex.run(transposeProgram, [x], {})[0];
}

/** [N]: the sum over the rows of X [R, N]. */
export function columnSum(ex: GpuExecutor, x: GpuTensor): GpuTensor {
  return ex.run(columnSumProgram, [x], {})[0];
}

/** act(x) elementwise. */
export function activation(ex: GpuExecutor, x: GpuTensor, act: Activation): GpuTensor {
  return ex.run(activationProgram, [x], { activation: act })[0];
}

/** dY ⊙ act'(pre). */
export function activationGrad(ex: GpuExecutor, dy: GpuTensor, pre: GpuTensor, activation: Activation): GpuTensor {
  return ex.run(activationGradProgram, [dy, pre], { activation })[0];
}

/** sign(prediction − target) / n: the gradient of the mean absolute error. */
export function maeGrad(ex: GpuExecutor, prediction: GpuTensor, target: GpuTensor): GpuTensor {
  return ex.run(maeGradProgram, [prediction, target], {})[0];
}

/** [1]: the mean absolute error. */
export function maeLoss(ex: GpuExecutor, prediction: GpuTensor, target: GpuTensor): GpuTensor {
  return ex.run(maeLossProgram, [prediction, target], {})[0];
}

/** dX [B, L] of maxPool1d from x and dY. */
export function maxPool1dBackward(ex: GpuExecutor, x: GpuTensor, dy: GpuTensor, kernel: number): GpuTensor {
  return ex.run(maxPool1dBackwardProgram, [x, dy], { kernel })[0];
}

/** dX [B, m] of interpolateLinear from dY [B, H]. */
export function interpolateLinearBackward(ex: GpuExecutor, dy: GpuTensor, m: number): GpuTensor {
  return ex.run(interpolateLinearBackwardProgram, [dy], { size: m })[0];
}

/** One Adam step: the new [w, m, v] (fresh tensors; the caller releases the old ones). */
export function adam(ex: GpuExecutor, w: GpuTensor, g: GpuTensor, m: GpuTensor, v: GpuTensor, params: AdamParams): [w: GpuTensor, m: GpuTensor, v: GpuTensor] {
  const [w2, m2, v2] = ex.run(adamProgram, [w, g, m, v], params);
  return [w2, m2, v2];
}

/**
 * The backward of one LSTM step from its inputs (h, c, Wh, b, xw = x·Wx) and
 * dh', dc': the gate gradients dz [B, 4H] and dc [B, H] for the previous c.
 */
export function lstmCellBackward(
  ex: GpuExecutor, xw: GpuTensor, h: GpuTensor, c: GpuTensor, wh: GpuTensor, b: GpuTensor, dh: GpuTensor, dc: GpuTensor,
): [dz: GpuTensor, dc: GpuTensor] {
  const [dz, dcPrev] = ex.run(lstmCellBackwardProgram, [h, c, wh, b, xw, dh, dc], {});
  return [dz, dcPrev];
}

/** The backward of layerNorm: dX and dY ⊙ x̂ (column sums: dγ). */
export function layerNormBackward(ex: GpuExecutor, x: GpuTensor, gamma: GpuTensor, dy: GpuTensor, eps = 1e-5): [dx: GpuTensor, dyXhat: GpuTensor] {
  const short = x.shape[x.shape.length - 1] <= SHORT_ROW;
  const [dx, dyXhat] = ex.run(short ? layerNormBackwardRowsProgram : layerNormBackwardProgram, [x, gamma, dy], { eps });
  return [dx, dyXhat];
}

/** The backward of attention: dQ, dK, dV from Q, K, V [B, T, D] and dO. */
export function attentionBackward(
  ex: GpuExecutor, q: GpuTensor, k: GpuTensor, v: GpuTensor, dout: GpuTensor, heads: number, causal = false,
): [dq: GpuTensor, dk: GpuTensor, dv: GpuTensor] {
  const [dq, stats] = ex.run(attentionBackwardQueryProgram, [q, k, v, dout], { heads, causal });
  const [dk, dv] = ex.run(attentionBackwardKeyProgram, [q, k, v, dout, stats], { heads, causal });
  stats.release();
  return [dq, dk, dv];
}
