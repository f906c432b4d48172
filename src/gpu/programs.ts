// The GPU programs: one small object per kernel (its WGSL family file, entry
// point, input bindings, and a plan from the input shapes and parameters to
// output shapes, override constants, uniforms and workgroup count), in one
// registry. The executor runs any of them the same way.
//
// Binding convention of every kernel: @binding(0) the uniform Params (whose
// first field, `groups`, the executor writes), then the outputs, then the
// inputs in the order of `inputs`.
import { ConfigError } from "../core/errors.ts";
import { GpuLimitError } from "./errors.ts";
import { WGSL } from "./shader-sources.ts";

export type Shape = readonly number[];
export type ShaderFamily = Exclude<keyof typeof WGSL, "common">;
export type Activation = "none" | "relu" | "gelu" | "tanh" | "sigmoid";
export const ACTIVATIONS: readonly Activation[] = ["none", "relu", "gelu", "tanh", "sigmoid"];

export interface ProgramPlan {
  readonly outputs: readonly Shape[];
  /** Override constants the pipeline is specialized for: part of the pipeline cache key. */
  readonly constants: Readonly<Record<string, number>>;
  /** The Params fields after `groups`, as 32-bit words (f32 fields through f32Bits). */
  readonly uniforms: readonly number[];
  /** Workgroups the kernel needs; the executor folds them into the per-dimension limit. */
  readonly workgroups: number;
}

export interface GpuProgram<P = never> {
  readonly name: string;
  readonly family: ShaderFamily;
  readonly entryPoint: string;
  /** Input binding names in binding order; `null` is allowed only for those in `optional`. */
  readonly inputs: readonly string[];
  readonly optional?: readonly string[];
  /** Checks the input shapes and parameters (errors name the op and input) and plans the dispatch. */
  plan(inputs: readonly (Shape | null)[], params: P): ProgramPlan;
}

/** The WGSL a program compiles: the shared prelude, then its family file. */
export function programSource(family: ShaderFamily): string {
  return `${WGSL.common}\n${WGSL[family]}`;
}

/** An f32 as the u32 word with the same bits, for f32 fields of a uniform block. */
export function f32Bits(x: number): number {
  return new Uint32Array(new Float32Array([x]).buffer)[0];
}

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
const product = (dims: Shape) => dims.reduce((a, b) => a * b, 1);

/** Threads per workgroup of the one-thread-per-output kernels (pooling, interpolate, lstm). */
const THREADS = 64;
const MATMUL_TILE = 32;
/** attention.wgsl keeps a query row and an output row of this many floats in registers. */
export const MAX_HEAD_DIM = 64;

function fail(op: string, input: string, message: string): never {
  throw new ConfigError(`${op}: ${message}`, { field: `${op}.${input}` });
}

function shapeText(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/** The shape of `input`, checked to have one of `ranks` dimensions. */
function shapeOf(op: string, input: string, shape: Shape | null | undefined, ranks: readonly number[], meaning: string): Shape {
  if (!shape) fail(op, input, `${input} is missing; expected ${meaning}`);
  if (!ranks.includes(shape.length)) fail(op, input, `${input} must be ${meaning}; got ${shapeText(shape)}`);
  return shape;
}

function expectDims(op: string, input: string, shape: Shape, expected: Shape, meaning: string): void {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    fail(op, input, `${input} must be ${meaning} = ${shapeText(expected)}; got ${shapeText(shape)}`);
  }
}

function positiveInt(op: string, param: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) fail(op, param, `${param} must be a positive integer; got ${value}`);
  return value;
}

/** Leading dimensions flattened into rows, the last one the row length. */
function rowsOf(shape: Shape): [rows: number, len: number] {
  return [product(shape.slice(0, -1)), shape[shape.length - 1]];
}

export interface MatmulParams {
  readonly activation: Activation;
  /** A is stored transposed, [batch?, K, M] (the backward's Xᵀ·dZ). */
  readonly transA?: boolean;
  /** B is stored transposed, [batch?, N, K] (the backward's dZ·Wᵀ). */
  readonly transB?: boolean;
}

/**
 * C[batch?, M, N] = act(A[batch?, M, K] · B[batch?, K, N] + bias[N]); a rank-2 B
 * is shared by every batch. transA / transB read A or B stored transposed.
 */
export const matmulProgram: GpuProgram<MatmulParams> = {
  name: "matmul",
  family: "matmul",
  entryPoint: "matmul",
  inputs: ["a", "b", "bias"],
  optional: ["bias"],
  plan([aShape, bShape, biasShape], { activation, transA = false, transB = false }) {
    const a = shapeOf("matmul", "a", aShape, [2, 3], transA ? "[K, M] or [batch, K, M] (transA)" : "[M, K] or [batch, M, K]");
    const b = shapeOf("matmul", "b", bShape, [2, 3], transB ? "[N, K] or [batch, N, K] (transB)" : "[K, N] or [batch, K, N]");
    const act = ACTIVATIONS.indexOf(activation);
    if (act < 0) fail("matmul", "activation", `activation must be one of ${ACTIVATIONS.join(", ")}; got "${activation}"`);
    const batch = a.length === 3 ? a[0] : 1;
    const [m, k] = transA ? [a[a.length - 1], a[a.length - 2]] : [a[a.length - 2], a[a.length - 1]];
    const n = transB ? b[b.length - 2] : b[b.length - 1];
    const bDims = transB ? [n, k] : [k, n];
    const bMeaning = transB ? "[N, K]" : "[K, N]";
    if (b.length === 3 && a.length === 2) fail("matmul", "b", `b may be [batch, ...] only when a is [batch, ...]; got a ${shapeText(a)}`);
    if (b.length === 3) expectDims("matmul", "b", b, [batch, ...bDims], `[batch, ${bMeaning.slice(1)} with a's batch and K`);
    else expectDims("matmul", "b", b, bDims, `${bMeaning} with a's K`);
    if (biasShape) expectDims("matmul", "bias", biasShape, [n], "[N]");
    return {
      outputs: [a.length === 3 ? [batch, m, n] : [m, n]],
      constants: { ACT: act, HAS_BIAS: biasShape ? 1 : 0, TRANS_A: transA ? 1 : 0, TRANS_B: transB ? 1 : 0 },
      uniforms: [m, n, k, m * k, b.length === 3 ? k * n : 0, batch],
      workgroups: ceilDiv(n, MATMUL_TILE) * ceilDiv(m, MATMUL_TILE) * batch,
    };
  },
};

/** matmul with one thread per 4 outputs and no workgroup memory: for small K (see ops.matmul). */
export const matmulDirectProgram: GpuProgram<MatmulParams> = {
  name: "matmulDirect",
  family: "matmul",
  entryPoint: "matmulDirect",
  inputs: matmulProgram.inputs,
  optional: matmulProgram.optional,
  plan(shapes, params) {
    const plan = matmulProgram.plan(shapes, params);
    const [m, n] = plan.outputs[0].slice(-2);
    const batch = plan.outputs[0].length === 3 ? plan.outputs[0][0] : 1;
    return { ...plan, workgroups: ceilDiv(batch * m * ceilDiv(n, 4), THREADS) };
  },
};

export interface PoolParams {
  readonly kernel: number;
}

/** Y[..., ceil(L/k)]: max over windows of k (stride k, the last window may be shorter). */
export const maxPool1dProgram: GpuProgram<PoolParams> = {
  name: "maxPool1d",
  family: "pooling",
  entryPoint: "maxPool1d",
  inputs: ["x"],
  plan([xShape], { kernel }) {
    const x = shapeOf("maxPool1d", "x", xShape, [1, 2, 3], "[B, L]");
    const k = positiveInt("maxPool1d", "kernel", kernel);
    const [rows, len] = rowsOf(x);
    const outLen = ceilDiv(len, k);
    return {
      outputs: [[...x.slice(0, -1), outLen]],
      constants: {},
      uniforms: [rows, len, k, outLen],
      workgroups: ceilDiv(rows * outLen, THREADS),
    };
  },
};

export interface InterpolateParams {
  readonly size: number;
}

/** Y[..., H] from X[..., M], linear, align_corners=False (PyTorch). */
export const interpolateLinearProgram: GpuProgram<InterpolateParams> = {
  name: "interpolateLinear",
  family: "interpolate",
  entryPoint: "interpolateLinear",
  inputs: ["x"],
  plan([xShape], { size }) {
    const x = shapeOf("interpolateLinear", "x", xShape, [1, 2, 3], "[B, M]");
    const h = positiveInt("interpolateLinear", "size", size);
    const [rows, m] = rowsOf(x);
    return {
      outputs: [[...x.slice(0, -1), h]],
      constants: {},
      uniforms: [rows, m, h, f32Bits(m / h)],
      workgroups: ceilDiv(rows * h, THREADS),
    };
  },
};

/** [B, H] from the inputs an LSTM step shares: h and c [B, H], Wh [H, 4H], b [4H]. */
function lstmShapes(op: string, h: Shape | null, c: Shape | null, wh: Shape | null, bias: Shape | null): Shape {
  const hs = shapeOf(op, "h", h, [2], "[B, H]");
  const hidden = hs[1];
  expectDims(op, "c", shapeOf(op, "c", c, [2], "[B, H]"), hs, "[B, H] like h");
  expectDims(op, "wh", shapeOf(op, "wh", wh, [2], "[H, 4H]"), [hidden, 4 * hidden], "[H, 4H]");
  expectDims(op, "b", shapeOf(op, "b", bias, [1], "[4H]"), [4 * hidden], "[4H]");
  return hs;
}

function lstmPlan([rows, hidden]: Shape, input: number): ProgramPlan {
  return {
    outputs: [[rows, hidden], [rows, hidden]],
    constants: {},
    uniforms: [rows, input, hidden],
    workgroups: ceilDiv(rows * hidden, THREADS),
  };
}

/** (h', c') of one LSTM step, z = x·Wx + h·Wh + b with gates [i | f | g | o]. */
export const lstmCellProgram: GpuProgram<Record<string, never>> = {
  name: "lstmCell",
  family: "lstm",
  entryPoint: "lstmCell",
  inputs: ["h", "c", "wh", "b", "x", "wx"],
  plan([h, c, wh, b, xShape, wxShape]) {
    const hs = lstmShapes("lstmCell", h, c, wh, b);
    const x = shapeOf("lstmCell", "x", xShape, [2], "[B, I]");
    expectDims("lstmCell", "x", x, [hs[0], x[1]], "[B, I] with h's B");
    expectDims("lstmCell", "wx", shapeOf("lstmCell", "wx", wxShape, [2], "[I, 4H]"), [x[1], 4 * hs[1]], "[I, 4H]");
    return lstmPlan(hs, x[1]);
  },
};

/** lstmCell with x·Wx given precomputed as xw[B, 4H] (one matmul over a whole sequence). */
export const lstmCellPreProgram: GpuProgram<Record<string, never>> = {
  name: "lstmCellPre",
  family: "lstm",
  entryPoint: "lstmCellPre",
  inputs: ["h", "c", "wh", "b", "xw"],
  plan([h, c, wh, b, xwShape]) {
    const hs = lstmShapes("lstmCellPre", h, c, wh, b);
    expectDims("lstmCellPre", "xw", shapeOf("lstmCellPre", "xw", xwShape, [2], "[B, 4H]"), [hs[0], 4 * hs[1]], "[B, 4H]");
    return lstmPlan(hs, 0);
  },
};

export interface LayerNormParams {
  readonly eps: number;
}

/** Normalizes each row over the last axis (population variance), then scales by gamma and shifts by beta. */
export const layerNormProgram: GpuProgram<LayerNormParams> = {
  name: "layerNorm",
  family: "norm",
  entryPoint: "layerNorm",
  inputs: ["x", "gamma", "beta"],
  plan([xShape, gamma, beta], { eps }) {
    const x = shapeOf("layerNorm", "x", xShape, [1, 2, 3], "[R, N]");
    const [rows, n] = rowsOf(x);
    expectDims("layerNorm", "gamma", shapeOf("layerNorm", "gamma", gamma, [1], "[N]"), [n], "[N]");
    expectDims("layerNorm", "beta", shapeOf("layerNorm", "beta", beta, [1], "[N]"), [n], "[N]");
    if (!(eps > 0)) fail("layerNorm", "eps", `eps must be positive; got ${eps}`);
    return { outputs: [x], constants: {}, uniforms: [n, f32Bits(eps), rows], workgroups: rows };
  },
};

/** Rows at most this long are normalized one thread per row (layerNormRows), longer ones one workgroup per row. */
export const SHORT_ROW = 64;

/** layerNorm with one thread per row: for rows of at most SHORT_ROW values. */
export const layerNormRowsProgram: GpuProgram<LayerNormParams> = {
  name: "layerNormRows",
  family: "norm",
  entryPoint: "layerNormRows",
  inputs: layerNormProgram.inputs,
  plan(shapes, params) {
    const plan = layerNormProgram.plan(shapes, params);
    return { ...plan, workgroups: ceilDiv(plan.workgroups, THREADS) };
  },
};

/** Softmax over the last axis, max-subtracted. */
export const softmaxProgram: GpuProgram<Record<string, never>> = {
  name: "softmax",
  family: "norm",
  entryPoint: "softmax",
  inputs: ["x"],
  plan([xShape]) {
    const x = shapeOf("softmax", "x", xShape, [1, 2, 3], "[R, N]");
    const [rows, n] = rowsOf(x);
    return { outputs: [x], constants: {}, uniforms: [n, 0, rows], workgroups: rows };
  },
};

export interface AttentionParams {
  readonly heads: number;
  readonly causal: boolean;
}

/** Multi-head scaled dot-product attention over Q, K, V [B, T, D]; heads own consecutive column blocks. */
export const attentionProgram: GpuProgram<AttentionParams> = {
  name: "attention",
  family: "attention",
  entryPoint: "attention",
  inputs: ["q", "k", "v"],
  plan([qShape, kShape, vShape], { heads, causal }) {
    const q = shapeOf("attention", "q", qShape, [3], "[B, T, D]");
    expectDims("attention", "k", shapeOf("attention", "k", kShape, [3], "[B, T, D]"), q, "[B, T, D] like q");
    expectDims("attention", "v", shapeOf("attention", "v", vShape, [3], "[B, T, D]"), q, "[B, T, D] like q");
    const [batch, t, d] = q;
    positiveInt("attention", "heads", heads);
    if (d % heads !== 0) fail("attention", "heads", `D = ${d} must be a multiple of heads = ${heads}`);
    const headDim = d / heads;
    if (headDim > MAX_HEAD_DIM) throw new GpuLimitError("attention head size D/heads", headDim, MAX_HEAD_DIM, "attention", "attention.wgsl");
    return {
      outputs: [q],
      constants: { CAUSAL: causal ? 1 : 0 },
      uniforms: [batch * heads * t, t, d, heads, headDim],
      workgroups: ceilDiv(batch * heads * t, THREADS),
    };
  },
};

export interface MaxPoolBackwardParams {
  readonly kernel: number;
}

/** dX [B, L] of maxPool1d from x [B, L] and dY [B, ceil(L/k)]: each window's gradient to its first maximum. */
export const maxPool1dBackwardProgram: GpuProgram<MaxPoolBackwardParams> = {
  name: "maxPool1dBackward",
  family: "pooling",
  entryPoint: "maxPool1dBackward",
  inputs: ["x", "dy"],
  plan([xShape, dyShape], { kernel }) {
    const x = shapeOf("maxPool1dBackward", "x", xShape, [2], "[B, L]");
    const k = positiveInt("maxPool1dBackward", "kernel", kernel);
    const [rows, len] = x;
    const outLen = ceilDiv(len, k);
    expectDims("maxPool1dBackward", "dy", shapeOf("maxPool1dBackward", "dy", dyShape, [2], "[B, ceil(L/k)]"), [rows, outLen], "[B, ceil(L/k)]");
    return { outputs: [x], constants: {}, uniforms: [rows, len, k, outLen], workgroups: ceilDiv(rows * len, THREADS) };
  },
};

export interface InterpolateBackwardParams {
  /** M, the number of source points. */
  readonly size: number;
}

/** dX [B, M] of interpolateLinear from dY [B, H]. */
export const interpolateLinearBackwardProgram: GpuProgram<InterpolateBackwardParams> = {
  name: "interpolateLinearBackward",
  family: "interpolate",
  entryPoint: "interpolateLinearBackward",
  inputs: ["dy"],
  plan([dyShape], { size }) {
    const [rows, h] = shapeOf("interpolateLinearBackward", "dy", dyShape, [2], "[B, H]");
    const m = positiveInt("interpolateLinearBackward", "size", size);
    return { outputs: [[rows, m]], constants: {}, uniforms: [rows, m, h, f32Bits(m / h)], workgroups: ceilDiv(rows * m, THREADS) };
  },
};

/** The uniforms of elementwise.wgsl after `groups`: n, nb, rows, cols, alpha, beta. */
function elementwiseUniforms(n: number, nb: number, rows: number, cols: number, alpha = 1, beta = 0): number[] {
  return [n, nb, rows, cols, f32Bits(alpha), f32Bits(beta)];
}

export interface AxpbyParams {
  readonly alpha: number;
  readonly beta: number;
}

/** alpha·a + beta·b, b (optional) repeated to a's length: a [T, D] b broadcasts over a [B, T, D] a. */
export const axpbyProgram: GpuProgram<AxpbyParams> = {
  name: "axpby",
  family: "elementwise",
  entryPoint: "axpby",
  inputs: ["a", "b"],
  optional: ["b"],
  plan([aShape, bShape], { alpha, beta }) {
    const a = shapeOf("axpby", "a", aShape, [1, 2, 3], "a tensor");
    const n = product(a);
    const nb = bShape ? product(bShape) : 1;
    if (bShape && n % nb !== 0) fail("axpby", "b", `b's ${nb} elements must divide a's ${n}; got b ${shapeText(bShape)}`);
    return { outputs: [a], constants: { HAS_B: bShape ? 1 : 0 }, uniforms: elementwiseUniforms(n, nb, 0, 0, alpha, beta), workgroups: ceilDiv(n, THREADS) };
  },
};

export interface ActivationParams {
  readonly activation: Activation;
}

/** act(x) elementwise. */
export const activationProgram: GpuProgram<ActivationParams> = {
  name: "activation",
  family: "elementwise",
  entryPoint: "activation",
  inputs: ["x"],
  plan([xShape], { activation }) {
    const x = shapeOf("activation", "x", xShape, [1, 2, 3], "a tensor");
    const act = ACTIVATIONS.indexOf(activation);
    if (act < 0) fail("activation", "activation", `activation must be one of ${ACTIVATIONS.join(", ")}; got "${activation}"`);
    const n = product(x);
    return { outputs: [x], constants: { ACT: act }, uniforms: elementwiseUniforms(n, n, 0, 0), workgroups: ceilDiv(n, THREADS) };
  },
};

export interface ActivationGradParams {
  readonly activation: Activation;
}

/** dZ = dY ⊙ act'(Z) from dY and the pre-activation Z (same shape). */
export const activationGradProgram: GpuProgram<ActivationGradParams> = {
  name: "activationGrad",
  family: "elementwise",
  entryPoint: "activationGrad",
  inputs: ["dy", "pre"],
  plan([dyShape, preShape], { activation }) {
    const dy = shapeOf("activationGrad", "dy", dyShape, [1, 2, 3], "a tensor");
    expectDims("activationGrad", "pre", shapeOf("activationGrad", "pre", preShape, [dy.length], "like dy"), dy, "dy's shape");
    const act = ACTIVATIONS.indexOf(activation);
    if (act < 0) fail("activationGrad", "activation", `activation must be one of ${ACTIVATIONS.join(", ")}; got "${activation}"`);
    const n = product(dy);
    return { outputs: [dy], constants: { ACT: act }, uniforms: elementwiseUniforms(n, n, 0, 0), workgroups: ceilDiv(n, THREADS) };
  },
};

function lossShapes(op: string, prediction: Shape | null, target: Shape | null): Shape {
  const y = shapeOf(op, "prediction", prediction, [1, 2], "[B, H]");
  expectDims(op, "target", shapeOf(op, "target", target, [y.length], "like prediction"), y, "prediction's shape");
  return y;
}

/** The gradient of the mean absolute error over all entries: sign(prediction − target) / n. */
export const maeGradProgram: GpuProgram<Record<string, never>> = {
  name: "maeGrad",
  family: "elementwise",
  entryPoint: "maeGrad",
  inputs: ["prediction", "target"],
  plan([prediction, target]) {
    const y = lossShapes("maeGrad", prediction, target);
    const n = product(y);
    return { outputs: [y], constants: {}, uniforms: elementwiseUniforms(n, n, 0, 0, 1 / n), workgroups: ceilDiv(n, THREADS) };
  },
};

/** [1]: the mean absolute error over all entries. */
export const maeLossProgram: GpuProgram<Record<string, never>> = {
  name: "maeLoss",
  family: "elementwise",
  entryPoint: "maeLoss",
  inputs: ["prediction", "target"],
  plan([prediction, target]) {
    const n = product(lossShapes("maeLoss", prediction, target));
    return { outputs: [[1]], constants: {}, uniforms: elementwiseUniforms(n, n, 0, 0, 1 / n), workgroups: 1 };
  },
};

/** [N]: the sum of the rows of X [R, N] (a bias gradient from dZ). */
export const columnSumProgram: GpuProgram<Record<string, never>> = {
  name: "columnSum",
  family: "elementwise",
  entryPoint: "columnSum",
  inputs: ["x"],
  plan([xShape]) {
    const [rows, cols] = rowsOf(shapeOf("columnSum", "x", xShape, [2, 3], "[R, N]"));
    return { outputs: [[cols]], constants: {}, uniforms: elementwiseUniforms(cols, cols, rows, cols), workgroups: ceilDiv(cols, THREADS) };
  },
};

/** [P?, C, R] from X [P?, R, C]: the last two axes swapped. */
export const transposeProgram: GpuProgram<Record<string, never>> = {
  name: "transpose",
  family: "elementwise",
  entryPoint: "transpose",
  inputs: ["x"],
  plan([xShape]) {
    const x = shapeOf("transpose", "x", xShape, [2, 3], "[R, C] or [P, R, C]");
    const [rows, cols] = x.slice(-2);
    const n = product(x);
    return { outputs: [[...x.slice(0, -2), cols, rows]], constants: {}, uniforms: elementwiseUniforms(n, n, rows, cols), workgroups: ceilDiv(n, THREADS) };
  },
};

export interface AdamParams {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** The 1-based step count (for the bias corrections). */
  readonly step: number;
}

/** One Adam step: [w', m', v'] from w, the gradient g and the moments m, v (all the same shape). */
export const adamProgram: GpuProgram<AdamParams> = {
  name: "adam",
  family: "optimizer",
  entryPoint: "adam",
  inputs: ["w", "g", "m", "v"],
  plan([wShape, ...rest], { learningRate, beta1, beta2, eps, step }) {
    const w = shapeOf("adam", "w", wShape, [1, 2, 3], "a tensor");
    ["g", "m", "v"].forEach((name, i) => expectDims("adam", name, shapeOf("adam", name, rest[i], [w.length], "like w"), w, "w's shape"));
    positiveInt("adam", "step", step);
    const n = product(w);
    return {
      outputs: [w, w, w],
      constants: {},
      uniforms: [n, ...[learningRate, beta1, beta2, eps, 1 - beta1 ** step, 1 - beta2 ** step].map(f32Bits)],
      workgroups: ceilDiv(n, THREADS),
    };
  },
};

/** The backward of one LSTM step: [dz [B, 4H], dc [B, H]] from the step's h, c, Wh, b, xw = x·Wx, and dh', dc'. */
export const lstmCellBackwardProgram: GpuProgram<Record<string, never>> = {
  name: "lstmCellBackward",
  family: "lstm-backward",
  entryPoint: "lstmCellBackward",
  inputs: ["h", "c", "wh", "b", "xw", "dh", "dc"],
  plan([h, c, wh, b, xwShape, dh, dc]) {
    const op = "lstmCellBackward";
    const hs = lstmShapes(op, h, c, wh, b);
    const [rows, hidden] = hs;
    expectDims(op, "xw", shapeOf(op, "xw", xwShape, [2], "[B, 4H]"), [rows, 4 * hidden], "[B, 4H]");
    expectDims(op, "dh", shapeOf(op, "dh", dh, [2], "[B, H]"), hs, "[B, H] like h");
    expectDims(op, "dc", shapeOf(op, "dc", dc, [2], "[B, H]"), hs, "[B, H] like h");
    return { outputs: [[rows, 4 * hidden], hs], constants: {}, uniforms: [rows, hidden], workgroups: ceilDiv(rows * hidden, THREADS) };
  },
};

/** The backward of layerNorm: [dX, dY ⊙ x̂] from X, gamma and dY (dγ and dβ are column sums of dY ⊙ x̂ and dY). */
export const layerNormBackwardProgram: GpuProgram<LayerNormParams> = {
  name: "layerNormBackward",
  family: "norm-backward",
  entryPoint: "layerNormBackward",
  inputs: ["x", "gamma", "dy"],
  plan([xShape, gamma, dy], { eps }) {
    const op = "layerNormBackward";
    const x = shapeOf(op, "x", xShape, [1, 2, 3], "[R, N]");
    const [rows, n] = rowsOf(x);
    expectDims(op, "gamma", shapeOf(op, "gamma", gamma, [1], "[N]"), [n], "[N]");
    expectDims(op, "dy", shapeOf(op, "dy", dy, [x.length], "like x"), x, "x's shape");
    if (!(eps > 0)) fail(op, "eps", `eps must be positive; got ${eps}`);
    return { outputs: [x, x], constants: {}, uniforms: [n, f32Bits(eps), rows], workgroups: rows };
  },
};

/** layerNormBackward with one thread per row: for rows of at most SHORT_ROW values. */
export const layerNormBackwardRowsProgram: GpuProgram<LayerNormParams> = {
  name: "layerNormBackwardRows",
  family: "norm-backward",
  entryPoint: "layerNormBackwardRows",
  inputs: layerNormBackwardProgram.inputs,
  plan(shapes, params) {
    const plan = layerNormBackwardProgram.plan(shapes, params);
    return { ...plan, workgroups: ceilDiv(plan.workgroups, THREADS) };
  },
};

function attentionBackwardPlan(op: string, shapes: readonly (Shape | null)[], { heads, causal }: AttentionParams, outputs: (q: Shape, rows: number) => Shape[]): ProgramPlan {
  const q = shapeOf(op, "q", shapes[0], [3], "[B, T, D]");
  ["k", "v", "dout"].forEach((name, i) => expectDims(op, name, shapeOf(op, name, shapes[i + 1], [3], "[B, T, D]"), q, "[B, T, D] like q"));
  const [batch, t, d] = q;
  positiveInt(op, "heads", heads);
  if (d % heads !== 0) fail(op, "heads", `D = ${d} must be a multiple of heads = ${heads}`);
  const headDim = d / heads;
  if (headDim > MAX_HEAD_DIM) throw new GpuLimitError("attention head size D/heads", headDim, MAX_HEAD_DIM, op, "attention-backward.wgsl");
  const rows = batch * heads * t;
  if (shapes[4] !== undefined) expectDims(op, "stats", shapeOf(op, "stats", shapes[4], [2], "[B·heads·T, 4]"), [rows, 4], "[B·heads·T, 4]");
  return { outputs: outputs(q, rows), constants: { CAUSAL: causal ? 1 : 0 }, uniforms: [rows, t, d, heads, headDim], workgroups: ceilDiv(rows, THREADS) };
}

/** Attention's backward, per query: [dQ, stats [B·heads·T, 4]] from Q, K, V and dO. */
export const attentionBackwardQueryProgram: GpuProgram<AttentionParams> = {
  name: "attentionBackwardQuery",
  family: "attention-backward",
  entryPoint: "attentionBackwardQuery",
  inputs: ["q", "k", "v", "dout"],
  plan(shapes, params) {
    return attentionBackwardPlan("attentionBackwardQuery", shapes, params, (q, rows) => [q, [rows, 4]]);
  },
};

/** Attention's backward, per key: [dK, dV] from Q, K, V, dO and the query kernel's stats. */
export const attentionBackwardKeyProgram: GpuProgram<AttentionParams> = {
  name: "attentionBackwardKey",
  family: "attention-backward",
  entryPoint: "attentionBackwardKey",
  inputs: ["q", "k", "v", "dout", "stats"],
  plan(shapes, params) {
    return attentionBackwardPlan("attentionBackwardKey", shapes, params, (q) => [q, q]);
  },
};

/** Every program by name. */
export const PROGRAMS: ReadonlyMap<string, GpuProgram<never>> = new Map(
  [
    matmulProgram, matmulDirectProgram, maxPool1dProgram, interpolateLinearProgram, lstmCellProgram, lstmCellPreProgram, layerNormProgram, softmaxProgram,
    attentionProgram, maxPool1dBackwardProgram, interpolateLinearBackwardProgram, axpbyProgram, activationProgram, activationGradProgram, maeGradProgram,
    maeLossProgram, columnSumProgram, transposeProgram, adamProgram, lstmCellBackwardProgram, layerNormBackwardProgram,
    layerNormRowsProgram, layerNormBackwardRowsProgram,    attentionBackwardQueryProgram, attentionBackwardKeyProgram,
  ].map(
    (p) => [p.name, p as GpuProgram<never>],
  ),
);
