// The forward (and backward) passes of the three models on WebGPU, built
// from the ops of src/gpu on device-resident tensors: the same arithmetic as
// the CPU passes in nhits.ts, lstm.ts and transformer.ts, which are the
// reference they are tested against. Nothing is read back in between.
import type { GpuExecutor, GpuTensor } from "../gpu/executor.ts";
import * as gpu from "../gpu/ops.ts";
import { knotCount, type LstmConfig, type Model, type NhitsConfig, type TransformerConfig } from "./model.ts";
import { positionalEncoding } from "./ops.ts";

/** A model's parameters resident on one executor: one tensor per named parameter, and the constants its pass needs. */
export interface GpuParams {
  readonly ex: GpuExecutor;
  readonly model: Model;
  readonly tensors: Map<string, GpuTensor>;
}

/** Uploads every parameter of `weights` (the model's flat layout) as its own tensor. */
export function uploadParams(ex: GpuExecutor, model: Model, weights: Float32Array): GpuParams {
  const tensors = new Map<string, GpuTensor>();
  for (const spec of model.layout.specs) tensors.set(spec.name, ex.upload(model.layout.view(weights, spec.name), spec.shape));
  const { config } = model;
  if (config.kind === "nhits") {
    // The naive level as a matmul: x [B, L] · E [L, H] with row L−1 all ones copies x[:, L−1] to every step, exactly.
    const level = new Float32Array(config.inputSize * config.horizon);
    level.fill(1, (config.inputSize - 1) * config.horizon);
    tensors.set("#level", ex.upload(level, [config.inputSize, config.horizon]));
  }
  if (config.kind === "transformer") {
    tensors.set("#pe", ex.upload(positionalEncoding(config.inputSize, config.dModel), [config.inputSize, config.dModel]));
  }
  return { ex, model, tensors };
}

export function releaseParams(params: GpuParams): void {
  for (const t of params.tensors.values()) t.release();
  params.tensors.clear();
}

/** The model's outputs [count, H] for windows x [count, L], in passes of at most `chunk` windows. */
export async function predictOnDevice(params: GpuParams, x: Float32Array, count: number, chunk: number): Promise<Float32Array> {
  const { ex, model } = params;
  const { inputSize: L, horizon: H } = model.config;
  const y = new Float32Array(count * H);
  for (let from = 0; from < count; from += chunk) {
    const n = Math.min(chunk, count - from);
    const pass = gpuForward(params, ex.upload(x.subarray(from * L, (from + n) * L), [n, L]), n);
    try {
      y.set(await ex.read(pass.y), from * H);
    } finally {
      pass.y.release();
      pass.release();
    }
  }
  return y;
}

/** A forward pass on the GPU: its output y [B, H], and what its backward needs until released. */
export interface GpuPass {
  readonly y: GpuTensor;
  /**
   * The gradient of every parameter (by name, the layout's shapes) from dL/dy
   * [B, H]; the caller releases them. Only for passes run with `training`.
   */
  backward(dy: GpuTensor): Map<string, GpuTensor>;
  /** Releases every tensor the pass made except y (x included: the pass owns it). */
  release(): void;
}

/** Tensors a pass made, released together. */
class Held {
  private readonly list: GpuTensor[] = [];
  add<T extends GpuTensor>(t: T): T {
    this.list.push(t);
    return t;
  }
  release(): void {
    for (const t of this.list.splice(0)) t.release();
  }
}

/**
 * The model's forward over x [B, inputSize] (taken over: released with the
 * pass). With `training`, activations are kept apart from their matmuls so
 * the backward has the pre-activations; the outputs are the same.
 */
export function gpuForward(params: GpuParams, x: GpuTensor, batch: number, training = false): GpuPass {
  const { config } = params.model;
  const pass = config.kind === "nhits" ? nhitsForward(params, config, x, batch, training)
    : config.kind === "lstm" ? lstmForward(params, config, x, batch, training)
    : transformerForward(params, config, x, batch, training);
  if (training) return pass;
  return {
    ...pass,
    backward: () => {
      throw new Error(`${config.kind}: backward needs a forward run with training = true`);
    },
  };
}

/** A [B, T, N] tensor as a [B·T, N] view; rank 2 as it is. */
function rows(t: GpuTensor): GpuTensor {
  const [a, b, c] = t.shape;
  return t.shape.length === 3 ? t.view([a * b, c]) : t;
}

/** The gradients of y = act(x·W + b) for saved x and pre-activation: dW, db and dX (when wanted). */
function linearBackward(
  ex: GpuExecutor, x: GpuTensor, w: GpuTensor, pre: GpuTensor | null, dy: GpuTensor, act: "none" | "relu" | "gelu",
  grads: Map<string, GpuTensor>, name: string, held: Held, wantDx = true,
): GpuTensor | null {
  const dz = act === "none" ? dy : held.add(gpu.activationGrad(ex, dy, pre!, act));
  // dW = Xᵀ·dZ over every row: a [B, T, ·] sequence counts as B·T rows.
  grads.set(`${name}.weight`, gpu.matmul(ex, rows(x), rows(dz), { transA: true }));
  grads.set(`${name}.bias`, gpu.columnSum(ex, dz));
  return wantDx ? held.add(gpu.matmul(ex, dz, w, { transB: true })) : null;
}

function nhitsForward(params: GpuParams, config: NhitsConfig, x: GpuTensor, _batch: number, training: boolean): GpuPass {
  const { ex, tensors } = params;
  const p = (name: string) => tensors.get(name)!;
  const { inputSize: L, horizon: H, mlpLayers } = config;
  const held = new Held();
  held.add(x);
  const blocks = config.poolKernels.map((kernel, s) => {
    const prefix = `block${s}`;
    const knots = knotCount(H, config.downsample[s]);
    return { kernel, prefix, knots, residual: x, inputs: [] as GpuTensor[], pres: [] as GpuTensor[] };
  });

  let y = held.add(gpu.matmul(ex, x, p("#level")));
  let residual = x;
  for (const block of blocks) {
    block.residual = residual;
    let a = block.kernel > 1 ? held.add(gpu.maxPool1d(ex, residual, block.kernel)) : residual;
    for (let l = 0; l < mlpLayers; l++) {
      const name = `${block.prefix}.mlp${l}`;
      block.inputs.push(a);
      if (training) {
        const pre = held.add(gpu.linear(ex, a, p(`${name}.weight`), p(`${name}.bias`)));
        block.pres.push(pre);
        a = held.add(gpu.activation(ex, pre, "relu"));
      } else {
        a = held.add(gpu.linear(ex, a, p(`${name}.weight`), p(`${name}.bias`), "relu"));
      }
    }
    block.inputs.push(a);
    const backcast = held.add(gpu.linear(ex, a, p(`${block.prefix}.backcast.weight`), p(`${block.prefix}.backcast.bias`)));
    const knots = held.add(gpu.linear(ex, a, p(`${block.prefix}.knots.weight`), p(`${block.prefix}.knots.bias`)));
    const forecast = held.add(gpu.interpolateLinear(ex, knots, H));
    residual = held.add(gpu.axpby(ex, residual, backcast, 1, -1));
    y = gpu.axpby(ex, y, forecast);
    if (block !== blocks[blocks.length - 1]) held.add(y);
  }

  function backward(dy: GpuTensor): Map<string, GpuTensor> {
    const grads = new Map<string, GpuTensor>();
    const local = new Held();
    // dRes: the gradient reaching the residual that enters the block being undone (null: zero).
    let dRes: GpuTensor | null = null;
    for (let i = blocks.length - 1; i >= 0; i--) {
      const block = blocks[i];
      const name = block.prefix;
      const top = block.inputs[mlpLayers];
      const dKnots = local.add(gpu.interpolateLinearBackward(ex, dy, block.knots));
      let da = linearBackward(ex, top, p(`${name}.knots.weight`), null, dKnots, "none", grads, `${name}.knots`, local)!;
      if (dRes) {
        const dBackcast = local.add(gpu.axpby(ex, dRes, null, -1));
        const daBackcast = linearBackward(ex, top, p(`${name}.backcast.weight`), null, dBackcast, "none", grads, `${name}.backcast`, local)!;
        da = local.add(gpu.axpby(ex, da, daBackcast));
      } else {
        // The last block's backcast feeds nothing.
        grads.set(`${name}.backcast.weight`, ex.zeros([config.hidden, L]));
        grads.set(`${name}.backcast.bias`, ex.zeros([L]));
      }
      for (let l = mlpLayers - 1; l >= 0; l--) {
        da = linearBackward(ex, block.inputs[l], p(`${name}.mlp${l}.weight`), block.pres[l], da, "relu", grads, `${name}.mlp${l}`, local)!;
      }
      const dPool = block.kernel > 1 ? local.add(gpu.maxPool1dBackward(ex, block.residual, da, block.kernel)) : da;
      dRes = dRes ? local.add(gpu.axpby(ex, dRes, dPool)) : dPool;
    }
    local.release();
    return grads;
  }

  return { y, backward, release: () => held.release() };
}

function lstmForward(params: GpuParams, config: LstmConfig, x: GpuTensor, batch: number, training: boolean): GpuPass {
  const { ex, tensors } = params;
  const p = (name: string) => tensors.get(name)!;
  const { inputSize: T, hidden: H, layers } = config;
  const held = new Held();
  held.add(x);
  // Sequences run step-major, [T·B, width]: step t's rows are contiguous, so a step is one slice.
  // Per layer, what the backward needs: its input sequence, x·Wx for every step, the states
  // before each step (hs[t], cs[t]; index 0 the zero state) and the h before each step stacked.
  const saved: { seq: GpuTensor; xw: GpuTensor; hs: GpuTensor[]; cs: GpuTensor[]; hPrev: GpuTensor | null }[] = [];
  let seq = held.add(gpu.transpose(ex, x).reshape([T * batch, 1]));
  let h = held.add(ex.zeros([batch, H]));
  for (let l = 0; l < layers; l++) {
    const xw = held.add(gpu.matmul(ex, seq, p(`lstm${l}.wx`)));
    const out = held.add(ex.zeros([T * batch, H]));
    const hPrev = training ? held.add(ex.zeros([T * batch, H])) : null;
    h = held.add(ex.zeros([batch, H]));
    let c = held.add(ex.zeros([batch, H]));
    const layer = { seq, xw, hs: [h], cs: [c], hPrev };
    for (let t = 0; t < T; t++) {
      const xwt = ex.slice(xw, t * batch * 4 * H, [batch, 4 * H]);
      const [hNext, cNext] = gpu.lstmCellPre(ex, xwt, h, c, p(`lstm${l}.wh`), p(`lstm${l}.bias`));
      xwt.release();
      ex.copy(hNext, out, t * batch * H);
      if (hPrev && t < T - 1) ex.copy(hNext, hPrev, (t + 1) * batch * H);
      h = held.add(hNext);
      c = held.add(cNext);
      layer.hs.push(h);
      layer.cs.push(c);
    }
    saved.push(layer);
    seq = out;
  }
  const last = h;
  const y = gpu.linear(ex, last, p("head.weight"), p("head.bias"));

  function backward(dy: GpuTensor): Map<string, GpuTensor> {
    const grads = new Map<string, GpuTensor>();
    const local = new Held();
    const dLast = linearBackward(ex, last, p("head.weight"), null, dy, "none", grads, "head", local)!;
    // The gradient reaching each step's output from above: the next layer's input gradient, or the head's at the last step.
    let dAbove: GpuTensor | null = null;
    for (let l = layers - 1; l >= 0; l--) {
      const { seq: input, xw, hs, cs, hPrev } = saved[l];
      const wh = p(`lstm${l}.wh`);
      const dz = local.add(ex.zeros([T * batch, 4 * H]));
      let dhNext: GpuTensor | null = null;
      let dc = local.add(ex.zeros([batch, H]));
      for (let t = T - 1; t >= 0; t--) {
        const above = dAbove ? local.add(ex.slice(dAbove, t * batch * H, [batch, H])) : t === T - 1 ? dLast : null;
        const dh = dhNext && above ? local.add(gpu.axpby(ex, dhNext, above)) : (dhNext ?? above ?? local.add(ex.zeros([batch, H])));
        const xwt = local.add(ex.slice(xw, t * batch * 4 * H, [batch, 4 * H]));
        const [dzt, dcPrev] = gpu.lstmCellBackward(ex, xwt, hs[t], cs[t], wh, p(`lstm${l}.bias`), dh, dc);
        ex.copy(local.add(dzt), dz, t * batch * 4 * H);
        dhNext = t > 0 ? local.add(gpu.matmul(ex, dzt, wh, { transB: true })) : null;
        dc = local.add(dcPrev);
      }
      grads.set(`lstm${l}.wx`, gpu.matmul(ex, input, dz, { transA: true }));
      grads.set(`lstm${l}.wh`, gpu.matmul(ex, hPrev!, dz, { transA: true }));
      grads.set(`lstm${l}.bias`, gpu.columnSum(ex, dz));
      dAbove = l > 0 ? local.add(gpu.matmul(ex, dz, p(`lstm${l}.wx`), { transB: true })) : null;
    }
    local.release();
    return grads;
  }

  return { y, backward, release: () => held.release() };
}

function transformerForward(params: GpuParams, config: TransformerConfig, x: GpuTensor, batch: number, training: boolean): GpuPass {
  const { ex, tensors } = params;
  const p = (name: string) => tensors.get(name)!;
  const { inputSize: T, dModel: D, heads, layers } = config;
  const held = new Held();
  // Tokens as [B, T, D]: the matmuls share their weights over the batch.
  const tokens = held.add(x.reshape([batch, T, 1]));
  const projected = held.add(gpu.linear(ex, tokens, p("input.weight"), p("input.bias")));
  let h = held.add(gpu.axpby(ex, projected, p("#pe")));
  type Saved = { input: GpuTensor; q: GpuTensor; k: GpuTensor; v: GpuTensor; att: GpuTensor; sum1: GpuTensor; mid: GpuTensor; ffPre: GpuTensor | null; ff: GpuTensor; sum2: GpuTensor };
  const saved: Saved[] = [];
  for (let l = 0; l < layers; l++) {
    const n = (m: string) => p(`layer${l}.${m}`);
    const q = held.add(gpu.linear(ex, h, n("q.weight"), n("q.bias")));
    const k = held.add(gpu.linear(ex, h, n("k.weight"), n("k.bias")));
    const v = held.add(gpu.linear(ex, h, n("v.weight"), n("v.bias")));
    const att = held.add(gpu.attention(ex, q, k, v, heads));
    const sum1 = held.add(gpu.axpby(ex, h, held.add(gpu.linear(ex, att, n("o.weight"), n("o.bias")))));
    const mid = held.add(gpu.layerNorm(ex, sum1, n("norm1.gamma"), n("norm1.beta")));
    const ffPre = training ? held.add(gpu.linear(ex, mid, n("ff1.weight"), n("ff1.bias"))) : null;
    const ff = held.add(ffPre ? gpu.activation(ex, ffPre, "gelu") : gpu.linear(ex, mid, n("ff1.weight"), n("ff1.bias"), "gelu"));
    const sum2 = held.add(gpu.axpby(ex, mid, held.add(gpu.linear(ex, ff, n("ff2.weight"), n("ff2.bias")))));
    saved.push({ input: h, q, k, v, att, sum1, mid, ffPre, ff, sum2 });
    h = held.add(gpu.layerNorm(ex, sum2, n("norm2.gamma"), n("norm2.beta")));
  }
  const encoded = h.view([batch, T * D]);
  const y = gpu.linear(ex, encoded, p("head.weight"), p("head.bias"));

  function backward(dy: GpuTensor): Map<string, GpuTensor> {
    const grads = new Map<string, GpuTensor>();
    const local = new Held();
    const dense = (x: GpuTensor, name: string, pre: GpuTensor | null, d: GpuTensor, act: "none" | "gelu") =>
      linearBackward(ex, x, p(`${name}.weight`), pre, d, act, grads, name, local)!;
    let dh = dense(encoded, "head", null, dy, "none").view([batch, T, D]);
    for (let l = layers - 1; l >= 0; l--) {
      const s = saved[l];
      const name = `layer${l}`;
      const norm = (x: GpuTensor, d: GpuTensor, which: string) => {
        const [dx, dyXhat] = gpu.layerNormBackward(ex, x, p(`${name}.${which}.gamma`), d);
        grads.set(`${name}.${which}.gamma`, gpu.columnSum(ex, local.add(dyXhat)));
        grads.set(`${name}.${which}.beta`, gpu.columnSum(ex, d));
        return local.add(dx);
      };
      const dSum2 = norm(s.sum2, dh, "norm2");
      const dFf = dense(s.ff, `${name}.ff2`, null, dSum2, "none");
      const dMid = local.add(gpu.axpby(ex, dense(s.mid, `${name}.ff1`, s.ffPre, dFf, "gelu"), dSum2));
      const dSum1 = norm(s.sum1, dMid, "norm1");
      const dAtt = dense(s.att, `${name}.o`, null, dSum1, "none");
      const [dq, dk, dv] = gpu.attentionBackward(ex, s.q, s.k, s.v, dAtt, heads).map((t) => local.add(t));
      // The layer's input fed the residual and the three projections.
      let dInput = dSum1;
      for (const [m, d] of [["q", dq], ["k", dk], ["v", dv]] as const) dInput = local.add(gpu.axpby(ex, dInput, dense(s.input, `${name}.${m}`, null, d, "none")));
      dh = dInput;
    }
    linearBackward(ex, tokens, p("input.weight"), null, dh, "none", grads, "input", local, false);
    local.release();
    return grads;
  }

  return { y, backward, release: () => held.release() };
}
